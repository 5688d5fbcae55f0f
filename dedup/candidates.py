"""Candidate pairs, never all pairs.

Two sources, both sub-quadratic:

* **near-duplicates**: datasketch MinHash-LSH over word shingles (banding tuned to the
  near-duplicate threshold);
* **same-event**: different write-ups of one event share almost no shingles, so they are
  blocked on their most distinctive terms instead (TF-IDF top terms, names and places among them):
  two documents are candidates when they share at least two such terms. A term held by more than
  ``max_block_size`` documents is too common to block on, which bounds the work per document.

Pairs are ``(i, j)`` row indices with ``i < j``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from datasketch import MinHashLSH

from .analysis import Prepared
from .config import Config
from .events import EventKey
from .similarity import top_terms


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


def blocking_pairs(
    terms: sp.csr_matrix, max_block_size: int, min_shared: int = 2, rows_per_block: int = 2048
) -> np.ndarray:
    """Pairs of rows of a binary document-term matrix that share ``min_shared`` or more terms,
    ignoring terms held by more than ``max_block_size`` rows; a sorted (k, 2) array.

    The co-occurrence product is computed a block of rows at a time, so memory stays bounded
    by the block, not by the number of pairs sharing a single term.
    """
    n = terms.shape[0]
    df = np.asarray(terms.sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= 2) & (df <= max_block_size))
    if len(keep) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    sub = terms[:, keep].tocsr()
    sub_t = sub.T.tocsc()
    left, right = [], []
    for start in range(0, n, rows_per_block):
        shared = (sub[start:start + rows_per_block] @ sub_t).tocoo()
        rows = shared.row.astype(np.int64) + start
        mask = (shared.data >= min_shared) & (shared.col > rows)
        left.append(rows[mask])
        right.append(shared.col[mask].astype(np.int64))
    return unique_pairs(np.concatenate(left), np.concatenate(right), n)


def distinct(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array (a sort: several times faster here than
    ``np.unique``, which hashes)."""
    keys = np.sort(keys)
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


# The candidate sources, by the names explanations give them.
SAME_TEXT, LSH, BLOCKING = "same text", "minhash-lsh", "blocking"


def candidate_sources(
    prepared: list[Prepared], signatures: np.ndarray, body: Any, config: Config
) -> dict[str, np.ndarray]:
    """The candidate pairs of each source, as sorted (k, 2) arrays of rows ``(i, j)``, ``i < j``
    (a pair may come from several): ``same text`` (equal exact-copy keys: each document
    paired with the first of its text), ``minhash-lsh`` (signatures agreeing on an LSH band)
    and ``blocking`` (two or more shared salient TF-IDF terms). ``body``: the TF-IDF matrix of
    the bodies."""
    n = len(prepared)
    found = [np.zeros((0, 2), dtype=np.int64)]
    by_text: dict[str, int] = {}
    for i, p in enumerate(prepared):
        first = by_text.setdefault(p.exact, i)
        if first != i:
            found.append(np.array([[first, i]], dtype=np.int64))
    sources = {SAME_TEXT: np.concatenate(found)}
    empty = np.zeros((0, 2), dtype=np.int64)
    sources[LSH] = lsh_pairs(signatures, config.near_duplicate_threshold) if n > 1 else empty
    sources[BLOCKING] = (
        blocking_pairs(top_terms(body, config.salient_terms), config.max_block_size)
        if n > 1 else empty
    )
    return sources


def in_window(keys: list[EventKey], left: np.ndarray, right: np.ndarray, config: Config) -> np.ndarray:
    """Which pairs the date-aware window lets through: articles published more than
    ``window_days`` apart are never compared (a pair with an undated article always is)."""
    day = np.array([publication_day(key) for key in keys], dtype=np.int64)
    undated = (day[left] < 0) | (day[right] < 0)
    return undated | (np.abs(day[left] - day[right]) <= config.window_days)
