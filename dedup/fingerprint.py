"""Word-shingle hashes and MinHash signatures, vectorised with numpy.

Tokens get a stable 32-bit hash (blake2b, cached per distinct word), so signatures are the same
in every process and run. Shingles are hashed for many documents at once, and each of the
``num_perm`` permutations is a multiply-add-shift hash ``(a * h + b) mod 2**64 >> 32`` with
random odd ``a``: wrap-around 64-bit arithmetic, no modulo, no per-shingle Python loop.
Signatures are plain ``uint32`` arrays (half the memory of 64-bit ones) that
:class:`datasketch.MinHashLSH` indexes as they are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from ._compiled import signatures as _compiled_signatures

_MIX = np.uint64(0x9E3779B97F4A7C15)
_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
EMPTY = np.uint64(0xFFFFFFFF)  # signature value of a text without shingles
_SLICE = 65_536  # shingles hashed at once: a 64 MiB matrix at 128 permutations


def token_hash(token: str) -> int:
    """Stable 32-bit hash of a token (the same in every process and run)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little")


class _Cache(dict):
    def __missing__(self, token: str) -> int:
        value = token_hash(token)
        if len(self) < 2_000_000:
            self[token] = value
        return value


class TokenHasher:
    """Stable 32-bit token hashes, cached: news vocabularies repeat, hashing each word once."""

    def __init__(self) -> None:
        self._cache = _Cache()

    def __call__(self, tokens: Sequence[str]) -> np.ndarray:
        cache = self._cache
        return np.array([cache[t] for t in tokens], dtype=np.uint64)


def _combine(token_hashes: np.ndarray, size: int, count: int) -> np.ndarray:
    """32-bit hashes of the ``count`` windows of ``size`` consecutive token hashes."""
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(size):
            acc *= _MIX
            acc ^= token_hashes[i:i + count]
        acc ^= acc >> np.uint64(29)
        acc *= _MIX
        acc ^= acc >> _SHIFT
    return acc & _MASK32


def shingle_count(tokens: int, size: int) -> int:
    """How many shingles :func:`document_signatures` hashes for a text of ``tokens`` tokens
    (a text shorter than ``size`` words is one shingle; an empty one has none)."""
    return max(tokens - size + 1, 1) if tokens else 0


def shingle_hashes(token_hashes: np.ndarray, size: int) -> np.ndarray:
    """Distinct 32-bit hashes of the word ``size``-grams (a text shorter than ``size`` words is
    one shingle)."""
    n = len(token_hashes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    size = min(size, n)
    return np.unique(_combine(token_hashes, size, n - size + 1))


class MinHasher:
    """MinHash signatures of ``num_perm`` permutations drawn from ``seed``, for many documents
    at once."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        gen = np.random.RandomState(seed)
        high = gen.randint(0, 2**31, size=(2, num_perm), dtype=np.int64).astype(np.uint64)
        low = gen.randint(0, 2**31, size=(2, num_perm), dtype=np.int64).astype(np.uint64)
        a, b = (high << np.uint64(33)) ^ low, (high[::-1] << np.uint64(32)) ^ low[::-1]
        self.a = a[0] | np.uint64(1)  # one multiplier and one offset per permutation
        self.b = b[1].copy()
        self.num_perm = num_perm
        self.seed = seed

    def _minimum(self, shingles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Per-segment minima (segments start at ``offsets``) of every permutation."""
        if len(shingles) > _SLICE:
            # A huge text: its (num_perm x shingles) matrix, slice by slice, minimum of minima,
            # so memory stays bounded whatever the size of one document.
            bounds = [*offsets.tolist(), len(shingles)]
            out = np.empty((len(offsets), self.num_perm), dtype=np.uint32)
            one = np.zeros(1, dtype=np.int64)
            for k in range(len(offsets)):
                segment = shingles[bounds[k]:bounds[k + 1]]
                out[k] = np.min(
                    [self._minimum(segment[s:s + _SLICE], one)[0]
                     for s in range(0, len(segment), _SLICE)],
                    axis=0,
                )
            return out
        with np.errstate(over="ignore"):
            h = self.a[:, None] * shingles[None, :]
            h += self.b[:, None]
            h >>= _SHIFT
        return np.minimum.reduceat(h, offsets, axis=1).T.astype(np.uint32)

    def signatures(self, shingle_sets: Sequence[np.ndarray], chunk: int = 8_000) -> np.ndarray:
        """(len(shingle_sets), num_perm) signatures; a set without shingles gets ``EMPTY``."""
        out = np.full((len(shingle_sets), self.num_perm), EMPTY, dtype=np.uint32)
        batch: list[int] = []
        total = 0
        for i, s in enumerate(shingle_sets):
            if len(s) == 0:
                continue
            if batch and total + len(s) > chunk:
                self._fill(shingle_sets, batch, out)
                batch, total = [], 0
            batch.append(i)
            total += len(s)
        if batch:
            self._fill(shingle_sets, batch, out)
        return out

    def _fill(self, sets: Sequence[np.ndarray], rows: list[int], out: np.ndarray) -> None:
        lengths = np.array([len(sets[i]) for i in rows])
        offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        out[rows] = self._minimum(np.concatenate([sets[i] for i in rows]), offsets)


def document_signatures(
    token_hashes: Sequence[np.ndarray], size: int, minhasher: MinHasher, chunk: int = 8_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Signatures of many documents given as arrays of token hashes (see
    :class:`TokenHasher`), and how many shingles each has.

    Shingles are hashed over the concatenated token hashes of a batch of documents at once;
    windows that cross a document boundary are dropped. Duplicate shingles within a document do
    not change its minima, so they are not removed.
    """
    n = len(token_hashes)
    out = np.full((n, minhasher.num_perm), EMPTY, dtype=np.uint32)
    counts = np.zeros(n, dtype=np.int64)
    start = 0
    while start < n:
        stop, total = start, 0
        while stop < n and (stop == start or total + len(token_hashes[stop]) <= chunk):
            total += len(token_hashes[stop])
            stop += 1
        _batch(token_hashes, start, stop, size, minhasher, out, counts)
        start = stop
    return out, counts


def id_signatures(
    id_arrays: Sequence[np.ndarray], hashes: np.ndarray, size: int, minhasher: MinHasher,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`document_signatures` of documents given as token ids (int32 arrays) and the
    stable hash of every id (``hashes``, uint64). The compiled ``dedup._minhash.signatures``
    gives the same numbers where it is built, without the (num_perm x shingles) matrix."""
    if _compiled_signatures is None:
        return document_signatures([hashes[ids] for ids in id_arrays], size, minhasher)
    n = len(id_arrays)
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids in id_arrays], out=bounds[1:])
    flat = np.concatenate(id_arrays).astype(np.int32, copy=False) if n else np.zeros(0, np.int32)
    out = np.empty((n, minhasher.num_perm), dtype=np.uint32)
    counts = np.empty(n, dtype=np.int64)
    _compiled_signatures(
        flat, bounds, np.ascontiguousarray(hashes, dtype=np.uint64), size,
        minhasher.a, minhasher.b, out, counts,
    )
    return out, counts


def _batch(
    token_hashes: Sequence[np.ndarray], start: int, stop: int, size: int,
    minhasher: MinHasher, out: np.ndarray, counts: np.ndarray,
) -> None:
    lengths = np.array([len(token_hashes[i]) for i in range(start, stop)], dtype=np.int64)
    rows = np.arange(start, stop)
    long_rows = lengths >= size
    # Texts shorter than one shingle: their whole text is their one shingle.
    for i in rows[(lengths > 0) & ~long_rows]:
        counts[i] = 1
        out[i] = minhasher._minimum(
            shingle_hashes(token_hashes[i], size), np.zeros(1, dtype=np.int64)
        )[0]
    if not long_rows.any():
        return
    rows, lengths = rows[long_rows], lengths[long_rows]
    flat = np.concatenate([token_hashes[i] for i in rows]).astype(np.uint64, copy=False)
    windows = _combine(flat, size, len(flat) - size + 1)
    per_doc = lengths - size + 1
    doc_starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    # Window j of document d starts at doc_starts[d] + j; keep those inside the document.
    keep = np.concatenate([np.arange(s, s + c) for s, c in zip(doc_starts, per_doc)])
    shingles = windows[keep]
    offsets = np.concatenate(([0], np.cumsum(per_doc)[:-1]))
    out[rows] = minhasher._minimum(shingles, offsets)
    counts[rows] = per_doc


def pair_jaccards(
    signatures: np.ndarray, left: np.ndarray, right: np.ndarray, chunk: int = 16_384
) -> np.ndarray:
    """Estimated Jaccard of rows ``left[k]`` and ``right[k]``, a block of pairs at a time (the
    rows of all pairs at once would take pairs x num_perm x 8 bytes)."""
    out = np.empty(len(left), dtype=np.float64)
    width = signatures.shape[1]
    for start in range(0, len(left), chunk):
        stop = start + chunk
        equal = signatures[left[start:stop]] == signatures[right[start:stop]]
        # the equal values counted as bytes, then divided: equal.mean(axis=1) exactly (a
        # count over 2**k values divides exactly), at half its cost (mean sums float64s)
        out[start:stop] = equal.view(np.uint8).sum(axis=1, dtype=np.int64) / width
    return out


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle-set Jaccard."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


LEAD_SHINGLES = 128
"""Shingles of a text's lead: the second signature (:func:`lead_ids`) is taken over them, so
that a copy cut down to its first paragraphs can be compared with its original's first
paragraphs rather than with the whole of it."""


def lead_ids(ids: np.ndarray, size: int) -> np.ndarray:
    """The tokens of a text's first :data:`LEAD_SHINGLES` shingles (its whole text when
    shorter): what its lead signature is taken over."""
    return ids[:LEAD_SHINGLES + size - 1]


def id_fingerprints(
    id_arrays: Sequence[np.ndarray], hashes: np.ndarray, size: int, minhasher: MinHasher,
) -> tuple[np.ndarray, np.ndarray]:
    """The fingerprints of documents given as token ids: each row the whole text's MinHash
    signature (:func:`id_signatures`), then its lead's (:func:`lead_ids`), ``2 * num_perm``
    values; and the shingle counts of the whole texts."""
    signatures, counts = id_signatures(id_arrays, hashes, size, minhasher)
    leads, _ = id_signatures([lead_ids(ids, size) for ids in id_arrays], hashes, size, minhasher)
    return np.hstack((signatures, leads)), counts


def containment(jaccard: np.ndarray, small: np.ndarray, large: np.ndarray) -> np.ndarray:
    """Share of the smaller set held by the larger, ``|A∩B| / |A|``, from their Jaccard and
    sizes ``|A| = small`` <= ``|B| = large``: ``J (|A| + |B|) / ((1 + J) |A|)``, in [0, 1]
    (0 for an empty set)."""
    jaccard = np.asarray(jaccard, dtype=np.float64)
    small = np.asarray(small, dtype=np.float64)
    large = np.asarray(large, dtype=np.float64)
    out = np.zeros(len(jaccard))
    np.divide(jaccard * (small + large), (1.0 + jaccard) * small, out=out, where=small > 0)
    return np.clip(out, 0.0, 1.0)


def pair_containments(
    signatures: np.ndarray, leads: np.ndarray, counts: np.ndarray,
    left: np.ndarray, right: np.ndarray, whole: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """How much of the shorter text of each pair the longer holds, and the shorter's shingle
    count.

    A copy trimmed to its first paragraphs holds few of its original's shingles, so its
    Jaccard is low, and a containment estimated from whole-text signatures of very unequal
    sizes is noise (128 minima of a long text say little about 60 shingles). Tail trims keep
    the start, so the shorter text is compared with the longer's *lead* (its first
    :data:`LEAD_SHINGLES` shingles, signatures ``leads``): for a shorter text within one lead
    that is its containment in the longer's lead (sizes at most :data:`LEAD_SHINGLES` apart:
    a precise estimate). A shorter text longer than a lead must also be held as a whole: the
    lower of the leads' containment and the whole texts' (sizes then at most a few times
    apart). ``whole``: the pairs' :func:`pair_jaccards` of ``signatures``, where the caller
    has them (not estimated again)."""
    a, b = counts[left], counts[right]
    small, large = np.minimum(a, b), np.maximum(a, b)
    lead_small = np.minimum(small, LEAD_SHINGLES)
    lead_large = np.minimum(large, LEAD_SHINGLES)
    out = containment(pair_jaccards(leads, left, right), lead_small, lead_large)
    long_rows = small > LEAD_SHINGLES
    if long_rows.any():
        jaccard = (pair_jaccards(signatures, left[long_rows], right[long_rows])
                   if whole is None else whole[long_rows])
        out[long_rows] = np.minimum(out[long_rows], containment(jaccard, small[long_rows],
                                                                  large[long_rows]))
    out[small == 0] = 0.0
    return out, small
