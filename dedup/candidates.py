"""Candidate pairs, never all pairs.

Two sources, both sub-quadratic:

* **near-duplicates**: datasketch MinHash-LSH over word shingles (banding tuned to the
  near-duplicate threshold);
* **same-event**: different write-ups of one event share almost no shingles, so they are
  blocked on their most distinctive terms instead (TF-IDF top terms, names and places among them):
  two documents are candidates when they share at least two such terms. A term held by more than
  ``max_block_size`` documents is too common to block on, and each document is compared with at
  most ``max_partners`` of the documents before it (those sharing the most terms), which bounds
  the pairs per document: they grow linearly with the corpus, not with the square of its
  repeated names and places. Two reports that share a rare fact of their event keys (a
  person's surname or a block address held by at most ``max_fact_holders`` documents:
  :func:`key_facts`) are candidates too, whatever their terms: a follow-up that names the
  victim, or a short report of the same block, often shares no two salient terms with the
  first report.

Pairs are ``(i, j)`` row indices with ``i < j``.

The rules are written once (:class:`CandidateRules`: the LSH bands, the salient terms, which
terms are too common to block on, how many must be shared, the date window) and read by the
two ways of finding candidates: :func:`candidate_sources`, every pair of a whole corpus at
once (the batch run), and :class:`QueryCandidates`, the candidates of one new document among
those indexed before it (the crawler index). Both report them by source name (``same text``,
``minhash-lsh``, ``blocking``).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp
from datasketch import MinHashLSH

from .analysis import Prepared
from .config import Config
from .events import EventKey
from .similarity import distinct_counts, heaviest, top_terms


class Sketch:
    """A signature as MinHashLSH reads it (``hashvalues`` and ``len``). Our signatures come from
    :mod:`dedup.fingerprint`'s own permutation scheme, so they carry no datasketch scheme tag."""

    __slots__ = ("hashvalues",)

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


def lsh_bands(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    """The LSH bands (column ranges of a signature) datasketch's ``MinHashLSH`` picks for
    ``threshold``: its false-positive/false-negative optimum, the same bands the incremental
    index queries."""
    return list(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


@dataclass(frozen=True)
class CandidateRules:
    """The candidate rules of one configuration, read by the batch run and the index alike.

    Attributes:
        bands: the LSH bands (:func:`lsh_bands` for the near-duplicate threshold).
        num_perm: values per MinHash signature.
        salient_terms: how many of a document's heaviest TF-IDF terms it is blocked on.
        max_block_size: a salient term held by more documents is too common to block on.
        min_shared: salient terms two documents must share to be candidates. 2.
        window_days: documents published further apart are never compared.
        max_partners: blocking candidates kept per document among those before it
            (:meth:`partners`).
        max_fact_holders: a key fact (:func:`key_facts`) held by more documents is too
            common to pair them on (:meth:`rare_fact`).
    """

    bands: tuple[tuple[int, int], ...]
    num_perm: int
    salient_terms: int
    max_block_size: int
    window_days: int
    max_partners: int
    max_fact_holders: int
    min_shared: int = 2

    @classmethod
    def of(cls, config: Config) -> CandidateRules:
        return cls(tuple(lsh_bands(config.near_duplicate_threshold, config.num_perm)),
                   config.num_perm, config.salient_terms, config.max_block_size, config.window_days,
                   config.max_partners, config.max_fact_holders)

    def salient(self, columns: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The columns a document is blocked on: its ``salient_terms`` heaviest
        (:func:`~dedup.similarity.heaviest`: equal weights to the lower column)."""
        return columns[heaviest(columns, weights, self.salient_terms)]

    def blockable(self, held: Any) -> Any:
        """Whether a term held by ``held`` documents may be blocked on."""
        return held <= self.max_block_size

    def rare_fact(self, held: int) -> bool:
        """Whether a key fact (:func:`key_facts`) held by ``held`` documents pairs them: by
        two and at most ``max_fact_holders``."""
        return 2 <= held <= self.max_fact_holders

    def in_window(self, day: np.ndarray, other: np.ndarray) -> np.ndarray:
        """Whether documents published on day numbers ``day`` and ``other`` (-1: unknown) may be
        compared: at most ``window_days`` apart, or either undated."""
        return (day < 0) | (other < 0) | (np.abs(day - other) <= self.window_days)

    def partners(self, later: np.ndarray, earlier: np.ndarray, shared: np.ndarray,
                 later_day: np.ndarray, earlier_day: np.ndarray) -> np.ndarray:
        """Which blocking pairs are compared, as a boolean mask: rows ``earlier[k] < later[k]``
        sharing ``shared[k]`` (``min_shared`` or more) salient terms, published on day numbers
        ``later_day[k]`` and ``earlier_day[k]``. Those in the date window (:meth:`in_window`)
        are kept, at most ``max_partners`` per later row: the ones sharing the most terms, ties
        to the nearest (highest) earlier row. Each document's partners are chosen among the
        documents before it, so a whole corpus (the batch run) and a stream of it in the same
        order (the index) choose the same ones."""
        keep = self.in_window(later_day, earlier_day)
        inside = np.flatnonzero(keep)
        if len(inside) <= self.max_partners:
            return keep
        order = inside[np.lexsort((-earlier[inside], -shared[inside], later[inside]))]
        grouped = later[order]
        starts = np.flatnonzero(np.concatenate(([True], grouped[1:] != grouped[:-1])))
        rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
        keep[:] = False
        keep[order[rank < self.max_partners]] = True
        return keep


def key_facts(key: EventKey) -> list[tuple[Any, ...]]:
    """The facts of an event key that two documents may be paired on (the ``blocking``
    source): each surname of its people, and its block address as its number with each of
    its street's words. Rare ones only count (:attr:`CandidateRules.max_fact_holders`): a
    surname or a block that few articles give is a fact of one incident."""
    facts: list[tuple[Any, ...]] = [("name", name) for name in sorted(key.people)]
    if key.block is not None:
        number, words = key.block
        facts.extend(("block", number, word) for word in sorted(words))
    return facts


def fact_pairs(keys: list[EventKey], day: np.ndarray, rules: CandidateRules) -> np.ndarray:
    """Pairs of rows whose keys share a :func:`key_facts` fact held by at most
    ``max_fact_holders`` rows, inside the date window (``day``: the rows'
    :func:`publication_days`): a sorted (k, 2) array of rows ``(i, j)``, ``i < j``."""
    held: dict[tuple[Any, ...], list[int]] = {}
    for row, key in enumerate(keys):
        for fact in key_facts(key):
            held.setdefault(fact, []).append(row)
    found = [(a, b) for rows in held.values() if rules.rare_fact(len(rows))
             for k, a in enumerate(rows) for b in rows[k + 1:]]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.array(found, dtype=np.int64)
    pairs = pairs[rules.in_window(day[pairs[:, 0]], day[pairs[:, 1]])]
    return unique_pairs(pairs[:, 0], pairs[:, 1], len(keys))


def lsh_pairs(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs whose MinHash signatures agree on all values of at least one LSH band, as a
    sorted (k, 2) array of rows ``(i, j)``, ``i < j``.

    These are exactly the pairs datasketch's ``MinHashLSH`` returns for the same bands. For a
    whole corpus at once they are found by sorting each band's values (numpy, no per-document
    Python), instead of inserting and querying documents one by one in hash tables.
    """
    n, num_perm = signatures.shape
    left, right = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for start, stop in lsh_bands(threshold, num_perm):
        band = np.ascontiguousarray(signatures[:, start:stop])
        _, bucket = np.unique(
            band.view(np.dtype((np.void, band.dtype.itemsize * (stop - start)))).ravel(),
            return_inverse=True,
        )
        a, b = _same_bucket_pairs(bucket.ravel())
        left.append(a)
        right.append(b)
    return unique_pairs(np.concatenate(left), np.concatenate(right), n)


def _same_bucket_pairs(bucket: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``(i, j)``, ``i < j``, of every pair of rows in the same bucket."""
    order = np.argsort(bucket, kind="stable")
    sorted_buckets = bucket[order]
    # For each position in bucket order: how many later positions share its bucket.
    boundaries = np.flatnonzero(np.diff(sorted_buckets)) + 1
    run_end = np.repeat(
        np.concatenate((boundaries, [len(bucket)])),
        np.diff(np.concatenate(([0], boundaries, [len(bucket)]))),
    )
    later = run_end - np.arange(len(bucket)) - 1
    total = int(later.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    first = np.repeat(np.arange(len(bucket)), later)
    step = np.arange(total) - np.repeat(np.cumsum(later) - later, later) + 1
    a, b = order[first].astype(np.int64), order[first + step].astype(np.int64)
    return np.minimum(a, b), np.maximum(a, b)


# Which blocking pairs (later rows, earlier rows, shared terms) are kept: a boolean mask.
Partners = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def blocking_pairs(
    terms: sp.csr_matrix, max_block_size: int, min_shared: int = 2, rows_per_block: int = 2048,
    *, partners: Partners | None = None,
) -> np.ndarray:
    """Pairs of rows of a binary document-term matrix that share ``min_shared`` or more terms,
    ignoring terms held by more than ``max_block_size`` rows; a sorted (k, 2) array.
    ``partners``: which of them are kept (the date window and the cap of
    :meth:`CandidateRules.partners`); all where not given.

    The co-occurrence product is computed a block of rows at a time (:func:`blocking_blocks`),
    so memory stays bounded by the block, not by the number of pairs sharing a single term.
    """
    n = terms.shape[0]
    both = np.concatenate([pairs for _, _, pairs in
                           blocking_blocks(terms, max_block_size, min_shared, rows_per_block,
                                           partners=partners)])
    return unique_pairs(both[:, 0], both[:, 1], n)


def blocking_blocks(
    terms: sp.csr_matrix, max_block_size: int, min_shared: int = 2, rows_per_block: int = 2048,
    *, partners: Partners | None = None,
) -> Iterator[tuple[int, int, np.ndarray]]:
    """:func:`blocking_pairs` a block of rows at a time: for each block ``start:stop`` of
    rows, in order, the pairs whose second (later) row lies in it, as a (k, 2) array of rows
    ``(i, j)``, ``i < j`` (distinct, not sorted): every partner of a row before it is found
    in the row's own block, so that ``partners`` chooses among all of them. The blocks cover
    every row (one block ``0:n`` without pairs where no term blocks)."""
    n = terms.shape[0]
    df = np.asarray(terms.sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= 2) & (df <= max_block_size))
    if len(keep) == 0:
        yield 0, n, np.zeros((0, 2), dtype=np.int64)
        return
    sub = terms[:, keep].tocsr()
    # The transpose in CSR, once: a product with a CSC operand converts it to CSR first, the
    # whole matrix again for every block (quadratic in the rows: a million rows have 489
    # blocks). The same arrays as that conversion, so the same products.
    sub_t = sub.T.tocsr()
    for start in range(0, n, rows_per_block):
        shared = (sub[start:start + rows_per_block] @ sub_t).tocoo()
        rows = shared.row.astype(np.int64) + start
        mask = (shared.data >= min_shared) & (shared.col < rows)
        later, earlier = rows[mask], shared.col[mask].astype(np.int64)
        if partners is not None:
            kept = partners(later, earlier, shared.data[mask])
            later, earlier = later[kept], earlier[kept]
        yield start, min(start + rows_per_block, n), np.stack((earlier, later), axis=1)


def distinct(keys: np.ndarray, runs: bool = False) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort: several times faster here than
    ``np.unique``, which hashes). ``runs``: the keys are a few increasing lists end to end
    (a query's postings and LSH buckets): numpy's stable sort (timsort) merges the runs, in
    about a fifth of the default sort's time (which is the faster on keys in no order)."""
    keys = np.sort(keys, kind="stable" if runs else None)
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def unique_pairs(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """Distinct ``(left, right)`` pairs, sorted, as a (k, 2) array."""
    keys = distinct(np.asarray(left, dtype=np.int64) * max(n, 1) + right)
    return np.stack([keys // max(n, 1), keys % max(n, 1)], axis=1)


def publication_day(key: EventKey) -> int:
    """Publication day number where known with its year (else -1): the candidate window."""
    if key.published is None or key.date is None or not key.date.year_known:
        return -1
    return key.published.toordinal()


def publication_days(keys: Iterable[EventKey]) -> np.ndarray:
    """:func:`publication_day` of each key, as an array by row."""
    return np.array([publication_day(key) for key in keys], dtype=np.int64)


def blocking_partners(day: np.ndarray, rules: CandidateRules) -> Partners:
    """The batch run's :meth:`CandidateRules.partners` over rows published on ``day``
    (:func:`publication_days`)."""
    return lambda later, earlier, shared: rules.partners(later, earlier, shared,
                                                         day[later], day[earlier])


# The candidate sources, by the names explanations give them.
SAME_TEXT, LSH, BLOCKING = "same text", "minhash-lsh", "blocking"


def candidate_sources(
    prepared: list[Prepared], signatures: np.ndarray, body: Any, config: Config, *,
    capped: bool = True, keys: list[EventKey] | None = None,
) -> dict[str, np.ndarray]:
    """The candidate pairs of each source, as sorted (k, 2) arrays of rows ``(i, j)``, ``i < j``
    (a pair may come from several): ``same text`` (equal exact-copy keys: each document
    paired with the first of its text), ``minhash-lsh`` (signatures agreeing on an LSH band)
    and ``blocking`` (two or more shared salient TF-IDF terms, inside the date window, at most
    ``max_partners`` per later row: :meth:`CandidateRules.partners`; with ``capped`` False,
    every pair sharing two such terms, as an explanation asks; and the pairs sharing a rare key
    fact: :func:`fact_pairs`). ``body``: the TF-IDF matrix of the bodies; ``keys``: the event
    keys as scored (common words dropped from their people; the records' own where not
    given)."""
    n = len(prepared)
    rules = CandidateRules.of(config)
    sources = copy_sources(prepared, signatures, config)
    if n < 2:
        sources[BLOCKING] = np.zeros((0, 2), dtype=np.int64)
        return sources
    keys = [p.key for p in prepared] if keys is None else keys
    day = publication_days(keys)
    terms = blocking_pairs(top_terms(body, rules.salient_terms), rules.max_block_size,
                           rules.min_shared,
                           partners=blocking_partners(day, rules) if capped else None)
    both = np.concatenate((terms, fact_pairs(keys, day, rules)))
    sources[BLOCKING] = unique_pairs(both[:, 0], both[:, 1], n)
    return sources


def copy_sources(
    prepared: list[Prepared], signatures: np.ndarray, config: Config
) -> dict[str, np.ndarray]:
    """The ``same text`` and ``minhash-lsh`` pairs of :func:`candidate_sources` (copies: a
    few per document)."""
    n = len(prepared)
    found = [np.zeros((0, 2), dtype=np.int64)]
    by_text: dict[str, int] = {}
    for i, p in enumerate(prepared):
        first = by_text.setdefault(p.exact, i)
        if first != i:
            found.append(np.array([[first, i]], dtype=np.int64))
    sources = {SAME_TEXT: np.concatenate(found)}
    sources[LSH] = (lsh_pairs(signatures, config.near_duplicate_threshold) if n > 1
                    else np.zeros((0, 2), dtype=np.int64))
    return sources


def candidate_blocks(
    prepared: list[Prepared], signatures: np.ndarray, body: Any, config: Config,
    rows_per_block: int = 2048, day: np.ndarray | None = None,
    keys: list[EventKey] | None = None,
) -> Iterator[np.ndarray]:
    """The candidate pairs of every source (:func:`candidate_sources`), a block of second
    (later) rows at a time, each block's pairs distinct and sorted: the blocks together are
    those pairs, each once, and the pairs of all blocks are never held at once (only the few
    of ``same text`` and ``minhash-lsh`` and the rare key facts). ``day``: the rows'
    :func:`publication_days`, where the caller has them; ``keys``: as
    :func:`candidate_sources`'s."""
    n = len(prepared)
    if n < 2:
        return
    rules = CandidateRules.of(config)
    keys = [p.key for p in prepared] if keys is None else keys
    day = publication_days(keys) if day is None else day
    few = np.concatenate([*copy_sources(prepared, signatures, config).values(),
                          fact_pairs(keys, day, rules)])
    few = unique_pairs(few[:, 1], few[:, 0], n)[:, ::-1]  # sorted by second row
    blocks = blocking_blocks(top_terms(body, rules.salient_terms), rules.max_block_size,
                             rules.min_shared, rows_per_block,
                             partners=blocking_partners(day, rules))
    for start, stop, pairs in blocks:
        lo, hi = np.searchsorted(few[:, 1], [start, stop])
        both = np.concatenate((pairs, few[lo:hi]))
        if len(both):
            yield unique_pairs(both[:, 0], both[:, 1], n)


def in_window(keys: list[EventKey], left: np.ndarray, right: np.ndarray, config: Config) -> np.ndarray:
    """Which pairs the date-aware window lets through: articles published more than
    ``window_days`` apart are never compared (a pair with an undated article always is)."""
    day = publication_days(keys)
    return CandidateRules.of(config).in_window(day[left], day[right])


def _unpost(table: dict[Any, Any], key: Any, row: int) -> None:
    """``row`` out of ``table[key]`` (a list or array of rows), the key gone with its last
    row."""
    held = table.get(key)
    if held is not None and row in held:
        held.remove(row)
        if not held:
            del table[key]


class QueryCandidates:
    """The candidates of one new document among the documents indexed so far (the crawler
    index's candidate source), by the rules the batch run uses (:class:`CandidateRules`):
    the first indexed document of the same text, one hash table per LSH band (the pairs
    datasketch's ``MinHashLSH`` over the same bands finds), and the documents sharing
    ``min_shared`` salient terms that are not too common (inside the date window, at most
    ``max_partners``: :meth:`CandidateRules.partners`, the new document being the later row),
    or a rare key fact (:func:`key_facts`, inside the date window).

    Where streaming differs: a term's or a fact's documents are those indexed so far, the new
    one counted (the batch counts the whole corpus).
    """

    def __init__(self, rules: CandidateRules) -> None:
        self.rules = rules
        # One hash table per LSH band (datasketch's MinHashLSH tables, without its per-band
        # Python calls): the band's values, as bytes -> the rows holding them.
        self._tables: list[dict[bytes, list[int]]] = [{} for _ in rules.bands]
        self._exact: dict[str, int] = {}
        # Salient term -> the rows blocked on it, as 64-bit integers (a query gathers
        # hundreds of them per term: numpy reads the arrays whole, without a Python loop).
        self._postings: dict[int, array[int]] = {}
        # Key fact (key_facts) -> the rows that give it.
        self._facts: dict[tuple[Any, ...], list[int]] = {}

    def _band_keys(self, signature: np.ndarray) -> list[bytes]:
        values = np.ascontiguousarray(signature, dtype=np.uint32)
        return [values[start:stop].tobytes() for start, stop in self.rules.bands]

    def add(self, row: int, exact: str, signature: np.ndarray, salient: np.ndarray,
            facts: Iterable[tuple[Any, ...]] = ()) -> None:
        """Index document ``row`` (rows are numbered in the order they are added; ``facts``:
        its :func:`key_facts`)."""
        for fact in facts:
            self._facts.setdefault(fact, []).append(row)
        self._exact.setdefault(exact, row)
        for table, key in zip(self._tables, self._band_keys(signature)):
            held = table.get(key)
            if held is None:
                table[key] = [row]
            else:
                held.append(row)
        for column in salient.tolist():
            self._post(column, row)

    def _post(self, column: int, row: int) -> None:
        """Block ``row`` on ``column``; a posting's rows stay increasing (rows come in order,
        but for an older row blocked again, :meth:`move`)."""
        held = self._postings.get(column)
        if held is None:
            self._postings[column] = array("q", (row,))
        elif held[-1] < row:
            held.append(row)
        else:
            held.insert(bisect_left(held, row), row)

    def reblock(self, rows: list[int], salient: list[np.ndarray]) -> None:
        """Block documents ``rows`` on ``salient`` (each one's terms, chosen again) instead of
        the terms they were added with; other documents are forgotten by the blocking."""
        self._postings = {}
        for row, columns in zip(rows, salient):
            for column in columns.tolist():
                self._post(column, row)

    def move(self, row: int, before: np.ndarray, now: np.ndarray) -> None:
        """Block document ``row`` on ``now`` (its terms chosen again) instead of ``before``
        (the terms it is blocked on): a :meth:`reblock` of one document."""
        for column in np.setdiff1d(before, now).tolist():
            _unpost(self._postings, column, row)
        for column in np.setdiff1d(now, before).tolist():
            self._post(column, row)

    def remove(self, rows: list[int], exact: list[str], signatures: np.ndarray) -> None:
        """Forget documents (``exact``: their exact-copy keys; ``signatures``: their MinHash
        signatures, a row each), so that no later query finds them."""
        gone = set(rows)
        for row, key, signature in zip(rows, exact, signatures):
            for table, band in zip(self._tables, self._band_keys(signature)):
                _unpost(table, band, row)
            if self._exact.get(key) == row:
                del self._exact[key]
        for column, held in self._postings.items():
            if not gone.isdisjoint(held):
                self._postings[column] = array("q", (r for r in held if r not in gone))
        for fact, rows_ in list(self._facts.items()):
            if not gone.isdisjoint(rows_):
                kept = [r for r in rows_ if r not in gone]
                if kept:
                    self._facts[fact] = kept
                else:
                    del self._facts[fact]

    def query(self, exact: str, signature: np.ndarray, salient: np.ndarray,
              day: int = -1, days: np.ndarray | None = None,
              facts: Iterable[tuple[Any, ...]] = (), *, row: int | None = None
              ) -> dict[str, np.ndarray]:
        """The indexed rows each source proposes for a new document published on day number
        ``day`` (:func:`publication_day`; -1: unknown), increasing. ``days``: the publication
        day of each indexed row, by row (the index's own column; None: all unknown);
        ``facts``: the new document's :func:`key_facts`. ``row``: the document is indexed
        row ``row``, blocked on ``salient`` already (a term's documents count it once, not
        once more), and only the rows before it are proposed by blocking, as the batch
        chooses each document's partners among those before it."""
        first = self._exact.get(exact)
        more = 1 if row is None else 0  # it holds them too
        blocks = [held for held in (self._postings.get(c, ()) for c in salient.tolist())
                  if self.rules.blockable(len(held) + more) and len(held)]
        held = (np.concatenate([np.frombuffer(b, dtype=np.int64) for b in blocks])
                if blocks else np.zeros(0, dtype=np.int64))
        if row is not None:
            held = held[held < row]
        rows, counts = distinct_counts(held, runs=True)
        enough = counts >= self.rules.min_shared
        rows, counts = rows[enough], counts[enough]
        earlier = np.full(len(rows), -1, dtype=np.int64) if days is None else days[rows]
        kept = self.rules.partners(np.zeros(len(rows), dtype=np.int64), rows, counts,
                                   np.full(len(rows), day, dtype=np.int64), earlier)
        shared = rows[kept]
        # A fact's documents: those giving it, the document counted once (an indexed one gave
        # it when added, unless its key has changed since: common words grow).
        rare = [held for held in (self._facts.get(fact, ()) for fact in facts)
                if self.rules.rare_fact(len(held) + (more or row not in held))]
        if rare:
            by_fact = np.array(list(chain.from_iterable(rare)), dtype=np.int64)
            if days is not None:
                by_fact = by_fact[self.rules.in_window(np.int64(day), days[by_fact])]
            shared = np.concatenate((shared.astype(np.int64), by_fact))
        return {
            SAME_TEXT: np.array([] if first is None else [first], dtype=np.int64),
            LSH: distinct(np.fromiter(chain.from_iterable(
                table.get(key, ()) for table, key in zip(self._tables, self._band_keys(signature))),
                dtype=np.int64), runs=True),
            BLOCKING: distinct(shared.astype(np.int64), runs=True),
        }
