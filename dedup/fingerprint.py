"""Word-shingle hashes and MinHash signatures, vectorised with numpy.

Signatures use the same universal hashing as datasketch (``(a * h + b) mod (2**61 - 1)``, kept
to 32 bits) so they can be handed to :class:`datasketch.MinHashLSH` as they are. Token hashes
come from a stable hash (blake2b), so signatures are the same in every process and run.
"""

from __future__ import annotations

import hashlib

import numpy as np

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)


class TokenHasher:
    """Stable 32-bit token hashes, cached: news vocabularies repeat, hashing each word once."""

    def __init__(self) -> None:
        self._cache: dict[str, int] = {}

    def __call__(self, tokens: list[str]) -> np.ndarray:
        cache = self._cache
        out = np.empty(len(tokens), dtype=np.uint64)
        for i, tok in enumerate(tokens):
            h = cache.get(tok)
            if h is None:
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=4).digest(), "little")
                if len(cache) < 2_000_000:
                    cache[tok] = h
            out[i] = h
        return out


def shingle_hashes(token_hashes: np.ndarray, size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the word ``size``-grams (a text shorter than ``size`` words is
    one shingle)."""
    n = len(token_hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    if n < size:
        size = n
    count = n - size + 1
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(size):
            acc = (acc * _MIX) ^ token_hashes[i:i + count]
        acc ^= acc >> np.uint64(29)
        acc *= _MIX
        acc ^= acc >> np.uint64(32)
    return np.unique(acc & _MAX_HASH)


class MinHasher:
    """MinHash signatures of ``num_perm`` permutations drawn from ``seed`` (as datasketch draws
    them), computed for many documents at once."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        gen = np.random.RandomState(seed)
        a = gen.randint(1, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        b = gen.randint(0, int(_MERSENNE), size=num_perm, dtype=np.uint64)
        # Keep a below 2**32 so that a * h (h < 2**32) never overflows 64 bits.
        self.a = (a & _MAX_HASH) | np.uint64(1)
        self.b = b & _MAX_HASH
        self.num_perm = num_perm
        self.seed = seed

    def signatures(self, shingle_sets: list[np.ndarray], chunk: int = 400_000) -> np.ndarray:
        """(len(shingle_sets), num_perm) uint64 signatures; an empty set gets all-max values."""
        out = np.full((len(shingle_sets), self.num_perm), _MAX_HASH, dtype=np.uint64)
        start = 0
        while start < len(shingle_sets):
            stop, total = start, 0
            while stop < len(shingle_sets) and (total == 0 or total + len(shingle_sets[stop]) <= chunk):
                total += len(shingle_sets[stop])
                stop += 1
            self._fill(shingle_sets[start:stop], out[start:stop])
            start = stop
        return out

    def _fill(self, sets: list[np.ndarray], out: np.ndarray) -> None:
        lengths = np.array([len(s) for s in sets])
        nonempty = np.flatnonzero(lengths)
        if len(nonempty) == 0:
            return
        flat = np.concatenate([sets[i] for i in nonempty])
        hv = (np.outer(flat, self.a) + self.b) % _MERSENNE & _MAX_HASH
        offsets = np.concatenate(([0], np.cumsum(lengths[nonempty])[:-1]))
        out[nonempty] = np.minimum.reduceat(hv, offsets, axis=0)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)
