"""The incremental index a crawler keeps: "have I seen this story, and how?"

:class:`DedupIndex` answers one article at a time with a :class:`Verdict` (``new``, ``exact``,
``near-duplicate`` or ``same-event``), using the same fingerprints, candidates and scores as the
batch call:

* exact copies by the hash of the cleaned text;
* near-duplicates by MinHash-LSH (datasketch's bands) over word shingles, verified by the signatures
  with the batch's copy rule (:func:`dedup.copies.copy_rule`: Jaccard, or the shorter text
  contained in the longer);
* same-event write-ups by blocking on distinctive terms (an inverted index of each article's
  top TF-IDF terms), scored like the batch (cosine, headline cosine, people, date, venue);
* groups and stories grown with the batch's own merge rule (:func:`dedup.cluster.mergeable`;
  see :class:`DedupIndex`).

**IDF on a stream.** Term weights use document frequencies counted as articles arrive
(``idf = ln((1 + n) / (1 + df)) + 1``, scikit-learn's smoothed IDF): each verdict sees the
statistics of everything indexed before it. :meth:`DedupIndex.result` recomputes the batch
clustering over everything indexed, with the final statistics.

Only articles published within ``window_days`` of each other are compared, and
:meth:`expire` forgets articles published before a date, which keeps a months-long crawl bounded.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from . import store
from .analysis import Analysis, Prepared, analyse
from .boilerplate import SiteChrome, page_keys, source_of
from .candidates import (
    CandidateRules,
    QueryCandidates,
    distinct,
    key_facts,
    publication_day,
)
from .cluster import Growth, StoryGraph
from .config import Config
from .copies import copy_rule
from .corpus import Corpus, Rows
from .dates import DateError, parse_published
from .documents import Document
from .errors import ConfigError, InputError
from .events import EventKey, drop_common_names, sure_span
from .fingerprint import pair_containments, pair_jaccards, shingle_count
from .pairs import (
    age_arrays,
    age_codes,
    date_arrays,
    date_relations,
    outcome_codes,
    outcome_fates,
    place_relations,
    score_candidates,
    weighted_dice,
)
from .pipeline import cluster_corpus, scored_keys
from .result import EVENT, EXACT, NEAR, ClusterResult
from .scoring import (
    DATE_CODES,
    PLACE_CODES,
    PairFeatures,
    entity_weight,
    event_scores,
    evidence,
    pair_features,
)
from .similarity import TermCounts, tfidf_weights
from .store import Edge, IndexState, RowState, decode_entry, encode_entry

NEW = "new"
# Below this many indexed articles, document frequencies say little (every word looks rare):
# every indexed article is a candidate (top terms are near-ties), and since text similarity is
# inflated, a same-event verdict also needs the date or the venue to agree. The batch view
# (result()) is not affected.
WARM_UP_DOCUMENTS = 50
# While the index is small its statistics move fast: each time it has grown by a factor of
# RESETTLE_GROWTH since the last time, from WARM_UP_DOCUMENTS articles on (50, 100, 200, ...
# for a factor of 2), up to RESETTLE_UNTIL, every pair is chosen and scored again as the batch
# run chooses and scores them (dedup.pairs, over everything indexed, with the statistics of
# now), the blocking terms are chosen again, and the stories are settled from those pairs: the
# index is then the batch over its analyses. Past RESETTLE_UNTIL (where one such pass would
# stall a crawler for seconds), pairs keep the statistics of the day they were scored.
# Doubling: a denser schedule brings the held stories no closer to the batch on the labeled
# sets, whose batch clustering itself moves as its last articles come (docs/architecture.md).
RESETTLE_GROWTH = 2.0
RESETTLE_UNTIL = 6_400
# Between two settles, up to RESETTLE_UNTIL, the streaming statistics also *refresh*: each
# added article refreshes REFRESH_PER_ADD older articles, round robin in row order (from the
# first again after each settle). An older article's blocking terms are chosen again with the
# statistics of now, its candidates among the articles before it are queried by the candidate
# rules (as the batch chooses each article's partners among those before it), and the pairs the
# index does not hold yet are scored as the batch over the articles so far scores them and
# settled into the stories (StoryGraph.link). The pairs held stay as they were scored
# (REFRESH_PAIRS "new"; "chosen" also forgets the pairs the rules no longer give, "all" scores
# every chosen pair again: experiments, neither closer to the batch on the labeled sets). One a
# add: ECB+ dev held vs batch 0.977 -> 0.984, GVA 0.994 and GVC 0.998 unchanged, and on each of
# ten 95 % subsets of ECB+ dev as close or closer than without; two a add is not (ECB+ 0.964):
# the batch's clustering of ECB+ is that sensitive (benchmarks/results/2026-12-04-issue11-refresh.md).
# Past RESETTLE_UNTIL nothing is refreshed.
REFRESH_PER_ADD = 1
REFRESH_PAIRS = "new"


def resettle_sizes() -> frozenset[int]:
    """The index sizes at which the streaming statistics settle (see RESETTLE_GROWTH)."""
    sizes, n = set(), WARM_UP_DOCUMENTS
    while n <= RESETTLE_UNTIL:
        sizes.add(n)
        n = max(n + 1, round(n * RESETTLE_GROWTH))
    return frozenset(sizes)


@dataclass(frozen=True)
class Verdict:
    """What the index says of one article.

    Attributes:
        id: The article's id.
        status: ``new``, ``exact``, ``near-duplicate`` or ``same-event``.
        matches: Indexed articles it matched, best first.
        original: For copies, the earliest-published member of the duplicate group it copies.
        story: Id of the story cluster it belongs to (the story's first indexed article).
        group: Id of its duplicate group (the group's first indexed article).
        scores: Scores of the best match (jaccard, cosine, head_cosine, people, score).
        evidence: Date, people and place evidence of the best match, and a one-line ``why``.
        recrawl: True when the id was indexed already: the verdict is the one it got then
            (status and best match; story, group and original as they are now), and nothing
            was indexed again.
    """

    id: str
    status: str
    matches: tuple[str, ...] = ()
    original: str | None = None
    story: str = ""
    group: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    recrawl: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "matches": list(self.matches),
            "original": self.original, "story": self.story, "group": self.group,
            "scores": self.scores, "evidence": self.evidence, "recrawl": self.recrawl,
        }


@dataclass
class _Measures:
    """An article's pairs with candidate rows (:meth:`DedupIndex._measures`): the same-event
    scores, the Jaccard estimates and copy codes, and the text and people measures."""

    scores: np.ndarray
    jaccards: np.ndarray
    copies: np.ndarray
    cosines: np.ndarray
    head_cosines: np.ndarray
    people: np.ndarray


@dataclass
class _Plan:
    """What adding one article does: its edges to indexed articles, how it grows the groups
    and stories, and the features of any of its pairs (for the verdict's evidence: built for
    the one pair a verdict shows, not for every pair)."""

    edges: dict[int, Edge]
    features: Callable[[int], PairFeatures]
    growth: Growth
    # what inserting the article needs and the plan counted already: its body's and its
    # headline's term rows (columns, counts) and the terms it is blocked on
    term_rows: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    salient: np.ndarray


class DedupIndex:
    """An incremental, thread-safe index of articles.

    Args:
        config: settings; ``Config()`` by default (the same defaults as ``dedup cluster``).

    **One clustering rule.** Every candidate pair an article meets is scored and kept
    (:class:`Edge`); groups and stories grow with the batch run's merge rule
    (:func:`dedup.cluster.mergeable`, through :class:`dedup.cluster.StoryGraph`): a new
    article joins the groups it copies, and its story then merges with the linked story of
    the highest average while the rule allows, so an article can join two stories an earlier
    verdict kept apart. What streaming cannot share with the batch is one named policy, the
    *streaming statistics*: term weights (IDF), name weights and common words are those of
    the articles indexed so far, each pair is scored once with them, the terms an article is
    blocked on are chosen when it is added (and again as the index doubles, and by the
    refresh of older articles while it is small: see REFRESH_PER_ADD), and merges come in
    arrival order (see the README for how far that leaves the index from the batch run).
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = Config() if config is None else config
        if not isinstance(self.config, Config):
            raise ConfigError(f"The 'config' parameter must be a Config. Got {config!r} instead.")
        self._lock = threading.RLock()
        self._corpus = Corpus(self.config)
        self._site_chrome = SiteChrome()
        self._rules = CandidateRules.of(self.config)
        self._sources = QueryCandidates(self._rules)
        # Per row, as arrays: the candidate step reads them for many rows at once.
        # Fingerprints: the whole text's signature, then its lead's (dedup.copies).
        self._signatures = Rows(np.uint32, 2 * self.config.num_perm)
        self._shingles = Rows(np.int64)
        self._days = Rows(np.int64)  # publication day number, -1 when unknown
        self._alive = Rows(np.bool_)
        self._by_id: dict[str, int] = {}
        self._df = np.zeros(1024, dtype=np.float64)  # document frequency by term column
        self._dense = np.zeros(1024)  # scratch: the query's weights by column (_cosines)
        # What pairs compare of each row's event key, as columns: the exact-text number,
        # the date (pairs.date_arrays), whether it names a venue, a street, and its names (people and
        # organisations: numbered, flat, ``_name_count_of`` of them from ``_name_start``;
        # ``_name_person``: a person only, dropped while the name is a common word).
        self._exact_ids: dict[str, int] = {}
        self._exact = Rows(np.int64)
        self._dates = Rows(np.int64, 7)
        self._venues = Rows(np.bool_)
        self._streets = Rows(np.bool_)
        self._ages = Rows(np.uint64, 2)  # pairs.age_arrays
        self._sexed = Rows(np.bool_)  # whether it gives an age with a sex (pairs.sexed_ages)
        self._fates = Rows(np.int64)  # pairs.outcome_fates
        self._names: dict[str, int] = {}
        self._name_df = np.zeros(1024, dtype=np.int64)  # articles naming each name
        self._name_common = np.zeros(1024, dtype=bool)  # see _common_names
        self._common_seen = 0
        self._name_ids = Rows(np.int64)
        self._name_person = Rows(np.bool_)
        self._name_start = Rows(np.int64)
        self._name_count_of = Rows(np.int64)
        self._stories = StoryGraph(self.config.cluster_threshold, self.config.same_event_threshold)
        self._given: list[tuple[str, int]] = []  # per row: the status it got, its best match
        self._resettle_sizes = resettle_sizes()
        # Per row, the terms it is blocked on, while the index is small enough to refresh its
        # rows (see REFRESH_PER_ADD; None past RESETTLE_UNTIL); the next row to refresh.
        self._blocked: list[np.ndarray] | None = []
        self._refresh_next = 0

    # -- public API ------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(np.count_nonzero(self._alive.values))

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._by_id

    def check(self, document: Document) -> Verdict:
        """The verdict :meth:`add` would give, without indexing the article."""
        with self._lock:
            if document.id in self._by_id:
                return self.verdict(document.id)
            with self._corpus.vocabulary.scratch():  # new words are forgotten after the look
                a = self._analyse(document, learn=False)
                return self._verdict(a.record, self._plan(a, self._signature(a)))

    def add(self, document: Document) -> Verdict:
        """Index an article and say what it is: new, a copy, or another report of a story.

        An id indexed already (a re-crawl of the same page) is not indexed again: its stored
        verdict comes back with ``recrawl=True``."""
        with self._lock:
            if document.id in self._by_id:
                return self.verdict(document.id)
            a = self._analyse(document, learn=True)
            return self._add_analysed(a, self._signature(a))

    def verdict(self, doc_id: str) -> Verdict:
        """The verdict an indexed article got (``recrawl=True``; story, group and original as
        they are now). Raises :class:`~dedup.errors.InputError` for an id not indexed."""
        with self._lock:
            row = self._by_id.get(doc_id)
            if row is None:
                raise InputError(f"The document id {doc_id!r} is not in the index.")
            status, best = self._given[row]
            ids = self._corpus.records
            original = None
            if status in (EXACT, NEAR):
                group = self._stories.group[row]
                original = ids[self._earliest(self._stories.group_members[group], row)].id
            return Verdict(
                doc_id, status, (ids[best].id,) if best >= 0 else (), original,
                ids[self._stories.story[row]].id,
                ids[self._stories.group[row]].id if status != EVENT else doc_id, recrawl=True,
            )

    def _add_analysed(self, a: Analysis, sig: np.ndarray) -> Verdict:
        with self._lock:
            if a.record.id in self._by_id:
                return self.verdict(a.record.id)
            plan = self._plan(a, sig)
            verdict = self._verdict(a.record, plan)
            self._insert(a, sig, plan)
            best = self._by_id[verdict.matches[0]] if verdict.matches else -1
            self._given.append((verdict.status, best))
            self._settle_statistics()
            return verdict

    def _settle_statistics(self) -> None:
        """:meth:`settle`, when the index has just reached a size where the streaming
        statistics settle (see RESETTLE_GROWTH); between two, the refresh of a few older
        articles (see REFRESH_PER_ADD)."""
        n = len(self._corpus.records)
        if n in self._resettle_sizes:
            self.settle()
        elif self._refreshes_at(n):
            for row in self._refreshed_rows():
                self._refresh(row, *self._rechoose(row))

    def _refreshes_at(self, n: int) -> bool:
        """Whether the article that makes the index ``n`` articles refreshes older ones (it
        does not where the statistics settle instead)."""
        return WARM_UP_DOCUMENTS < n <= RESETTLE_UNTIL and n not in self._resettle_sizes

    def _refreshed_rows(self) -> list[int]:
        """The live rows the article just added refreshes (REFRESH_PER_ADD of the rows before
        it, round robin), their blocking terms not chosen again yet."""
        last = len(self._corpus.records) - 1
        rows = []
        for _ in range(REFRESH_PER_ADD):
            row = self._refresh_next if self._refresh_next < last else 0
            self._refresh_next = row + 1
            if self._alive.values[row]:
                rows.append(row)
        return rows

    def _rechoose(self, row: int) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        """Block ``row`` on its terms chosen again with the statistics of now; returns its body
        vector (:meth:`_indexed_vector`) and those terms."""
        body = self._indexed_vector(*self._corpus.terms.row(row))
        salient = self._rules.salient(*body)
        assert self._blocked is not None
        self._sources.move(row, self._blocked[row], salient)
        self._blocked[row] = salient
        return body, salient

    def _refresh(self, row: int, body: tuple[np.ndarray, np.ndarray],
                 salient: np.ndarray) -> None:
        """Choose again the pairs of ``row`` (body vector ``body``, blocked on ``salient``)
        with the live rows before it, by the candidate rules with the statistics of now: those
        not held yet are scored as the batch over the articles so far scores them, those held
        that the rules no longer give are forgotten (copies are kept), and the stories are
        settled again."""
        record = self._corpus.records[row]
        key = self._scored_key(record.key, frozenset())
        width = self.config.num_perm
        sig = self._signatures.values[row]
        days = self._days.values
        found = self._sources.query(record.exact, sig[:width], salient, int(days[row]), days,
                                    key_facts(key), row=row)
        rows = distinct(np.concatenate(list(found.values())))
        rows = self._comparable(rows[rows < row], days[row])
        held = self._edges[row]
        dropped: list[tuple[int, int]] = []
        if REFRESH_PAIRS == "all":  # every pair chosen scored again (copies kept as held)
            dropped = [(row, o) for o, e in held.items() if o < row and not e.copy]
            rows = np.array([r for r in rows.tolist() if r not in held or not held[r].copy],
                            dtype=np.int64)
        else:
            if REFRESH_PAIRS == "chosen":  # the pairs the rules give no more are forgotten
                chosen = set(rows.tolist())
                dropped = [(row, o) for o, e in held.items()
                           if o < row and not e.copy and o not in chosen]
            rows = np.array([r for r in rows.tolist() if r not in held], dtype=np.int64)
        added: list[tuple[int, int, Edge]] = []
        if len(rows):
            head = self._indexed_vector(*self._corpus.heads.row(row))
            m = self._measures(key, frozenset(), body, head, sig, int(self._shingles.values[row]),
                               int(self._exact.values[row]), rows, pending=False)
            added = [(row, other, Edge(score, jaccard, copy)) for other, score, jaccard, copy
                     in zip(rows.tolist(), m.scores.tolist(), m.jaccards.tolist(),
                            m.copies.tolist())]
        self._stories.link(added, dropped)

    def settle(self) -> None:
        """Choose and score every pair again as the batch run does (its candidates and
        scores over everything indexed, with the statistics of now), choose each article's
        blocking terms again, and settle the stories from those pairs: the stories held are
        then the batch clustering of the analyses the index made (:meth:`result`'s). The
        index does it by itself at 50, 100, 200, ... articles up to 6,400; past that it costs
        a batch run's scoring, which a crawler may spend when idle. Verdicts already given
        stay as they were."""
        with self._lock:
            self._settle_all()

    def _settle_all(self) -> None:
        corpus = self._corpus
        keys = scored_keys(corpus)
        table, _ = score_candidates(corpus, corpus.records, keys, self.config,
                                    lambda stage, done, total: None)
        exact = self._exact.values
        same = exact[table.left] == exact[table.right]
        copies = np.where(same, 2, copy_rule(same, table.jaccard, table.containment,
                                             table.shorter, table.head_cosine, self.config))
        self._stories.resettle(
            (j, i, Edge(score, jaccard, copy)) for i, j, score, jaccard, copy in zip(
                table.left.tolist(), table.right.tolist(), table.score.tolist(),
                table.jaccard.tolist(), copies.tolist()))
        self._reblock()

    def _reblock(self) -> None:
        """Choose every live article's blocking terms again, with the statistics of now."""
        corpus = self._corpus
        alive = np.flatnonzero(self._alive.values).tolist()
        salient = [self._rules.salient(*self._indexed_vector(*corpus.terms.row(row)))
                   for row in alive]
        self._sources.reblock(alive, salient)
        if self._blocked is not None:
            for row, terms in zip(alive, salient):
                self._blocked[row] = terms
        self._refresh_next = 0  # every row is fresh: the refresh starts again

    # -- the log protocol: one entry per added article, for a shared index's replicas -------

    def add_logged(self, document: Document) -> tuple[Verdict, dict[str, Any] | None]:
        """:meth:`add`, and the article as a log entry (:func:`dedup.store.encode_entry`)
        that :meth:`apply_logged` applies to another replica of this index; no entry for a
        re-crawl (nothing was indexed)."""
        with self._lock:
            if document.id in self._by_id:
                return self.verdict(document.id), None
            a = self._analyse(document, learn=True)
            sig = self._signature(a)
            verdict = self._add_analysed(a, sig)
            row = len(self._corpus.records) - 1
            words = self._corpus.vocabulary.words

            def by_word(rows: TermCounts) -> dict[str, int]:
                cols, values = rows.row(row)
                return {words[c]: int(v) for c, v in zip(cols.tolist(), values.tolist())}

            site = source_of(document)
            return verdict, encode_entry(
                a.record, by_word(self._corpus.terms), by_word(self._corpus.heads), sig,
                shingle_count(len(a.ids), self.config.shingle_size), list(a.lower_words),
                {other: e for other, e in self._edges[row].items() if other < row},
                self._given[row], site, list(page_keys(document)) if site else [],
            )

    def apply_logged(self, entry: dict[str, Any]) -> None:
        """Apply a log entry of another replica (:meth:`add_logged`, or :meth:`expire`'s
        ``{"expire": date}``), in log order: the article is appended as it was added there,
        with the pairs it was scored on, and the stories grow as they grew there."""
        if "expire" in entry:
            self.expire(entry["expire"])
            return
        e = decode_entry(entry)
        with self._lock:
            row = len(self._corpus.records)
            growth = self._grow(e["edges"], e["record"])
            self._corpus.restore_counts(e["record"], e["terms"], e["heads"], e["signature"],
                                        e["shingles"], e["lower"])
            self._index_row(row, e["record"], e["signature"], e["shingles"], alive=True)
            self._stories.grow(growth)
            self._given.append(e["given"])
            if e["site"]:
                self._site_chrome.count(e["site"], e["lines"])
            self._settle_statistics()

    def add_many(self, documents: Iterable[Document]) -> list[Verdict]:
        """:meth:`add` for each article, in order."""
        return [self.add(doc) for doc in documents]

    def result(self) -> ClusterResult:
        """The batch clustering of everything indexed (:func:`dedup.pipeline.cluster_corpus`
        over the analyses the index made, with the final statistics)."""
        with self._lock:
            self._corpus.flush()
            return cluster_corpus(self._corpus)

    def stories(self) -> dict[str, str]:
        """Every indexed article's story id as the index holds it now (a story's id is its
        first indexed article)."""
        with self._lock:
            ids = self._corpus.records
            story = self._stories.story
            return {record.id: ids[story[row]].id for row, record in enumerate(ids)}

    def expire(self, before: dt.date | str) -> int:
        """Forget the articles published before ``before``; returns how many were dropped.

        Their fingerprints leave the candidate indexes at once, so no later article is compared
        with them, which bounds the work per article.
        Their small records stay (in memory, in a saved file, and in :meth:`result`).
        """
        if isinstance(before, dt.date):
            day = before
        else:
            try:
                day = parse_published(before)
            except (DateError, TypeError, AttributeError):
                raise DateError(
                    f"The 'before' parameter must be a date. Got {before!r} instead."
                ) from None
        limit = day.toordinal()
        with self._lock:
            alive, days = self._alive.values, self._days.values
            rows = np.flatnonzero(alive & (days >= 0) & (days < limit)).tolist()
            alive[rows] = False
            self._sources.remove(rows, [self._corpus.records[r].exact for r in rows],
                                 self._signatures.values[rows, :self.config.num_perm])
        return len(rows)

    def stats(self) -> dict[str, int]:
        """Counts of indexed articles, stories and duplicate groups."""
        with self._lock:
            rows = np.flatnonzero(self._alive.values).tolist()
            return {
                "documents": len(rows),
                "stories": len({self._stories.story[r] for r in rows}),
                "groups": len({self._stories.group[r] for r in rows}),
                "expired": len(self._alive) - len(rows),
            }

    # -- scoring ---------------------------------------------------------------------------

    def _analyse(self, document: Document, *, learn: bool) -> Analysis:
        """The article analysed with this index's vocabulary, without the lines its site
        repeats (the site's chrome as learned with this page counted; ``learn``: keep the
        count). Call with the lock held: the vocabulary grows."""
        own = self._site_chrome.add(document, count=learn)
        return analyse(document, self._corpus.vocabulary, own)

    def _signature(self, a: Analysis) -> np.ndarray:
        """The article's fingerprint: its whole text's signature, then its lead's."""
        return self._corpus.fingerprints_of([a.ids])[0][0]

    def _weights(self, cols: np.ndarray, counts: np.ndarray, query: bool, *,
                 normalise: bool = True, pending: bool = True) -> np.ndarray:
        """Sublinear TF-IDF weights, L2-normalised, with document frequencies counted so far
        (the query article counts as one more document holding its own terms).
        ``pending``: an article being added is counted as one more document; False: the
        documents are those indexed (the article just inserted among them, as the batch over
        them counts it)."""
        n = len(self._corpus.records) + (1 if pending else 0)
        if query:  # its new terms are not counted yet
            known = cols < len(self._df)
            df = np.where(known, self._df[np.where(known, cols, 0)], 0.0) + 1.0
        else:  # an indexed article: every term counted
            df = self._df[cols]
        weights = tfidf_weights(counts, df, n)
        if not normalise:
            return weights
        norm = float(np.linalg.norm(weights))
        return weights / norm if norm else weights

    def _indexed_vector(self, cols: np.ndarray, counts: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
        """An indexed article's term columns and their weights (``counts``: its term counts),
        with the statistics of now, as the batch over the articles indexed weighs them."""
        return cols, self._weights(cols, counts.astype(np.float64), False, pending=False)

    def _query_vectors(self, a: Analysis) -> tuple[tuple, tuple, tuple]:
        """The article's body and headline vectors (columns, weights), and their term rows
        (columns, counts) as its corpus rows count them (:meth:`TermCounts.add_ids`)."""
        content = self._corpus.vocabulary.content()
        out, rows = [], []
        for ids in (np.concatenate((a.title_ids, a.ids)), np.concatenate((a.title_ids, a.lead_ids))):
            cols, counts = np.unique(ids[content[ids]], return_counts=True)
            cols = cols.astype(np.int64)
            rows.append((cols, counts))
            out.append((cols, self._weights(cols, counts.astype(np.float64), True)))
        return out[0], out[1], (rows[0], rows[1])

    def _scored_key(self, key: EventKey, own: frozenset[str]) -> EventKey:
        """``key`` as scored now: without the people the corpus writes as common words, those
        ``own`` (:meth:`~dedup.corpus.Corpus.common_with`) that the article makes so included,
        as the batch over the articles indexed so far and this one drops them."""
        key = drop_common_names(key, self._corpus.common_words)
        return drop_common_names(key, own) if own else key

    def _candidates(self, a: Analysis, sig: np.ndarray, salient: np.ndarray,
                    own: frozenset[str] = frozenset()) -> np.ndarray:
        """The rows to compare the article with, increasing: what the candidate sources
        propose (:class:`~dedup.candidates.QueryCandidates`) for its fingerprint ``sig`` and
        blocking terms ``salient``, inside the date window (``own``: the words the article
        makes common words)."""
        day = publication_day(a.record.key)
        facts = key_facts(self._scored_key(a.record.key, own))
        found = list(self._sources.query(a.record.exact, sig[:self.config.num_perm],
                                         salient, day,
                                         self._days.values, facts).values())
        if len(self._corpus.records) < WARM_UP_DOCUMENTS:
            # Too few articles for their top terms to mean much: compare with all of them.
            found.append(np.arange(len(self._corpus.records), dtype=np.int64))
        rows = distinct(np.concatenate(found), runs=True)  # the sources' rows, each increasing
        return self._comparable(rows, day)

    def _comparable(self, rows: np.ndarray, day: int) -> np.ndarray:
        """Those of ``rows`` that are live and inside the date window of day number ``day``."""
        inside = self._rules.in_window(np.int64(day), self._days.values[rows])
        return rows[inside & self._alive.values[rows]]

    def _plan(self, a: Analysis, sig: np.ndarray) -> _Plan:
        """Score the article against its candidates, and how it grows the stories.

        The text measures of all candidates are computed together (numpy over the candidate
        rows); the event keys are compared pair by pair, but only as far as the score needs
        (the date and venue relations, the people overlap where names are shared): the full
        features, with their labels, are built for the pair a verdict shows."""
        body, head, counted = self._query_vectors(a)
        # Its blocking terms: weighed as the query, they are weighed as when it is indexed
        # (the same counts; its terms then counted in the document frequencies).
        salient = self._rules.salient(*body)
        # Common words as the batch counts them with this article in: those it writes in
        # lower case that one indexed article wrote so too are common words from now on.
        own = self._corpus.common_with(a.lower_words.ids)
        rows = self._candidates(a, sig, salient, own)
        key = self._scored_key(a.record.key, own)
        n = len(self._corpus.records) + 1
        m = self._measures(key, own, body, head, sig,
                           shingle_count(len(a.ids), self.config.shingle_size),
                           self._exact_ids.get(a.record.exact, -1), rows, pending=True)
        scores, jaccards, copies = m.scores, m.jaccards, m.copies
        cosines, head_cosines, people_ = m.cosines, m.head_cosines, m.people
        query = key.people | key.orgs
        edges = {row: Edge(score, jaccard, copy) for row, score, jaccard, copy in
                 zip(rows.tolist(), scores.tolist(), jaccards.tolist(), copies.tolist())}

        def features(row: int) -> PairFeatures:
            k = int(np.searchsorted(rows, row))  # the candidate rows increase
            other = self._scored_key(self._corpus.records[row].key, own)
            weight = {name: entity_weight(self._name_count(name) + (name in query), n)
                      for name in query | other.people | other.orgs}
            f = pair_features(key, other, float(jaccards[k]), float(cosines[k]),
                              float(head_cosines[k]), weight, self.config)
            return replace(f, people=float(people_[k]))  # zero where warm-up zeroed it

        return _Plan(edges, features, self._grow(edges, a.record), counted, salient)

    def _measures(self, key: EventKey, own: frozenset[str], body: tuple, head: tuple,
                  sig: np.ndarray, shingles: int, exact: int, rows: np.ndarray, *,
                  pending: bool) -> _Measures:
        """The pairs of one article with each of ``rows``, scored as the batch over the
        articles indexed so far scores them: its event key as scored ``key`` (``own``: the
        words it makes common words), its body and headline vectors ``body`` and ``head``
        (columns, weights), its fingerprint ``sig``, shingle count and exact-text number.
        ``pending``: the article is being added (counted as one more document); False: an
        indexed article (counted among the documents already)."""
        jaccards, containment, shorter = self._copy_measures(sig, shingles, rows)
        held = body[0] if pending else body[0][:0]  # the terms it adds to the counts
        cosines = self._cosines(self._corpus.terms, rows, body, held, pending)
        head_cosines = self._cosines(self._corpus.heads, rows, head, held, pending)
        same = self._exact.values[rows] == exact
        copies = np.where(same, 2, copy_rule(same, jaccards, containment, shorter, head_cosines,
                                             self.config))
        n = len(self._corpus.records) + (1 if pending else 0)
        people_ = self._people(key, rows, n, own, pending=pending)
        dates = self._dates.values
        date = date_relations(np.broadcast_to(date_arrays([key]), (len(rows), dates.shape[1])),
                              dates[rows], self.config.date_tolerance_days)
        records = self._corpus.records
        place = np.zeros(len(rows), dtype=np.int64)  # pairs.place_column's pairs
        compared = np.zeros(len(rows), dtype=bool)
        if key.venue is not None:
            compared |= self._venues.values[rows]
        if key.streets:
            compared |= self._streets.values[rows]
        place[compared] = place_relations((key, records[r].key) for r in rows[compared].tolist())
        # Ages and outcomes: the article (row 0) against each candidate (rows 1...), by the
        # batch's columns, over the index's columns of the candidates.
        query, others = np.zeros(len(rows), dtype=np.int64), np.arange(1, len(rows) + 1)
        age = np.zeros(len(rows), dtype=np.int64)
        if key.ages:
            age = age_codes(_PairKeys(key, records, rows),
                            np.concatenate((age_arrays([key]), self._ages.values[rows])),
                            query, others,
                            np.concatenate(([bool(key.age_sexes)], self._sexed.values[rows])))
        outcome = np.zeros(len(rows), dtype=np.int64)
        if key.outcome:
            outcome = outcome_codes(
                np.concatenate((outcome_fates([key]), self._fates.values[rows])), query, others)
        if pending and n - 1 < WARM_UP_DOCUMENTS:
            # Warm-up: scores are inflated while few articles are indexed, so a pair links as
            # one event only where the date or the venue agrees too.
            agree = (date == DATE_CODES.index("same")) | (date == DATE_CODES.index("overlap")) \
                | (place == PLACE_CODES.index("match"))
            cosines, head_cosines, people_ = cosines * agree, head_cosines * agree, people_ * agree
        scores = event_scores(cosines, head_cosines, people_, date, place, age, outcome)
        return _Measures(scores, jaccards, copies, cosines, head_cosines, people_)

    def _copy_measures(self, sig: np.ndarray, shingles: int, rows: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each candidate row, the estimated shingle Jaccard (0 where a text has no
        shingle), how much of the shorter text the longer holds, and the shorter's shingle
        count: the batch's estimators (:func:`~dedup.fingerprint.pair_jaccards`,
        :func:`~dedup.fingerprint.pair_containments`) over the article's fingerprint
        ``sig`` (``shingles``: its shingle count) and the rows'."""
        if not len(rows):
            return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
        width = self.config.num_perm
        prints = np.vstack([sig[None, :], self._signatures.values[rows]])
        counts = np.concatenate(([shingles], self._shingles.values[rows])).astype(np.int64)
        query, others = np.zeros(len(rows), dtype=np.int64), np.arange(1, len(rows) + 1)
        jaccards = pair_jaccards(prints[:, :width], query, others)
        jaccards[(counts[0] == 0) | (counts[others] == 0)] = 0.0
        containment, shorter = pair_containments(
            prints[:, :width], prints[:, width:], counts, query, others, whole=jaccards)
        return jaccards, containment, shorter

    def _name_count(self, name: str) -> int:
        """How many indexed articles name ``name`` (a person or an organisation)."""
        col = self._names.get(name)
        return 0 if col is None else int(self._name_df[col])

    def _common_names(self) -> np.ndarray:
        """Per name number, whether the name is a common word now (the corpus's common words
        only grow: those that became so since the last call are looked up)."""
        if len(self._name_common) < len(self._name_df):
            grown = np.zeros(len(self._name_df), dtype=bool)
            grown[: len(self._name_common)] = self._name_common
            self._name_common = grown
        order = self._corpus.common_order
        if self._common_seen > len(order):  # the corpus restored another set
            self._name_common[:] = False
            self._common_seen = 0
        for word in order[self._common_seen:]:
            col = self._names.get(word)
            if col is not None:
                self._name_common[col] = True
        self._common_seen = len(order)
        return self._name_common

    def _people(self, key: EventKey, rows: np.ndarray, n: int,
                own: frozenset[str] = frozenset(), *, pending: bool = True) -> np.ndarray:
        """The people overlap (:func:`~dedup.pairs.weighted_dice`) of ``key`` (as scored) with
        each of ``rows``, the rows' names as scored (without the people that are common words
        now) and weighted with :func:`~dedup.scoring.entity_weight` over ``n`` articles (the
        new one counted: its names are held once more), all rows together. ``own``: the words
        that become common words with the article (:meth:`~dedup.corpus.Corpus.common_with`).
        ``pending`` False: ``key`` is an indexed article's (its names counted already)."""
        starts, counts = self._name_start.values[rows], self._name_count_of.values[rows]
        total = int(counts.sum())
        query = [self._names.get(name, -1) for name in key.people | key.orgs]
        if not total or not query:
            return np.zeros(len(rows))
        slots = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        names, person = self._name_ids.values[slots], self._name_person.values[slots]
        common = self._common_names()[names]
        if own:
            extra = [self._names[w] for w in own if w in self._names]
            if extra:
                common |= np.isin(names, extra)
        person &= common  # a "person" written as a common word is no name
        known = np.array([c for c in query if c >= 0], dtype=np.int64)
        mark = np.zeros(len(self._name_df), dtype=bool)  # the article's names, by number
        mark[known] = True
        held = mark[names]
        more = 1 if pending else 0  # the article's own names, counted once more
        df = self._name_df[names] + held * more
        # the distinct counts (a sort: np.unique hashes, several times slower here)
        counted = distinct(np.concatenate((df, self._name_df[known] + more, [1])))
        table = np.array([entity_weight(int(d), n) for d in counted.tolist()])
        weights = np.where(person, 0.0, table[np.searchsorted(counted, df)])
        owner = np.repeat(np.arange(len(rows)), counts)
        totals = np.bincount(owner, weights, minlength=len(rows))
        shared = np.bincount(owner, weights * held, minlength=len(rows))
        # The article's own names, held once more with it (1 for a name not indexed yet),
        # summed in the order of ``query``.
        ids = np.array(query, dtype=np.int64)
        held_by = np.where(ids >= 0, self._name_df[np.maximum(ids, 0)] + more, 1)
        mine = 0.0
        for w in table[np.searchsorted(counted, held_by)].tolist():
            mine += w
        return weighted_dice(np.full(len(rows), float(mine)), totals, shared)

    def _cosines(self, counts: TermCounts, rows: np.ndarray, query: tuple,
                 held: np.ndarray, pending: bool = True) -> np.ndarray:
        """TF-IDF cosine of the query vector with each of ``rows`` (weights of now: a term's
        documents are those indexed so far and the article itself where its body, columns
        ``held``, holds the term, as the batch over them counts it; ``pending`` False: the
        article is indexed, counted already)."""
        indptr, cols, values = counts.rows(rows)
        size = len(self._corpus.vocabulary)
        if len(self._dense) < size:
            self._dense = np.zeros(max(size, 2 * len(self._dense)))
        qcols, qweights = query
        # The query's weights by column, in a dense array kept zero between articles; its
        # terms counted once more in the document frequencies while its pairs are weighed
        # (those not counted yet are no indexed row's terms).
        held = held[held < len(self._df)]
        self._dense[qcols] = qweights
        self._df[held] += 1.0
        try:
            weights = self._weights(cols, values.astype(np.float64), False, normalise=False,
                                    pending=pending)
            norms = np.sqrt(_row_sums(weights * weights, indptr))
            dots = _row_sums(weights * self._dense[cols], indptr)
        finally:
            self._dense[qcols] = 0.0
            self._df[held] -= 1.0
        return np.divide(dots, norms, out=np.zeros(len(rows)), where=norms > 0)

    @property
    def _edges(self) -> list[dict[int, Edge]]:
        """Per row, its scored pairs (both ways), as the story graph keeps them."""
        return self._stories.edges

    def _grow(self, edges: dict[int, Edge], record: Prepared) -> Growth:
        """How the next row, ``record`` with ``edges``, changes the groups and stories: the
        stories it touches settled again by the batch's rule (never joining confident dates
        that conflict: :func:`dedup.events.sure_span`)."""
        return self._stories.plan(record.id, edges, sure_span(record.key))

    def _verdict(self, record: Prepared, plan: _Plan) -> Verdict:
        new = len(self._corpus.records)
        ids = self._corpus.records
        growth = plan.growth
        copies = [(row, e) for row, e in plan.edges.items() if e.copy]
        if copies:
            best_row, best = max(copies, key=lambda item: (item[1].copy, item[1].jaccard, -item[0]))
            status = EXACT if best.copy == 2 else NEAR
            ranked = sorted(copies, key=lambda item: (-item[1].jaccard, item[0]))
            members = [r for g in growth.groups for r in self._stories.group_members[g]]
            original = ids[self._earliest(members)].id
            group = ids[growth.group].id
        else:
            matched = [(row, e) for row, e in plan.edges.items()
                       if growth.story_of.get(row) == growth.story]
            if not matched:
                return Verdict(record.id, NEW, story=record.id, group=record.id)
            status = EVENT
            ranked = sorted(matched, key=lambda item: (-item[1].score, item[0]))
            best_row = ranked[0][0]
            original = None
            group = record.id
        scores, facts = evidence(plan.features(best_row), status)
        return Verdict(
            id=record.id, status=status, matches=tuple(ids[r].id for r, _ in ranked),
            original=original, story=record.id if growth.story == new else ids[growth.story].id,
            group=group, scores=scores, evidence=facts,
        )

    def _earliest(self, rows: Iterable[int], exclude: int | None = None) -> int:
        """The earliest-published live row (unknown dates last, then by row)."""
        rows = [r for r in rows if r != exclude]
        alive, days = self._alive.values, self._days.values
        live = [r for r in rows if alive[r]] or rows
        return min(live, key=lambda r: (int(days[r]) if days[r] >= 0 else 10**9, r))

    # -- insertion -------------------------------------------------------------------------

    def _insert(self, a: Analysis, sig: np.ndarray, plan: _Plan) -> None:
        row = len(self._corpus.records)
        self._corpus.add_analysis(a, signature=sig, counted=plan.term_rows)
        self._index_row(row, a.record, sig, shingle_count(len(a.ids), self.config.shingle_size),
                        alive=True, counted=plan.term_rows[0], salient=plan.salient)
        self._stories.grow(plan.growth)

    def _index_row(self, row: int, record: Prepared, sig: np.ndarray, shingles: int,
                   alive: bool, counted: tuple[np.ndarray, np.ndarray] | None = None,
                   salient: np.ndarray | None = None) -> None:
        """Enter row ``row`` (already in the corpus) into the candidate indexes. ``sig``: its
        fingerprint (a saved one without its lead: the whole text's signature stands for it).
        ``counted`` and ``salient``: its term row (columns, counts) and blocking terms, where
        the caller has them (else read from the corpus and chosen here)."""
        width = self.config.num_perm
        if len(sig) < 2 * width:
            sig = np.concatenate((sig[:width], sig[:width]))
        self._signatures.append(sig)
        self._shingles.append(int(shingles))
        self._days.append(publication_day(record.key))
        self._alive.append(alive)
        self._by_id[record.id] = row
        cols, counts = self._corpus.terms.row(row) if counted is None else counted
        if len(cols) and cols.max() >= len(self._df):
            grown = np.zeros(max(2 * len(self._df), int(cols.max()) + 1), dtype=np.float64)
            grown[: len(self._df)] = self._df
            self._df = grown
        self._df[cols] += 1
        key = record.key
        self._exact.append(self._exact_ids.setdefault(record.exact, len(self._exact_ids)))
        self._dates.append(date_arrays([key])[0])
        self._venues.append(key.venue is not None)
        self._streets.append(bool(key.streets))
        self._ages.append(age_arrays([key])[0])
        self._sexed.append(bool(key.age_sexes))
        self._fates.append(outcome_fates([key])[0])
        self._name_start.append(len(self._name_ids))
        self._name_count_of.append(len(key.people | key.orgs))
        for name in sorted(key.people | key.orgs):
            col = self._names.setdefault(name, len(self._names))
            if col >= len(self._name_df):
                self._name_df = np.concatenate((self._name_df, np.zeros_like(self._name_df)))
            if col >= len(self._name_common):
                self._common_names()  # grown to the size of _name_df
            self._name_common[col] = name in self._corpus.common_words
            self._name_df[col] += 1
            self._name_ids.append(col)
            self._name_person.append(name not in key.orgs)
        if not alive:
            salient = cols[:0]
        elif salient is None:
            salient = self._rules.salient(*self._indexed_vector(cols, counts))
        if self._blocked is not None:  # kept while the rows may be refreshed
            self._blocked.append(salient)
            if len(self._blocked) > RESETTLE_UNTIL:
                self._blocked = None
        if not alive:
            return
        self._sources.add(row, record.exact, sig[:width], salient,
                          key_facts(drop_common_names(key, self._corpus.common_words)))

    # -- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (SQLite; atomic: a crash mid-save keeps the old file)."""
        with self._lock:
            store.save(self.state(), path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, config: Config | None = None) -> DedupIndex:
        """Read an index saved by :meth:`save`, with the configuration it was saved with. A
        file that is not one raises :class:`~dedup.errors.InputError`; nothing is unpickled.
        ``config``: the configuration the caller expects; one that differs from the saved
        one raises :class:`~dedup.errors.ConfigError` (an index is only valid for the
        settings it was built with)."""
        state = store.load(path)
        if config is not None and config != state.config:
            changed = ", ".join(
                f"{name}={getattr(state.config, name)!r} (asked {getattr(config, name)!r})"
                for name in state.config.__dataclass_fields__
                if getattr(state.config, name) != getattr(config, name)
            )
            raise ConfigError(
                f"{path}: the index was saved with other settings: {changed}; load it without "
                "config= to use its own, or build a new index for these settings."
            )
        return cls.from_state(state)

    def state(self) -> IndexState:
        """All the index holds, as the records of :mod:`dedup.store` (for any storage)."""
        with self._lock:
            corpus = self._corpus
            _, shingles = corpus.finish()
            signatures = corpus.fingerprints()
            rows = [
                RowState(record, corpus.terms.row(row), corpus.heads.row(row), signatures[row],
                         int(shingles[row]), bool(self._alive.values[row]), self._stories.group[row],
                         self._stories.story[row], self._given[row])
                for row, record in enumerate(corpus.records)
            ]
            sites, lines = self._site_chrome.state()
            return IndexState(
                self.config, dict(corpus.vocabulary.index), rows,
                [(row, other, edge) for row, edges in enumerate(self._edges)
                 for other, edge in edges.items() if other < row],
                set(corpus.common_words), corpus.seen_once(), sites, lines,
            )

    @classmethod
    def from_state(cls, state: IndexState) -> DedupIndex:
        """An index holding ``state`` (:meth:`state`'s records, from any storage)."""
        index = cls(state.config)
        corpus = index._corpus
        for word, _col in sorted(state.vocabulary.items(), key=lambda item: item[1]):
            corpus.vocabulary.add(word)
        corpus.restore_lower_words(state.common, state.seen)
        index._site_chrome.restore(state.sites, state.site_lines)
        for row, r in enumerate(state.rows):
            index._given.append(r.given)
            corpus.restore(r.record, r.terms, r.heads, r.signature, r.shingles)
            index._index_row(row, r.record, np.asarray(r.signature, dtype=np.uint32),
                             r.shingles, r.alive)
            if row + 1 in index._resettle_sizes:
                # the blocking terms as the index chose them again at this size (its
                # stories are restored as saved); a settle() called by hand is not saved
                index._reblock()
            elif index._refreshes_at(row + 1):
                for old in index._refreshed_rows():  # as the refresh chose them again
                    index._rechoose(old)
        index._stories.restore([r.record.id for r in state.rows], [r.group for r in state.rows],
                               [r.story for r in state.rows], state.edges,
                               [sure_span(r.record.key) for r in state.rows])
        corpus.vocabulary.warm()
        return index


class _PairKeys:
    """The event keys of an article (0) and of its candidate rows ``rows`` (1, 2, ...), as
    the batch's pair columns read them (:func:`~dedup.pairs.age_codes`), each one looked
    up when asked for."""

    def __init__(self, key: EventKey, records: list[Prepared], rows: np.ndarray) -> None:
        self._key, self._records, self._rows = key, records, rows

    def __len__(self) -> int:
        return len(self._rows) + 1

    def __getitem__(self, k: int) -> EventKey:
        return self._key if k == 0 else self._records[int(self._rows[k - 1])].key


def _row_sums(values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """The sum of each row's values (CSR row pointers ``indptr``; 0 for an empty row)."""
    padded = np.append(values, 0.0)  # an empty last row points past the values
    sums = np.add.reduceat(padded, indptr[:-1])
    sums[indptr[:-1] == indptr[1:]] = 0.0
    return sums


__all__ = ["DedupIndex", "Verdict", "NEW"]
