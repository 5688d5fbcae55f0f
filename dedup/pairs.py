"""Candidate pairs scored column-wise: every similarity and event-key relation of all pairs as
numpy arrays, so that scoring costs a few vector operations rather than a Python call per pair.
The per-pair objects with their labels (:class:`~dedup.scoring.PairFeatures`) are built only for
the pairs that become links."""

from __future__ import annotations

import dataclasses
import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import scipy.sparse as sp

from .analysis import Prepared
from .candidates import CandidateRules, candidate_blocks, publication_days
from .config import Config
from .copies import copy_rule
from .corpus import Corpus
from .documents import Progress
from .events import EventKey
from .fingerprint import pair_containments, pair_jaccards
from .memory import give_back_memory
from .scoring import (
    AGE_CODES,
    PLACE_CODES,
    PairFeatures,
    compare_ages,
    compare_places,
    entity_weight,
    event_scores,
)
from .scoring import pair_features as _pair_features
from .similarity import pair_cosines, tfidf

T = TypeVar("T")


@dataclass
class PairTable:
    """Columns over candidate pairs ``(left[k], right[k])``, ``left < right``."""

    left: np.ndarray
    right: np.ndarray
    jaccard: np.ndarray
    cosine: np.ndarray
    head_cosine: np.ndarray
    people: np.ndarray
    date: np.ndarray
    place: np.ndarray
    score: np.ndarray
    # How much of the shorter text the longer holds, and the shorter's shingle count
    # (fingerprint.pair_containments): the containment part of the copy rule (dedup.copies).
    containment: np.ndarray | None = None
    shorter: np.ndarray | None = None
    # Age relation codes (scoring.AGE_CODES; see age_column).
    ages: np.ndarray | None = None
    # Outcome relation codes (scoring.OUTCOME_CODES; see outcome_column).
    outcome: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.left)

    _COLUMNS = ("left", "right", "jaccard", "cosine", "head_cosine", "people", "date", "place",
                "score", "containment", "shorter", "ages", "outcome")

    @classmethod
    def joined(cls, tables: list[PairTable]) -> PairTable:
        """The pairs of ``tables``, one after the other (at least one table; the columns
        that all of them have)."""
        return cls(*(None if any(getattr(t, name) is None for t in tables)
                     else np.concatenate([getattr(t, name) for t in tables])
                     for name in cls._COLUMNS))

    def subset(self, keep: np.ndarray) -> PairTable:
        """The pairs where ``keep`` is true, with every column this table has."""
        return PairTable(*(None if (column := getattr(self, name)) is None else column[keep]
                           for name in self._COLUMNS))

    def renumbered(self, rank: np.ndarray) -> PairTable:
        """The same pairs with row ``i`` renamed ``rank[i]``, each pair (low, high), sorted."""
        table = dataclasses.replace(self)
        table.renumber(rank)
        return table

    def renumber(self, rank: np.ndarray) -> None:
        """:meth:`renumbered`, in place: the columns are replaced one at a time, so that at
        most one of them is held twice (the batch's clustering, whose caller reads the
        table no more, does this: a copy of all columns was a fifth of a large run's peak)."""
        self.reorder(_renumber_rows(self, rank))

    def reorder(self, order: np.ndarray) -> None:
        """Put the columns after ``left`` and ``right`` in ``order`` (in place, one at a
        time)."""
        for name in self._COLUMNS[2:]:
            column = getattr(self, name)
            if column is not None:
                setattr(self, name, column[order])


def _renumber_rows(pairs: PairTable | ScoredPairs, rank: np.ndarray) -> np.ndarray:
    """Rename the rows of ``pairs.left`` and ``pairs.right`` by ``rank``, each pair (low,
    high), in sorted order; returns the order of the pairs, for the other columns."""
    a, b = rank[pairs.left], rank[pairs.right]
    left, right = np.minimum(a, b), np.maximum(a, b)
    del a, b
    order = np.lexsort((right, left))
    pairs.left, pairs.right = left[order], right[order]
    return order


def row_dtype(n: int) -> type:
    """The narrowest integer type of numpy that numbers ``n`` rows (int32 up to 2**31)."""
    return np.int32 if n < 2**31 else np.int64


def exact_numbers(exact: Sequence[str]) -> np.ndarray:
    """Each row's exact-copy key as a number (equal keys, equal numbers)."""
    if not len(exact):
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.asarray(exact), return_inverse=True)[1].ravel()


# How far below the cluster threshold a pair keeps its columns in ScoredPairs: a merge's
# best pair scores at least the average that let it merge, up to the rounding of that
# average's sum (a few ulps per pair summed; far below this).
_LINKABLE_MARGIN = 1e-6


@dataclass
class ScoredPairs:
    """Scored candidate pairs as the clustering reads them (:func:`dedup.cluster.link_scored`):
    every pair's rows, score, and whether it is a copy (:func:`dedup.copies.copy_rule`); the
    other columns (``detail``, a :class:`PairTable` sorted as these pairs) only for the pairs
    that can become links: the copies, and the pairs scoring the cluster threshold or more
    (a merge's link is its best pair, which scores at least the average that let the
    clusters merge). A batch run holds millions of pairs, most far below the threshold: 17
    bytes a pair (rows as int32) instead of a :class:`PairTable`'s 67."""

    left: np.ndarray
    right: np.ndarray
    score: np.ndarray
    copy: np.ndarray
    detail: PairTable

    def __len__(self) -> int:
        return len(self.left)

    @classmethod
    def of(cls, table: PairTable, exact_ids: np.ndarray, config: Config, *,
           keep_all: bool = False) -> ScoredPairs:
        """The pairs of ``table`` (rows numbered as ``exact_ids``, each row's exact-copy key
        as a number), their columns kept for the pairs that can become links, or for all
        (``keep_all``: ``detail`` is ``table`` itself)."""
        same = exact_ids[table.left] == exact_ids[table.right]
        copy = copy_rule(same, table.jaccard, table.containment, table.shorter,
                         table.head_cosine, config)
        detail, left, right = table, table.left, table.right
        if not keep_all:
            detail = table.subset(copy | (table.score >= config.cluster_threshold
                                          - _LINKABLE_MARGIN))
            rows = row_dtype(len(exact_ids))  # every pair's rows, as narrow as they fit
            left, right = left.astype(rows), right.astype(rows)
        return cls(left, right, table.score, copy, detail)

    @classmethod
    def joined(cls, parts: list[ScoredPairs]) -> ScoredPairs:
        """The pairs of ``parts``, one after the other (at least one). The parts are taken
        apart as they are read: each column of theirs is let go once joined, so that the
        pairs are held about once, not twice (the end of a large run's scoring)."""
        columns = []
        for name in ("left", "right", "score", "copy"):
            columns.append(np.concatenate([getattr(p, name) for p in parts]))
            for p in parts:
                setattr(p, name, None)
        return cls(*columns, PairTable.joined([p.detail for p in parts]))

    def release(self) -> None:
        """Let go of the columns (for a caller that reads them no more): no pairs are left."""
        empty = np.zeros(0, dtype=np.int32)
        self.left, self.right, self.score = empty, empty, np.zeros(0)
        self.copy = np.zeros(0, dtype=bool)
        self.detail = self.detail.subset(np.zeros(len(self.detail), dtype=bool))

    def renumber(self, rank: np.ndarray) -> None:
        """:meth:`PairTable.renumber` for these pairs and their ``detail`` (in place; a
        ``detail`` of all the pairs, ``keep_all``, takes their new rows and order)."""
        detail = self.detail
        every = detail.left is self.left
        order = _renumber_rows(self, rank)
        self.copy = self.copy[order]
        if every:  # the detail's columns are the pairs' own: each reordered once
            detail.left, detail.right = self.left, self.right
            detail.reorder(order)
            self.score = detail.score
        else:
            self.score = self.score[order]
            del order
            detail.renumber(rank)


def entity_marks(
    keys: list[EventKey], weight: dict[str, float] | None = None
) -> tuple[sp.csr_matrix, list[str], np.ndarray]:
    """Which people and organisations each key names: a binary (keys x names) matrix, the
    name of each column, and each name's IDF over the keys (:func:`entity_weight`), or its
    value in ``weight`` where given (the weights of a whole corpus, for keys that are a part
    of it: :mod:`dedup.spark`). The columns are the names in sorted order, so that every
    row's sums run in one order whatever the keys around it (and whatever the hash seed)."""
    named = [key.people | key.orgs for key in keys]
    names = sorted(set().union(*named))
    columns = {name: k for k, name in enumerate(names)}
    rows = [sorted(columns[name] for name in held) for held in named]
    cols = np.array([c for row in rows for c in row], dtype=np.int64)
    indptr = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum([len(row) for row in rows], out=indptr[1:])
    width = max(len(columns), 1)
    marks = sp.csr_matrix((np.ones(len(cols)), cols, indptr), shape=(len(keys), width))
    if weight is not None:  # as wide as the marks (one column of none where nobody is named)
        given = np.zeros(width, dtype=np.float64)
        given[:len(names)] = [weight[name] for name in names]
        return marks, names, given
    df = np.bincount(cols, minlength=width)
    # math.log through a table of the distinct counts: the same floats as entity_weight.
    distinct = np.unique(df)
    table = np.array([entity_weight(int(d), len(keys)) for d in distinct])
    weights = table[np.searchsorted(distinct, df)]
    return marks, names, weights


def people_column(
    marks: sp.csr_matrix, weights: np.ndarray, left: np.ndarray, right: np.ndarray,
    totals: np.ndarray | None = None,
) -> np.ndarray:
    """Weighted Dice overlap of people and organisations (``marks``, ``weights``: see
    :func:`entity_marks`; ``totals``: ``marks @ weights``, where the caller has it), for all
    pairs at once."""
    totals = marks @ weights if totals is None else totals
    shared = np.zeros(len(left))
    for start in range(0, len(left), 50_000):  # in blocks: row copies stay small
        stop = start + 50_000
        shared[start:stop] = marks[left[start:stop]].multiply(marks[right[start:stop]]) @ weights
    return weighted_dice(totals[left], totals[right], shared)


def weighted_dice(total_a: np.ndarray, total_b: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """The people overlap of pairs (:func:`dedup.scoring.people_similarity`, for all pairs at
    once): twice the weight of the names both hold over the weights of each one's names; 0
    where either holds none."""
    out = np.zeros(len(shared))
    np.divide(2.0 * shared, total_a + total_b, out=out, where=(total_a > 0) & (total_b > 0))
    return out


# The columns of date_arrays: has a date, its year is known, first and last day numbers, the
# same days in one year (for dates without a year), and whether it may follow an earlier event
# (a follow-up's guessed date: events.EventDate.may_follow).
HAS, YEAR, LO, HI, MLO, MHI, FOLLOWS = range(7)


def date_arrays(keys: list[EventKey]) -> np.ndarray:
    """The event dates of ``keys`` as a (keys x 7) integer array (columns ``HAS`` ...
    ``FOLLOWS``): what :func:`date_relations` compares."""
    out = np.zeros((len(keys), 7), dtype=np.int64)
    for i, key in enumerate(keys):
        d = key.date
        if d is None:
            continue
        out[i] = (1, d.year_known, d.lo.toordinal(), d.hi.toordinal(),
                  dt.date(2000, d.lo.month, d.lo.day).toordinal(),
                  dt.date(2000, d.hi.month, d.hi.day).toordinal(), d.may_follow)
    return out


def date_relations(a: np.ndarray, b: np.ndarray, tolerance: int) -> np.ndarray:
    """Date relation codes (see scoring.DATE_CODES) of pairs of :func:`date_arrays` rows
    ``a[k]``, ``b[k]``, vectorised like events.compare_dates."""
    both_years = (a[:, YEAR] & b[:, YEAR]).astype(bool)
    alo = np.where(both_years, a[:, LO], a[:, MLO])
    ahi = np.where(both_years, a[:, HI], a[:, MHI])
    blo = np.where(both_years, b[:, LO], b[:, MLO])
    bhi = np.where(both_years, b[:, HI], b[:, MHI])
    known = (a[:, HAS] & b[:, HAS]).astype(bool) & (ahi >= alo) & (bhi >= blo)
    gap = np.maximum(blo - ahi, alo - bhi)
    exact = (alo == ahi) & (blo == bhi)
    code = np.where(gap > tolerance, 3, np.where(exact, 1, 2))
    # A follow-up's guessed window after the other's event is no conflict (may_follow).
    later = (a[:, FOLLOWS].astype(bool) & (bhi < alo)) | (b[:, FOLLOWS].astype(bool) & (ahi < blo))
    code = np.where((code == 3) & later, 0, code)
    return np.where(known, code, 0)


def age_arrays(keys: list[EventKey]) -> np.ndarray:
    """The ages of ``keys`` (:func:`dedup.events.lead_ages`: 1 to 120) as a (keys x 2)
    array of bit masks, age ``n`` at bit ``n % 64`` of word ``n // 64``: what
    :func:`age_relations` compares."""
    out = np.zeros((len(keys), 2), dtype=np.uint64)
    for i, key in enumerate(keys):
        if key.ages:
            mask = sum(1 << n for n in key.ages)
            out[i] = (mask & 0xFFFF_FFFF_FFFF_FFFF, mask >> 64)
    return out


def age_relations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Age relation codes (see scoring.AGE_CODES) of pairs of :func:`age_arrays` rows
    ``a[k]``, ``b[k]``, vectorised like scoring.compare_ages: an age in common, ages but
    none in common, or none given by one of them."""
    both = (a[:, 0] | a[:, 1]).astype(bool) & (b[:, 0] | b[:, 1]).astype(bool)
    shared = ((a[:, 0] & b[:, 0]) | (a[:, 1] & b[:, 1])).astype(bool)
    return np.where(both, np.where(shared, 1, 2), 0).astype(np.int64)


def sexed_ages(keys: list[EventKey]) -> np.ndarray:
    """Which keys give an age with a sex (:func:`dedup.events.lead_age_sexes`)."""
    return np.array([bool(key.age_sexes) for key in keys], dtype=bool)


def age_codes(keys: Sequence[EventKey], ages: np.ndarray, left: np.ndarray, right: np.ndarray,
              sexed: np.ndarray | None = None) -> np.ndarray:
    """Age relation codes (see scoring.AGE_CODES) of the pairs ``(left[k], right[k])`` of
    ``keys``, whose :func:`age_arrays` are ``ages`` (and :func:`sexed_ages` ``sexed``, where
    the caller has them: a block of a large run's pairs costs its own pairs, not the
    keys)."""
    out = np.zeros(len(left), dtype=np.int64)
    for start in range(0, len(left), 50_000):  # in blocks: row copies stay small
        stop = start + 50_000
        out[start:stop] = age_relations(ages[left[start:stop]], ages[right[start:stop]])
    # An age in common given with the other sex by each is none (scoring.compare_ages): the
    # few pairs with an age in common whose keys both give sexes are compared one by one.
    sexed = sexed_ages(keys) if sexed is None else sexed
    check = np.flatnonzero((out == 1) & sexed[left] & sexed[right]) if len(keys) else ()
    for k in check:
        relation = compare_ages(keys[int(left[k])], keys[int(right[k])])[0]
        out[k] = AGE_CODES.index(relation)
    return out


def age_column(keys: list[EventKey], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Age relation codes (see scoring.AGE_CODES) of the pairs ``(left[k], right[k])``."""
    return age_codes(keys, age_arrays(keys), left, right)


_FATES = {"fatal": 1, "survived": 2}


def outcome_fates(keys: list[EventKey]) -> np.ndarray:
    """What each key's lead says of the victims (:func:`dedup.events.lead_outcome`) as codes:
    1 someone died, 2 the victims live, 0 neither or both: what :func:`outcome_codes` compares."""
    return np.array([_FATES.get(key.outcome, 0) for key in keys], dtype=np.int64)


def outcome_codes(fates: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Outcome relation codes (see scoring.OUTCOME_CODES) of pairs of :func:`outcome_fates`
    rows, vectorised like scoring.compare_outcomes: 1 where one lead says someone died and
    the other that the victims live."""
    if not len(fates):
        return np.zeros(len(left), dtype=np.int64)
    return (fates[left] * fates[right] == 2).astype(np.int64)


def outcome_column(keys: list[EventKey], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Outcome relation codes (see scoring.OUTCOME_CODES) of the pairs ``(left[k], right[k])``."""
    return outcome_codes(outcome_fates(keys), left, right)


def date_column(
    keys: list[EventKey], left: np.ndarray, right: np.ndarray, tolerance: int
) -> np.ndarray:
    """Date relation codes (see scoring.DATE_CODES) of the pairs ``(left[k], right[k])``."""
    d = date_arrays(keys)
    return date_relations(d[left], d[right], tolerance)


def place_relations(pairs: Iterable[tuple[EventKey, EventKey]]) -> list[int]:
    """Venue relation codes (see scoring.PLACE_CODES) of pairs of keys that both name a venue
    or a street."""
    code = {relation: PLACE_CODES.index(relation) for relation in PLACE_CODES}
    return [code[compare_places(a, b)[0]] for a, b in pairs]


def place_column(keys: list[EventKey], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Venue relation codes (see scoring.PLACE_CODES); only pairs with two venues or two
    articles that name streets are compared."""
    return place_codes(keys, place_marks(keys), left, right)


def place_marks(keys: list[EventKey]) -> tuple[np.ndarray, np.ndarray]:
    """Which keys name a venue, and which name streets (:func:`place_codes` compares only
    pairs that both do)."""
    return (np.array([k.venue is not None for k in keys], dtype=bool),
            np.array([bool(k.streets) for k in keys], dtype=bool))


def place_codes(keys: list[EventKey], marked: tuple[np.ndarray, np.ndarray],
                left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """:func:`place_column`, given the keys' :func:`place_marks`."""
    venue, streets = marked
    out = np.zeros(len(left), dtype=np.int64)
    both = np.flatnonzero((venue[left] & venue[right]) | (streets[left] & streets[right]))
    out[both] = place_relations((keys[i], keys[j]) for i, j in
                                zip(left[both].tolist(), right[both].tolist()))
    return out


class PairScorer:
    """The event-key columns and same-event scores of pairs of ``keys``, a block of pairs at
    a time: what the keys alone decide (the names and their weights, the dates, the venues,
    the ages) is computed once, so that blocks of pairs cost only their own columns. Scores
    of a pair do not depend on the pairs scored with it.

    ``weight``: the name weights of the whole corpus, where ``keys`` are a part of it (else
    computed over ``keys``, :func:`entity_marks`)."""

    def __init__(self, keys: list[EventKey], config: Config,
                 weight: dict[str, float] | None = None) -> None:
        self.keys, self.config = keys, config
        self.marks, names, self.weights = entity_marks(keys, weight)
        self.weight = dict(zip(names, self.weights.tolist()))
        self.totals = self.marks @ self.weights
        self.dates = date_arrays(keys)
        self.places = place_marks(keys)
        self.ages, self.sexed = age_arrays(keys), sexed_ages(keys)
        self.fates = outcome_fates(keys)

    def score(self, left: np.ndarray, right: np.ndarray, jaccard: np.ndarray,
              cosine: np.ndarray, head_cosine: np.ndarray) -> PairTable:
        """The columns of pairs ``(left[k], right[k])`` with their text measures, scored."""
        people = people_column(self.marks, self.weights, left, right, self.totals)
        date = date_relations(self.dates[left], self.dates[right],
                              self.config.date_tolerance_days)
        place = place_codes(self.keys, self.places, left, right)
        ages = age_codes(self.keys, self.ages, left, right, self.sexed)
        outcome = outcome_codes(self.fates, left, right)
        score = event_scores(cosine, head_cosine, people, date, place, ages, outcome)
        # the relation codes as one byte each: a fifth of what a pair's columns take
        return PairTable(left, right, jaccard, cosine, head_cosine, people,
                         date.astype(np.int8), place.astype(np.int8), score,
                         ages=ages.astype(np.int8), outcome=outcome.astype(np.int8))


def score_pairs(
    keys: list[EventKey], left: np.ndarray, right: np.ndarray, jaccard: np.ndarray,
    cosine: np.ndarray, head_cosine: np.ndarray, config: Config,
    weight: dict[str, float] | None = None,
) -> tuple[PairTable, dict[str, float]]:
    """All columns of the candidate pairs and their same-event scores (``weight``: the name
    weights of the whole corpus, where ``keys`` are a part of it; else they are computed
    over ``keys``)."""
    scorer = PairScorer(keys, config, weight)
    return scorer.score(left, right, jaccard, cosine, head_cosine), scorer.weight


def features(
    table: PairTable, k: int, keys: list[EventKey], weight: dict[str, float], config: Config
) -> PairFeatures:
    """The full features of pair ``k``, with the labels shown as evidence."""
    i, j = int(table.left[k]), int(table.right[k])
    return _pair_features(
        keys[i], keys[j], float(table.jaccard[k]), float(table.cosine[k]),
        float(table.head_cosine[k]), weight, config,
    )


def pair_measures(
    signatures: np.ndarray, shingle_counts: np.ndarray, body: Any, heads: Any,
    left: np.ndarray, right: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle Jaccard estimates (0 where a text has no shingle), body and headline-and-lead
    TF-IDF cosines of pairs."""
    if not len(left):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    cosines = pair_cosines(body, left, right)
    head_cosines = pair_cosines(heads, left, right)
    jaccards = pair_jaccards(signatures, left, right)
    empty = shingle_counts == 0
    jaccards[empty[left] | empty[right]] = 0.0
    return jaccards, cosines, head_cosines


def score_candidates(
    corpus: Corpus, prepared: list[Prepared], keys: list[EventKey], config: Config,
    report: Progress, *, release: bool = False,
) -> tuple[PairTable, dict[str, float]]:
    """Candidate pairs (row indices, i < j) with their features, in a deterministic order
    (``keys``: the records' event keys as scored, common words dropped from their people).
    ``release``: the corpus's term counts become the TF-IDF matrices, not copies of them,
    and the corpus holds them and its fingerprints no more (for a caller done with the
    corpus's counts and fingerprints: both are let go once the pairs are scored).

    The candidates are found and scored a block of first rows at a time
    (:func:`~dedup.candidates.candidate_blocks`): the candidates of all blocks and the
    transient arrays of their measures are never held at once."""
    tables, weight = _scored_blocks(corpus, prepared, keys, config, report, release,
                                    lambda table: table)
    return PairTable.joined(tables), weight


def score_lean(
    corpus: Corpus, prepared: list[Prepared], keys: list[EventKey], config: Config,
    report: Progress, *, release: bool = False,
) -> tuple[ScoredPairs, dict[str, float]]:
    """:func:`score_candidates` as the clustering alone reads them (:class:`ScoredPairs`),
    each block of pairs made lean as it is scored: the full columns of all pairs are never
    held (the batch run, which reads its pairs for nothing else)."""
    exact_ids = exact_numbers([p.exact for p in prepared])
    parts, weight = _scored_blocks(corpus, prepared, keys, config, report, release,
                                   lambda table: ScoredPairs.of(table, exact_ids, config))
    return ScoredPairs.joined(parts), weight


def _scored_blocks(
    corpus: Corpus, prepared: list[Prepared], keys: list[EventKey], config: Config,
    report: Progress, release: bool, keep: Callable[[PairTable], T],
) -> tuple[list[T], dict[str, float]]:
    """The candidate pairs of :func:`score_candidates`, scored a block at a time, each block
    kept as ``keep`` makes it (at least one, with no pairs where there are none)."""
    n = len(prepared)
    signatures, shingle_counts = corpus.finish()
    report("fingerprints", n, n)
    body = heads = None
    if n >= 2:
        body, heads = tfidf(corpus.terms.matrix(release=release),
                            corpus.heads.matrix(release=release), in_place=True)
    leads = corpus.leads()
    if release:  # the corpus holds them no more: they go once the pairs are scored
        corpus.release_fingerprints()
        give_back_memory()  # the term counts the TF-IDF matrices were made from
    scorer = PairScorer(keys, config)
    rules = CandidateRules.of(config)
    day = publication_days(keys)
    kept: list[T] = []
    found = scored = 0
    # Each block's candidates are found in a second thread while the block before is scored
    # (scipy's sparse products, the cosine kernel and numpy release the interpreter).
    for pairs in made_ahead(candidate_blocks(prepared, signatures, body, config, day=day,
                                             keys=keys)) if n >= 2 else ():
        found += len(pairs)
        left, right = pairs[:, 0], pairs[:, 1]
        inside = rules.in_window(day[left], day[right])
        left, right = left[inside], right[inside]
        scored += len(left)
        if len(left):
            kept.append(keep(measured_pairs(signatures, leads, shingle_counts, body, heads,
                                            scorer, left, right)))
            if release:  # the block's transients, between the parts kept (a large run's heap)
                give_back_memory()
    report("candidates", found, found)
    report("scoring", scored, scored)
    if not kept:
        kept.append(keep(measured_pairs(signatures, leads, shingle_counts, body, heads, scorer,
                                        *np.zeros((2, 0), dtype=np.int64))))
    return kept, scorer.weight


def made_ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """``items`` in their order, each made in a second thread while the caller works on the
    ones before it, at most ``depth`` made ahead (the candidate blocks of a run: the next
    block's blocking product overlaps the scoring of this one, the stage 1.25 to 1.5 times
    as fast at 100,000 articles). An exception raised making an item is raised here; when
    the caller stops early, the thread stops once the item it is making is made."""
    waiting: queue.Queue[tuple[bool, Any]] = queue.Queue(depth)
    stop = threading.Event()
    end = object()

    def put(entry: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, end))
        except BaseException as exc:  # handed to the caller, raised there
            put((False, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=make, name="dedup-made-ahead", daemon=True)
    thread.start()
    try:
        while True:
            made, item = waiting.get()
            if not made:
                raise item
            if item is end:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def measured_pairs(
    signatures: np.ndarray, leads: np.ndarray, shingle_counts: np.ndarray,
    body: sp.csr_matrix | None, heads: sp.csr_matrix | None, scorer: PairScorer,
    left: np.ndarray, right: np.ndarray,
) -> PairTable:
    """Every column of the pairs ``(left[k], right[k])`` of rows: the text measures
    (:func:`pair_measures`), the event-key columns and scores (``scorer``'s) and the
    containment of the shorter text (:func:`~dedup.fingerprint.pair_containments`; the
    shorter text's shingle count as ``int32``)."""
    jaccard, cosine, head_cosine = pair_measures(signatures, shingle_counts, body, heads,
                                                 left, right)
    table = scorer.score(left, right, jaccard, cosine, head_cosine)
    # the whole texts' Jaccard estimated once (0 only where a text has no shingle, never for
    # the pairs whose shorter text is longer than a lead, which are the ones that read it)
    table.containment, shorter = pair_containments(signatures, leads, shingle_counts, left,
                                                   right, whole=jaccard)
    table.shorter = shorter.astype(np.int32)
    return table
