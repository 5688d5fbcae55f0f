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


def lsh_pairs(signatures: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """Pairs whose MinHash signatures collide in at least one LSH band."""
    n, num_perm = signatures.shape
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = [Sketch(signatures[i]) for i in range(n)]
    with lsh.insertion_session() as session:
        for i, sketch in enumerate(sketches):
            session.insert(i, sketch, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for i, sketch in enumerate(sketches):
        for j in lsh.query(sketch):
            if j != i:
                pairs.add((i, j) if i < j else (j, i))
    return pairs


def blocking_pairs(
    terms: sp.csr_matrix, max_block_size: int, min_shared: int = 2
) -> set[tuple[int, int]]:
    """Pairs of rows of a binary document-term matrix that share ``min_shared`` or more terms,
    ignoring terms held by more than ``max_block_size`` rows."""
    df = np.asarray(terms.sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= 2) & (df <= max_block_size))
    if len(keep) == 0:
        return set()
    sub = terms[:, keep].tocsr()
    shared = sp.triu(sub @ sub.T, k=1).tocoo()
    mask = shared.data >= min_shared
    return set(zip(shared.row[mask].tolist(), shared.col[mask].tolist()))
