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

import numpy as np
import scipy.sparse as sp
from datasketch import MinHashLSH


class Sketch:
    """A signature as MinHashLSH reads it (``hashvalues`` and ``len``). Our signatures come from
    :mod:`dedup.fingerprint`'s own permutation scheme, so they carry no datasketch scheme tag."""

    __slots__ = ("hashvalues",)

    def __init__(self, hashvalues: np.ndarray) -> None:
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


def lsh_pairs(signatures: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs whose MinHash signatures collide in at least one LSH band, as a sorted (k, 2)
    array of rows ``(i, j)``, ``i < j``."""
    n, num_perm = signatures.shape
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = [Sketch(signatures[i]) for i in range(n)]
    with lsh.insertion_session() as session:
        for i, sketch in enumerate(sketches):
            session.insert(i, sketch, check_duplication=False)
    left: list[int] = []
    right: list[int] = []
    for i, sketch in enumerate(sketches):
        for j in lsh.query(sketch):
            if j > i:  # each pair once, from its lower row
                left.append(i)
                right.append(j)
    return unique_pairs(np.array(left, dtype=np.int64), np.array(right, dtype=np.int64), n)


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


def unique_pairs(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    """Distinct ``(left, right)`` pairs, sorted, as a (k, 2) array."""
    keys = np.unique(left * max(n, 1) + right)
    return np.stack([keys // max(n, 1), keys % max(n, 1)], axis=1)
