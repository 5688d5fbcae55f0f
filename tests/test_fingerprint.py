"""Tests of dedup.fingerprint (shingles, MinHash) and dedup.candidates (LSH, blocking),
checked against brute force on small texts."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import scipy.sparse as sp
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.candidates import Sketch, blocking_pairs, lsh_pairs
from dedup.config import Config
from dedup.fingerprint import MinHasher, TokenHasher, estimate_jaccard, shingle_hashes

K = 5


def _as_set(pairs) -> set[tuple[int, int]]:
    """Candidate pairs, returned as a (k, 2) array, as a set of tuples."""
    return {(int(i), int(j)) for i, j in pairs}
MAX_HASH = (1 << 32) - 1


def grams(tokens: list[str], k: int = K) -> set[tuple[str, ...]]:
    """Brute-force distinct word k-grams (a text shorter than k words is one gram)."""
    if not tokens:
        return set()
    k = min(k, len(tokens))
    return {tuple(tokens[i:i + k]) for i in range(len(tokens) - k + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def shingles(tokens: list[str], hasher: TokenHasher | None = None) -> np.ndarray:
    return shingle_hashes((hasher or TokenHasher())(tokens), K)


def random_words(rng: random.Random, n: int, vocab: int = 5000) -> list[str]:
    return [f"w{rng.randrange(vocab)}" for _ in range(n)]


def edited(tokens: list[str], n_edits: int, rng: random.Random) -> list[str]:
    """A copy with ``n_edits`` words replaced at evenly spread positions."""
    out = list(tokens)
    step = len(out) // (n_edits + 1)
    for e in range(1, n_edits + 1):
        out[e * step] = f"edit{rng.randrange(10**9)}"
    return out


# --------------------------------------------------------------------------------------------
# shingle_hashes


@pytest.mark.parametrize(
    "text",
    [
        "the quick brown fox jumps over the lazy dog",
        "a b c d e a b c d e a b c d e",  # repeated 5-grams count once
        "one two three four five",
        "one two three",  # shorter than a shingle: one shingle
        "word",
        "the cat sat on the mat and the cat sat on the hat while the cat sat on the mat",
    ],
)
def test_shingle_count_equals_distinct_word_5grams(text: str) -> None:
    tokens = text.split()
    assert len(shingles(tokens)) == len(grams(tokens))


def test_shingle_count_on_longer_random_texts() -> None:
    rng = random.Random(0)
    for n in (5, 6, 50, 300):
        tokens = random_words(rng, n, vocab=20)  # small vocabulary: many repeated grams
        assert len(shingles(tokens)) == len(grams(tokens))


def test_shingles_of_empty_text() -> None:
    out = shingles([])
    assert out.shape == (0,)


def test_shingles_are_distinct_32_bit_values() -> None:
    tokens = "a b c d e f g h a b c d e f g h".split()
    out = shingles(tokens)
    assert len(np.unique(out)) == len(out)
    assert out.max() <= MAX_HASH


def test_token_hasher_is_stable_across_instances() -> None:
    tokens = ["jaishankar", "lavrov", "goa", "jaishankar"]
    first, second = TokenHasher()(tokens), TokenHasher()(tokens)
    assert np.array_equal(first, second)
    assert first[0] == first[3]
    assert len(set(first.tolist())) == 3


# --------------------------------------------------------------------------------------------
# MinHash


def _pairs_with_known_overlap() -> list[tuple[list[str], list[str]]]:
    rng = random.Random(42)
    base = random_words(rng, 300)
    pairs = [(base, edited(base, n, rng)) for n in (2, 6, 15, 40)]
    # Two texts sharing a block of words, each with its own remainder.
    shared = random_words(rng, 150)
    pairs.append((shared + random_words(rng, 150), random_words(rng, 100) + shared))
    pairs.append((base, random_words(rng, 300)))  # unrelated
    return pairs


def test_minhash_estimate_close_to_brute_force_jaccard() -> None:
    pairs = _pairs_with_known_overlap()
    hasher = TokenHasher()
    minhasher = MinHasher(num_perm=256, seed=1)
    truths = []
    for a, b in pairs:
        truth = jaccard(grams(a), grams(b))
        sigs = minhasher.signatures([shingles(a, hasher), shingles(b, hasher)])
        assert abs(estimate_jaccard(sigs[0], sigs[1]) - truth) <= 0.15, truth
        truths.append(truth)
    # The pairs really span the range of overlaps.
    assert max(truths) > 0.8 and min(truths) < 0.05
    assert any(0.2 < t < 0.6 for t in truths)


def test_minhash_identical_sets_estimate_one() -> None:
    rng = random.Random(3)
    tokens = random_words(rng, 80)
    sigs = MinHasher(num_perm=256).signatures([shingles(tokens), shingles(list(tokens))])
    assert estimate_jaccard(sigs[0], sigs[1]) == 1.0


def test_minhash_deterministic_for_a_seed() -> None:
    rng = random.Random(5)
    sets = [shingles(random_words(rng, 60)) for _ in range(4)]
    first = MinHasher(num_perm=128, seed=7).signatures(sets)
    second = MinHasher(num_perm=128, seed=7).signatures(sets)
    other = MinHasher(num_perm=128, seed=8).signatures(sets)
    assert first.shape == (4, 128)
    assert np.array_equal(first, second)
    assert not np.array_equal(first, other)


def test_minhash_chunking_does_not_change_signatures() -> None:
    rng = random.Random(9)
    sets = [shingles(random_words(rng, n)) for n in (40, 0, 7, 100, 1, 30)]
    hasher = MinHasher(num_perm=64, seed=2)
    assert np.array_equal(hasher.signatures(sets), hasher.signatures(sets, chunk=10))


def test_minhash_empty_set() -> None:
    hasher = MinHasher(num_perm=32)
    empty = np.zeros(0, dtype=np.uint64)
    sigs = hasher.signatures([empty, shingles("a b c d e f".split())])
    assert sigs.shape == (2, 32)
    assert (sigs[0] == MAX_HASH).all()
    assert estimate_jaccard(sigs[0], sigs[1]) == 0.0
    assert hasher.signatures([]).shape == (0, 32)
    assert (hasher.signatures([empty, empty]) == MAX_HASH).all()


# --------------------------------------------------------------------------------------------
# Candidates: LSH


def test_lsh_pairs_find_every_pair_at_or_above_0_8() -> None:
    rng = random.Random(11)
    docs: list[list[str]] = []
    for _ in range(4):  # four stories, each with a few edited copies
        base = random_words(rng, 200)
        docs.append(base)
        for n_edits in (1, 3, 4, 12, 40):
            docs.append(edited(base, n_edits, rng))
    docs.extend(random_words(rng, 200) for _ in range(4))  # unrelated texts

    hasher = TokenHasher()
    sigs = MinHasher(num_perm=128, seed=1).signatures([shingles(d, hasher) for d in docs])
    gram_sets = [grams(d) for d in docs]
    truth = {
        (i, j): jaccard(gram_sets[i], gram_sets[j])
        for i, j in itertools.combinations(range(len(docs)), 2)
    }
    must = {pair for pair, j in truth.items() if j >= 0.8}
    never = {pair for pair, j in truth.items() if j == 0.0}
    assert len(must) >= 12  # the reference set is not trivial
    assert any(0.8 <= j < 0.85 for j in truth.values())  # some sit near the line

    # LSH at threshold t has only ~50% recall for pairs right at t, so (as the pipeline does)
    # band for the near-duplicate threshold 0.5 and expect full recall at 0.8.
    found = _as_set(lsh_pairs(sigs, 0.5))
    assert must <= found
    assert not (found & never)
    assert all(i < j for i, j in found)


def test_lsh_pairs_identical_signatures_collide() -> None:
    sigs = MinHasher(num_perm=128).signatures(
        [shingles("a b c d e f g".split())] * 3 + [shingles("p q r s t u v".split())]
    )
    assert _as_set(lsh_pairs(sigs, 0.9)) == {(0, 1), (0, 2), (1, 2)}


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_lsh_pairs_are_what_datasketch_minhashlsh_returns(threshold: float) -> None:
    """The batch band join gives exactly the pairs of inserting every signature into
    datasketch's MinHashLSH and querying each one (the incremental index's way)."""
    rng = np.random.default_rng(5)
    base = rng.integers(0, 2**32, size=(30, 128), dtype=np.uint64).astype(np.uint32)
    rows = [base]
    for share in (0.2, 0.5, 0.7, 0.9, 1.0):  # copies agreeing on a share of their values
        copy = base.copy()
        change = rng.random(copy.shape) > share
        copy[change] = rng.integers(0, 2**32, size=int(change.sum()), dtype=np.uint64)
        rows.append(copy)
    rows.append(np.full((3, 128), MAX_HASH, dtype=np.uint32))  # texts without shingles
    sigs = np.vstack(rows)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for i, sig in enumerate(sigs):
        lsh.insert(i, Sketch(sig))
    expected = {(i, j) for i, sig in enumerate(sigs) for j in lsh.query(Sketch(sig)) if i < j}
    assert len(expected) >= 30 + 3  # at least the exact copies and the empty texts collide
    assert _as_set(lsh_pairs(sigs, threshold)) == expected


# --------------------------------------------------------------------------------------------
# Candidates: blocking


def _binary(rows: list[set[int]], n_terms: int) -> sp.csr_matrix:
    r = [i for i, terms in enumerate(rows) for _ in terms]
    c = [t for terms in rows for t in sorted(terms)]
    return sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(rows), n_terms))


def _brute_blocking(rows: list[set[int]], max_block: int, min_shared: int) -> set:
    df = {t: sum(t in r for r in rows) for r in rows for t in r}
    kept = [{t for t in r if df[t] <= max_block} for r in rows]
    return {
        (i, j) for i, j in itertools.combinations(range(len(rows)), 2)
        if len(kept[i] & kept[j]) >= min_shared
    }


ROWS = [
    {0, 1, 2},
    {0, 1, 3},     # shares 0, 1 with row 0: a pair
    {2, 3, 4},     # one term with row 0, one with row 1: no pair
    {4, 5, 6},
    {5, 6},        # shares 5, 6 with row 3: a pair
    {7, 8, 9},     # 7 and 8 are held by rows 5, 6, 7; 9 by rows 5 and 6
    {7, 8, 9},
    {7, 8},
]


def test_blocking_pairs_share_two_terms() -> None:
    found = _as_set(blocking_pairs(_binary(ROWS, 10), max_block_size=2))
    # Terms 7 and 8 (three rows each) are over the block size: rows 5 and 6 share only 9.
    assert found == {(0, 1), (3, 4)}
    assert found == _brute_blocking(ROWS, 2, 2)


def test_blocking_pairs_large_blocks_count_when_allowed() -> None:
    found = _as_set(blocking_pairs(_binary(ROWS, 10), max_block_size=3))
    assert found == {(0, 1), (3, 4), (5, 6), (5, 7), (6, 7)}
    assert found == _brute_blocking(ROWS, 3, 2)


def test_blocking_pairs_min_shared_one() -> None:
    found = _as_set(blocking_pairs(_binary(ROWS, 10), max_block_size=2, min_shared=1))
    assert found == _brute_blocking(ROWS, 2, 1)
    assert (0, 2) in found and (1, 2) in found and (2, 3) in found


def test_blocking_pairs_nothing_to_block_on() -> None:
    assert _as_set(blocking_pairs(_binary([{0}, {1}, {2}], 3), max_block_size=5)) == set()
    assert _as_set(blocking_pairs(_binary([{0, 1}, {0, 1}, {0, 1}], 2), max_block_size=2)) == set()


def test_top_terms_keeps_the_k_heaviest_per_row() -> None:
    from dedup.similarity import top_terms

    matrix = sp.csr_matrix(np.array([
        [0.1, 0.5, 0.6, 0.0, 0.3],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.2, 0.0, 0.0, 0.9, 0.0],
    ], dtype=np.float32))
    top = top_terms(matrix, 2).toarray()
    assert top.tolist() == [[0, 1, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 0, 1, 0]]
    assert top_terms(matrix, 1).toarray()[0].tolist() == [0, 0, 1, 0, 0]


def test_pair_cosines_equal_dense_dot_products() -> None:
    from dedup import similarity

    rng = np.random.default_rng(3)
    dense = sp.random(60, 40, density=0.2, dtype=np.float32, random_state=3).toarray()
    dense[5] = 0  # an empty row
    left = rng.integers(0, 60, 500)  # unsorted, with repeats and self-pairs
    right = rng.integers(0, 60, 500)
    got = similarity.pair_cosines(sp.csr_matrix(dense), left, right, chunk=37)
    assert np.allclose(got, (dense[left] * dense[right]).sum(axis=1), atol=1e-6)


def test_shingle_count_is_what_document_signatures_counts() -> None:
    from dedup.fingerprint import document_signatures, shingle_count

    hasher, minhasher = TokenHasher(), MinHasher(num_perm=16)
    texts = [[], ["a"], ["a", "b", "c", "d"], ["a", "b", "c", "d", "e"], list("abcdefghij")]
    _, counts = document_signatures([hasher(t) for t in texts], 5, minhasher)
    assert counts.tolist() == [shingle_count(len(t), 5) for t in texts] == [0, 1, 1, 1, 6]


def _compiled_signatures_or_skip():
    from dedup import fingerprint

    if fingerprint._compiled_signatures is None:
        pytest.skip("dedup._minhash is not built here")
    return fingerprint


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 49), max_size=40), max_size=12),
    st.integers(1, 6), st.sampled_from([1, 16, 128]), st.integers(0, 2**32 - 1),
)
def test_compiled_signatures_equal_numpy(docs, size, num_perm, seed) -> None:
    fingerprint = _compiled_signatures_or_skip()
    hashes = np.random.default_rng(seed).integers(0, 2**32, 50, dtype=np.uint64)
    hashes[:3] = [0, 2**32 - 1, 1]  # the extremes of a 32-bit hash
    minhasher = MinHasher(num_perm=num_perm, seed=seed % 1000)
    arrays = [np.array(d, dtype=np.int32) for d in docs]
    sigs, counts = fingerprint.id_signatures(arrays, hashes, size, minhasher)
    want, want_counts = fingerprint.document_signatures(
        [hashes[a] for a in arrays], size, minhasher
    )
    assert sigs.dtype == want.dtype == np.uint32
    assert np.array_equal(sigs, want)
    assert np.array_equal(counts, want_counts)


def test_compiled_signatures_reject_bad_input() -> None:
    fingerprint = _compiled_signatures_or_skip()
    run = fingerprint._compiled_signatures
    m = MinHasher(num_perm=4)
    ids, hashes = np.array([0, 1, 2], np.int32), np.arange(3, dtype=np.uint64)
    out, counts = np.zeros((1, 4), np.uint32), np.zeros(1, np.int64)
    bounds = np.array([0, 3], np.int64)
    with pytest.raises(ValueError, match="no hash"):
        run(np.array([0, 9], np.int32), np.array([0, 2], np.int64), hashes, 5, m.a,
            m.b, out, counts)
    with pytest.raises(ValueError, match="outside"):
        run(ids, np.array([0, 4], np.int64), hashes, 5, m.a, m.b, out, counts)
    with pytest.raises(ValueError, match="disagree"):
        run(ids, bounds, hashes, 5, m.a, m.b, np.zeros((1, 3), np.uint32), counts)
    with pytest.raises(ValueError, match="size"):
        run(ids, bounds, hashes, 0, m.a, m.b, out, counts)
    with pytest.raises(TypeError):
        run(ids.astype(np.int64), bounds, hashes, 5, m.a, m.b, out, counts)
    read_only = np.zeros((1, 4), np.uint32)
    read_only.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        run(ids, bounds, hashes, 5, m.a, m.b, read_only, counts)
    run(ids, bounds, hashes, 5, m.a, m.b, out, counts)  # and the good input works
    assert counts.tolist() == [1] and (out < 2**32 - 1).all()


def test_pair_jaccards_are_shares_of_equal_values() -> None:
    from dedup import fingerprint

    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 4, (30, 64), dtype=np.uint32)  # many equal values
    sigs[7] = sigs[8]
    left, right = rng.integers(0, 30, 400), rng.integers(0, 30, 400)
    left[:2], right[:2] = [7, 3], [8, 3]
    got = fingerprint.pair_jaccards(sigs, left, right, chunk=37)
    assert got[:2].tolist() == [1.0, 1.0]
    assert got.tolist() == [np.count_nonzero(sigs[a] == sigs[b]) / 64 for a, b in zip(left, right)]


class _Words:
    """A vocabulary stand-in with a given content mask (TermCounts reads only these)."""

    def __init__(self, content: np.ndarray) -> None:
        self._content = content

    def __len__(self) -> int:
        return len(self._content)

    def content(self) -> np.ndarray:
        return self._content


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.lists(st.integers(0, 2**31 - 2), max_size=60), max_size=3),
             max_size=8),
    st.sampled_from([40, 300, 70_000]), st.integers(0, 2**32 - 1),
)
def test_term_counts_count_the_content_ids_of_each_row(rows, vocab, seed) -> None:
    from collections import Counter

    from dedup import similarity

    content = np.random.default_rng(seed).random(vocab) < 0.7
    parts = [[np.array([i % vocab for i in part], dtype=np.int32) for part in row] for row in rows]
    counts = similarity.TermCounts(_Words(content), batch=3)
    for row in parts:
        counts.add_ids(*row)
    got = counts.matrix()
    for r, row in enumerate(parts):
        want = Counter(int(i) for part in row for i in part if content[i])
        start, stop = got.indptr[r], got.indptr[r + 1]
        assert got.indices[start:stop].tolist() == sorted(want)  # each row's columns in order
        assert got.data[start:stop].tolist() == [want[c] for c in sorted(want)]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=6, max_size=6),
                max_size=8), st.integers(0, 7))
def test_top_terms_with_ties_take_the_lower_column(rows, k) -> None:
    from dedup import similarity

    matrix = sp.csr_matrix(np.array(rows, dtype=np.float32).reshape(len(rows), 6))
    python = similarity.top_terms(matrix, k).toarray()
    for row, top in zip(np.array(rows).reshape(len(rows), 6), python):
        chosen = sorted(range(6), key=lambda c: (-row[c], c))[:min(k, int((row != 0).sum()))]
        assert sorted(np.flatnonzero(top).tolist()) == sorted(c for c in chosen if row[c] != 0)


def test_distinct_counts_equal_numpy_unique() -> None:
    from dedup import similarity

    ids = np.random.default_rng(2).integers(0, 3000, 5000).astype(np.int32)
    values, counts = similarity.distinct_counts(ids)
    want_values, want_counts = np.unique(ids, return_counts=True)
    assert values.tolist() == want_values.tolist() and counts.tolist() == want_counts.tolist()


@pytest.mark.parametrize("lists", [0, 1, 2, 24])
def test_distinct_counts_of_runs_and_distinct_of_runs_equal_numpy_unique(lists) -> None:
    """The stable-sort path (a query's postings: increasing lists end to end) gives what
    np.unique gives, empty and single runs included, and keys in no order too."""
    from dedup import similarity
    from dedup.candidates import distinct

    rng = np.random.default_rng(lists)
    runs = [np.sort(rng.integers(0, 500, rng.integers(0, 300))) for _ in range(lists)]
    ids = np.concatenate([*runs, np.zeros(0, dtype=np.int64)]).astype(np.int64)
    for keys in (ids, rng.permutation(ids)):
        values, counts = similarity.distinct_counts(keys, runs=True)
        want_values, want_counts = np.unique(keys, return_counts=True)
        assert values.dtype == counts.dtype == np.int64
        assert values.tolist() == want_values.tolist() and counts.tolist() == want_counts.tolist()
        assert distinct(keys, runs=True).tolist() == want_values.tolist() == distinct(keys).tolist()


# --------------------------------------------------------------------------------------------
# Candidates: one set of rules, batch and per query


def test_query_candidates_propose_what_the_batch_sources_pair() -> None:
    """Adding documents one at a time to QueryCandidates and asking it about each one first
    gives, source by source, the pairs the batch run finds (no term too common to block on,
    so the streaming counts cannot differ)."""
    from dedup.candidates import (
        BLOCKING,
        LSH,
        SAME_TEXT,
        CandidateRules,
        QueryCandidates,
        blocking_pairs,
    )

    rng = np.random.default_rng(11)
    sigs = rng.integers(0, 2**32, size=(len(ROWS), 128), dtype=np.uint64).astype(np.uint32)
    sigs[3] = sigs[0]  # a copy
    sigs[6, :100] = sigs[5, :100]  # a near copy
    exact = ["a", "b", "a", "c", "d", "e", "e", "f"]
    rules = CandidateRules.of(Config(max_block_size=len(ROWS)))
    want = {
        SAME_TEXT: {(exact.index(e), i) for i, e in enumerate(exact) if exact.index(e) != i},
        LSH: _as_set(lsh_pairs(sigs, 0.5)),
        BLOCKING: _as_set(blocking_pairs(_binary(ROWS, 10), len(ROWS), rules.min_shared)),
    }
    source = QueryCandidates(rules)
    got: dict[str, set] = {name: set() for name in want}
    for row, terms in enumerate(ROWS):
        salient = np.array(sorted(terms), dtype=np.int64)
        for name, rows in source.query(exact[row], sigs[row], salient).items():
            got[name].update((int(other), row) for other in rows)
        source.add(row, exact[row], sigs[row], salient)
    assert got == want
    assert want[LSH] >= {(0, 3), (5, 6)} and want[BLOCKING]


def _brute_partners(rows: list[set[int]], days: list[int], cap: int, window: int) -> set:
    """Per later row, its earlier rows sharing two terms inside the window, the ``cap`` with
    the most shared terms kept (ties: the higher earlier row), one row at a time."""
    kept = set()
    for j, terms in enumerate(rows):
        near = [(len(terms & rows[i]), i) for i in range(j) if len(terms & rows[i]) >= 2
                and (days[i] < 0 or days[j] < 0 or abs(days[i] - days[j]) <= window)]
        kept |= {(i, j) for _, i in sorted(near, reverse=True)[:cap]}
    return kept


CAPPED_ROWS = [
    {0, 1, 2, 3}, {0, 1, 2, 3}, {0, 1, 4}, {0, 1, 2, 5}, {0, 1, 2, 3, 6},
    {0, 1, 6}, {2, 3, 6}, {0, 1, 2, 3, 4, 5}, {4, 5, 6}, {0, 1, 5, 6},
]
CAPPED_DAYS = [0, 0, 40, 1, 2, -1, 3, 45, 44, 5]


@pytest.mark.parametrize("cap", [1, 2, 3, 100])
@pytest.mark.parametrize("rows_per_block", [1, 3, 100])
def test_capped_blocking_keeps_the_strongest_earlier_partners(cap: int, rows_per_block: int
                                                              ) -> None:
    """CandidateRules.partners, applied to each block of the batch's blocking pairs, keeps
    per document the ``max_partners`` documents before it inside the window that share the
    most salient terms (ties: the nearest before it), whatever the block size; a pair
    outside the window takes no place."""
    from dedup.candidates import CandidateRules

    rules = CandidateRules.of(Config(max_partners=cap, window_days=30))
    day = np.array(CAPPED_DAYS, dtype=np.int64)
    found = _as_set(blocking_pairs(
        _binary(CAPPED_ROWS, 7), len(CAPPED_ROWS), rows_per_block=rows_per_block,
        partners=lambda later, earlier, shared: rules.partners(
            later, earlier, shared, day[later], day[earlier])))
    assert found == _brute_partners(CAPPED_ROWS, CAPPED_DAYS, cap, 30)
    every = _brute_partners(CAPPED_ROWS, CAPPED_DAYS, 100, 30)
    most = max(sum(1 for _, j in every if j == row) for row in range(len(CAPPED_ROWS)))
    assert (found == every) == (cap >= most) and most > 3
    assert (2, 7) in every and (0, 7) not in every  # days 40 and 45 in the window, 0 and 45 not


@pytest.mark.parametrize("cap", [1, 2, 100])
def test_query_candidates_cap_as_the_batch(cap: int) -> None:
    """With a cap that binds and publication days, QueryCandidates (one document at a time,
    in order) proposes the blocking pairs the batch keeps."""
    from dedup.candidates import BLOCKING, CandidateRules, QueryCandidates

    rules = CandidateRules.of(Config(max_partners=cap, max_block_size=len(CAPPED_ROWS),
                                     window_days=30))
    source = QueryCandidates(rules)
    sig = np.arange(128, dtype=np.uint32)
    days = np.array(CAPPED_DAYS, dtype=np.int64)  # the index's column of publication days
    got = set()
    for row, (terms, day) in enumerate(zip(CAPPED_ROWS, CAPPED_DAYS)):
        salient = np.array(sorted(terms), dtype=np.int64)
        got |= {(int(i), row)
                for i in source.query(str(row), sig + row, salient, day, days)[BLOCKING]}
        source.add(row, str(row), sig + row, salient)
    assert got == _brute_partners(CAPPED_ROWS, CAPPED_DAYS, cap, 30)


@pytest.mark.parametrize("cap", [1, 2, 100])
def test_spark_partners_choose_as_the_batch(cap: int) -> None:
    """The Spark engine's step in plain Python, with its own functions: rows grouped by
    salient term, the earlier rows each row shares terms with counted a partition at a
    time (spark._shared_counts, two partitions) and summed (spark._add_counts), then
    spark._partners on each later row: the partners the batch keeps."""
    from collections import defaultdict

    from dedup.candidates import CandidateRules
    from dedup.spark import _add_counts, _partners, _shared_counts

    rules = CandidateRules.of(Config(max_partners=cap, max_block_size=len(CAPPED_ROWS),
                                     window_days=30))
    held = defaultdict(list)
    for row, terms in enumerate(CAPPED_ROWS):
        for term in terms:
            held[term].append(row)
    groups = [(t, sorted(rows)) for t, rows in sorted(held.items())
              if 2 <= len(rows) and rules.blockable(len(rows))]
    summed: dict = {}
    for part in (groups[::2], groups[1::2]):
        for row, counts in _shared_counts(iter(part)):
            summed[row] = _add_counts(summed[row], counts) if row in summed else counts
    days = np.array(CAPPED_DAYS, dtype=np.int64)
    got = {pair for later, (rows, shared) in summed.items()
           for pair in _partners(later, rows, shared, rules, days)}
    assert got == _brute_partners(CAPPED_ROWS, CAPPED_DAYS, cap, 30)


def test_query_candidates_forget_removed_rows() -> None:
    from dedup.candidates import CandidateRules, QueryCandidates

    source = QueryCandidates(CandidateRules.of(Config()))
    sig = np.arange(128, dtype=np.uint32)
    terms = np.array([1, 2, 3], dtype=np.int64)
    source.add(0, "x", sig, terms)
    source.add(1, "x", sig, terms)
    source.remove([0], ["x"], sig[None, :])
    found = source.query("y", sig, terms)
    assert found["minhash-lsh"].tolist() == [1] and found["blocking"].tolist() == [1]


def test_index_weights_are_the_batch_tfidf() -> None:
    """The index's TF-IDF formula (similarity.tfidf_weights, statistics of the moment) is the
    one the batch run fits with scikit-learn: the same corpus gives the same vectors."""
    from dedup.similarity import tfidf, tfidf_weights

    rng = np.random.default_rng(2)
    counts = sp.csr_matrix(rng.integers(0, 4, size=(6, 9)).astype(np.float32))
    batch = tfidf(counts)[0].toarray()
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    for i in range(6):
        cols = counts[i].indices
        weights = tfidf_weights(counts[i].data.astype(np.float64), df[cols], 6)
        row = np.zeros(9)
        row[cols] = weights / np.linalg.norm(weights)
        np.testing.assert_allclose(row, batch[i], rtol=1e-6, atol=1e-7)


def test_tfidf_in_place_is_scikit_learns_bit_for_bit() -> None:
    """similarity.tfidf, copying or in place (the batch run's), gives
    TfidfTransformer(sublinear_tf=True)'s numbers bit for bit: fitted on one matrix, applied
    to another, with an empty row, repeated terms and an empty column."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from dedup.similarity import tfidf

    rng = np.random.default_rng(7)
    counts = rng.integers(0, 6, size=(40, 300)) * (rng.random((40, 300)) < 0.1)
    counts[3] = 0
    counts[:, 7] = 0
    other = rng.integers(0, 3, size=(9, 300)) * (rng.random((9, 300)) < 0.2)
    fit, applied = (sp.csr_matrix(m.astype(np.float32)) for m in (counts, other))
    transformer = TfidfTransformer(sublinear_tf=True, norm="l2")
    expected = [transformer.fit_transform(fit).astype(np.float32).tocsr(),
                transformer.transform(applied).astype(np.float32).tocsr()]
    copied = tfidf(fit, applied)
    assert fit.data.max() > 1.0  # the inputs were left as they were
    in_place = tfidf(fit, applied, in_place=True)
    for want, got in [*zip(expected, copied), *zip(expected, in_place)]:
        assert type(got) is type(want) and got.dtype == want.dtype == np.float32
        assert got.indptr.tolist() == want.indptr.tolist()
        assert got.indices.tolist() == want.indices.tolist()
        assert got.data.tobytes() == want.data.tobytes()


def test_tfidf_in_place_by_chunks_is_scikit_learns_bit_for_bit() -> None:
    """The batch run's in-place weighting gathers the IDF of its values a chunk at a time
    (similarity._transform_in_place): the numbers of TfidfTransformer.transform, bit for
    bit, whatever the chunk."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from dedup.similarity import _transform_in_place

    rng = np.random.default_rng(11)
    counts = rng.integers(0, 6, size=(30, 200)) * (rng.random((30, 200)) < 0.15)
    counts[5] = 0
    transformer = TfidfTransformer(sublinear_tf=True, norm="l2").fit(counts)
    transformer.idf_ = transformer.idf_.astype(np.float32)
    want = transformer.transform(sp.csr_matrix(counts.astype(np.float32)), copy=True).tocsr()
    for chunk in (1, 7, 64, 1 << 22):
        got = _transform_in_place(transformer, sp.csr_matrix(counts.astype(np.float32)), chunk)
        assert got.dtype == want.dtype == np.float32
        assert got.indices.tolist() == want.indices.tolist()
        assert got.data.tobytes() == want.data.tobytes()


def test_column_counts_by_chunks_are_bincounts() -> None:
    """tfidf's document frequencies, counted a chunk of columns at a time (bincount's int64
    copy of all of them was a large run's peak): np.bincount's counts, whatever the chunk,
    an empty matrix and columns past the last one counted included."""
    from dedup.similarity import column_counts

    rng = np.random.default_rng(3)
    columns = rng.integers(0, 50, size=1000).astype(np.int32)
    for chunk in (1, 7, 999, 1000, 1 << 22):
        got = column_counts(columns, 60, chunk)
        want = np.bincount(columns, minlength=60)
        assert got.dtype == want.dtype and got.tolist() == want.tolist()
    assert column_counts(np.zeros(0, dtype=np.int32), 4).tolist() == [0, 0, 0, 0]


def test_idf_from_document_frequencies_is_scikit_learns_fit() -> None:
    """similarity.idf_transformer (document frequencies alone: tfidf's path, and the Spark
    engine's, whose corpus is held in parts) has the idf_ of scikit-learn's fit on the whole
    matrix, bit for bit; its rows of parts of the matrix are the whole matrix's rows."""
    from sklearn.feature_extraction.text import TfidfTransformer

    from dedup.similarity import idf_transformer, tfidf, tfidf_rows

    rng = np.random.default_rng(11)
    counts = rng.integers(0, 5, size=(50, 200)) * (rng.random((50, 200)) < 0.15)
    counts[:, 3] = 0
    matrix = sp.csr_matrix(counts.astype(np.float32))
    fitted = TfidfTransformer(sublinear_tf=True, norm="l2").fit(matrix)
    df = np.bincount(matrix.indices, minlength=200)
    assert idf_transformer(df, 50).idf_.tobytes() == fitted.idf_.tobytes()
    whole = tfidf(matrix)[0]
    top, bottom = tfidf_rows(idf_transformer(df, 50), matrix[:20], matrix[20:])
    assert sp.vstack([top, bottom]).tocsr().data.tobytes() == whole.data.tobytes()


def test_candidate_blocks_are_the_sources_pairs_in_order() -> None:
    """The batch run's candidates a block of second rows at a time: together the blocks are
    the distinct pairs of every source, each once, each block sorted and its second rows
    after the previous block's, for any block size (blocks without a blocking pair, whose
    copies still come out, included)."""
    from dedup.analysis import prepare
    from dedup.candidates import candidate_blocks, candidate_sources, unique_pairs
    from dedup.documents import Document
    from dedup.similarity import tfidf

    rng = np.random.default_rng(5)
    n = len(ROWS)
    body = tfidf(_binary(ROWS, 10))[0]
    sigs = rng.integers(0, 2**32, size=(n, 128), dtype=np.uint64).astype(np.uint32)
    sigs[2] = sigs[0]  # LSH pairs with a first row that blocks on nothing
    sigs[7, :100] = sigs[2, :100]
    prepared = [prepare(Document(id=f"d{i}", text=("same text" if i in (1, 4) else f"text {i}")))
                for i in range(n)]
    config = Config(salient_terms=3, max_block_size=3)
    sources = np.concatenate(list(candidate_sources(prepared, sigs, body, config).values()))
    want = unique_pairs(sources[:, 0], sources[:, 1], n).tolist()
    assert {(0, 2), (1, 4), (2, 7)} <= {tuple(p) for p in want}

    def joined(blocks: list[np.ndarray]) -> list[list[int]]:
        for before, block in zip(blocks, blocks[1:]):
            assert before[:, 1].max() < block[:, 1].min()
        for block in blocks:
            assert block.tolist() == unique_pairs(block[:, 0], block[:, 1], n).tolist()
        both = np.concatenate(blocks)
        assert len(both) == len(unique_pairs(both[:, 0], both[:, 1], n))
        return sorted(both.tolist())

    for rows in (1, 2, 3, n):
        assert joined(list(candidate_blocks(prepared, sigs, body, config,
                                            rows_per_block=rows))) == want
    alone = Config(salient_terms=3, max_block_size=1)  # no term to block on: copies only
    copies = np.concatenate(list(candidate_sources(prepared, sigs, body, alone).values()))
    blocks = list(candidate_blocks(prepared, sigs, body, alone, rows_per_block=2))
    assert joined(blocks) == unique_pairs(copies[:, 0], copies[:, 1], n).tolist()


def test_term_counts_released_are_the_matrix_and_let_go() -> None:
    from dedup.similarity import TermCounts
    from dedup.vocabulary import Vocabulary

    vocabulary = Vocabulary()
    counts = TermCounts(vocabulary)
    for text in ("storm hits coast", "coast guard rescues", "storm storm warning"):
        counts.add_ids(vocabulary.ids(text))
    copied = counts.matrix()
    released = counts.matrix(release=True)
    assert (copied != released).nnz == 0 and released.shape == copied.shape
    assert len(counts) == 0  # the rows went with the matrix
