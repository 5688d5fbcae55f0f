"""Differential tests: every compiled kernel against its Python twin.

Each kernel of ``dedup/_scan.c``, ``dedup/_minhash.c`` and ``dedup/_pairs.c`` that is built here
(and not switched off with ``DEDUP_PURE_PYTHON``) must give what its pure-Python twin gives, on
generated text of every storage kind CPython has (ASCII; Latin-1, with the C1 controls
U+0080-U+009F; UCS-2; UCS-4, emoji), with combining marks, NUL, lone CR, zero-width characters
and long lines, on generated sparse matrices (the pair cosines), and on every text of
``../shared/data/*.jsonl`` (skipped, saying why, where that folder is absent).

CI runs this file a second time against the extensions built with AddressSanitizer and
UndefinedBehaviorSanitizer (``.ci/sanitizers``, which ``.ci/run`` calls), so a read past a
buffer or an overflow fails here too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dedup import _compiled, fingerprint, similarity, vocabulary
from dedup.fingerprint import MinHasher
from dedup.normalize import clean_text, normalize_unicode

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# DEDUP_DIFF_EXAMPLES=5000 searches longer (the default keeps the suite fast).
DIFF = settings(max_examples=int(os.environ.get("DEDUP_DIFF_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def compiled(name: str):
    """The compiled kernel ``name``, or a skip saying why there is none."""
    kernel = getattr(_compiled, name)
    if kernel is None:
        why = "switched off by DEDUP_PURE_PYTHON" if name in _compiled.OFF else "not built here"
        pytest.skip(f"the compiled {name} is {why}")
    return kernel


# ---------------------------------------------------------------------------------------------
# Text of every kind

# Pieces of news text, each of one storage width: words the kernels treat specially, and the
# separators and odd characters real pages carry.
_WORDS = [
    "The", "In", "May", "A", "I", "Mr.", "Dr.", "St.", "Abc.", "de", "van", "der", "la", "bin",
    "Ursula", "Leyen", "Jaishankar", "Sergey", "Lavrov", "O'Neil", "Jean-Luc", "IBM", "eBay",
    "Goa", "(Goa)", "Benaulim", "New Delhi", "Harris County Sheriff's Office", "Sheriff's",
    "said", "on", "Thursday", "ADVERTISEMENT", "Read Also:", "U.S.", "3rd", "x_y", "co-op",
    "don't", "1,000", "2023-05-04", "aaaaaaaaaaaaaaaaaaaa", "B" * 49, "c" * 17, "President",
    "Minister Of State", "EAM", "PTI", "(IANS)",
    # Latin-1
    "Jos\u00e9", "\u00c9ric", "\u00c9RIC", "Stra\u00dfe", "Zo\u00eb", "\u00bd", "\u00b2",
    "\u00a0", "\u00ad", "\u00b5", "caf\u00e9s", "\u00d8resund",
    # UCS-2
    "\u0130stanbul", "\u01c5ungla", "\ufb01nal", "\u216b", "\u2019s", "\u201cquote\u201d",
    "\u2014", "\u2026", "\u0394\u03b5\u03bb\u03c6\u03bf\u03af", "\u041c\u043e\u0441\u043a\u0432\u0430",
    "\u6771\u4eac", "e\u0301", "n\u0303o", "A\u030a", "\u2028", "\u3000",
    # UCS-4
    "\U0001d401old", "\U0001f44d", "\U0001f600Emoji", "\U00020000", "\U0001f1ee\U0001f1f3",
]
_SEPARATORS = [
    " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\r\r\n", "\x00", "\x0b", "\x0c", "\x1c", "\x1f",
    ", ", ". ", ": ", "(", ")", "'", "-", ".", "_", " \n ",
    "\x85", "\x95", "\x80", "\x9f", "\xa0",  # C1 controls, no-break space
    "\u200b", "\ufeff", "\u00ad", "\u2009", "\u202f", "\u2018", "\u2033",
    "\U0001f600",
]
_KIND_LIMIT = {"ascii": 0x7F, "latin1": 0xFF, "ucs2": 0xFFFF, "ucs4": 0x10FFFF}
_KIND_CHARS = {
    "ascii": st.characters(max_codepoint=0x7F),
    "latin1": st.one_of(st.characters(min_codepoint=0x80, max_codepoint=0xFF),
                        st.sampled_from(["\x85", "\x95", "\x80", "\x9f"])),
    "ucs2": st.characters(min_codepoint=0x100, max_codepoint=0xFFFF),
    "ucs4": st.characters(min_codepoint=0x10000),
}
_COMBINING = st.characters(categories=("Mn", "Mc", "Me"))


def _fits(piece: str, kind: str) -> bool:
    return max(map(ord, piece), default=0) <= _KIND_LIMIT[kind]


def _text_of(kind: str) -> st.SearchStrategy[str]:
    """Text of one storage kind: pieces of news text and random characters no wider than it,
    with combining marks wherever the kind holds them."""
    pieces = [p for p in _WORDS + _SEPARATORS if _fits(p, kind)]
    chars = _KIND_CHARS[kind]
    if kind in ("ucs2", "ucs4"):
        chars = st.one_of(chars, _COMBINING)
    piece = st.one_of(
        st.sampled_from(pieces), st.sampled_from(pieces), st.text(chars, min_size=1, max_size=6),
        st.text(_KIND_CHARS["ascii"], min_size=1, max_size=6),
    )
    return st.lists(piece, max_size=40).map("".join)


KINDS = list(_KIND_LIMIT)
TEXT = st.sampled_from(KINDS).flatmap(_text_of)
# Long lines: a piece repeated (thousands of characters without a line break, long tokens).
LONG = st.tuples(TEXT, st.integers(1, 300)).map(lambda t: (t[0] * t[1])[:30_000])
ANY_TEXT = st.one_of(TEXT, TEXT, TEXT, LONG)


# Every string of up to three of these characters, with "a" and "B" on either side: the
# interactions of neighbours (CR, a zero-width character, LF) that random text rarely lines up.
_SPECIAL = "aB .'-(,_\t\n\r\x00\x85\x95\xa0\xad\xe9\u0130\u0301\u200b\u2019\u2026\u2028\ufeff\U0001f600"


def _short_strings() -> list[str]:
    from itertools import product

    out = [""]
    for size in (1, 2, 3):
        out.extend("".join(p) for p in product(_SPECIAL, repeat=size))
    return out + [f"a{s}B" for s in out]


SHORT = _short_strings()


def _data_texts() -> list[str]:
    files = sorted(DATA.glob("*.jsonl")) if DATA.is_dir() else []
    if not files:
        pytest.skip(f"{DATA} is absent: the differential tests over the shared data do not run")
    texts = []
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                texts.extend(record[k] for k in ("title", "text") if record.get(k))
    return texts


@pytest.fixture(scope="module")
def data_texts() -> list[str]:
    return _data_texts()


@pytest.fixture(scope="module")
def data_cleaned(data_texts) -> list[str]:
    return [clean_text(t) for t in data_texts]


def test_the_generated_text_covers_every_kind() -> None:
    """Every storage kind comes out of the strategies (a check of the test itself)."""
    from hypothesis import find

    for kind in KINDS:
        found = find(_text_of(kind), lambda t, kind=kind: t and max(map(ord, t)) > {
            "ascii": 0, "latin1": 0x7F, "ucs2": 0xFF, "ucs4": 0xFFFF}[kind])
        assert _fits(found, kind)


# ---------------------------------------------------------------------------------------------
# scan: token ids and lower-case words (dedup.vocabulary.scan_python)


def _scan_both(texts: list[str], slots: int) -> None:
    scan = compiled("scan")
    c_index, c_words, p_index, p_words = {}, [], {}, []
    cache = bytearray(_compiled.SLOT_SIZE * slots)
    for text in texts:
        got = scan(text, c_index, c_words, cache)
        want = vocabulary.scan_python(text, p_index, p_words)
        assert got == want, text
    assert c_words == p_words and c_index == p_index


@DIFF
@given(st.lists(ANY_TEXT, min_size=1, max_size=4), st.sampled_from([1, 4, 1024]))
def test_scan_equals_python(texts: list[str], slots: int) -> None:
    _scan_both(texts, slots)


def test_scan_equals_python_on_the_shared_data(data_texts, data_cleaned) -> None:
    _scan_both(data_texts + data_cleaned, 1 << 16)


# ---------------------------------------------------------------------------------------------
# signatures: MinHash of the token ids of real and generated text


def _signatures_both(texts: list[str], size: int, num_perm: int) -> None:
    kernel = compiled("signatures")
    vocab = vocabulary.Vocabulary()
    arrays = [vocab.ids(t) for t in texts]
    hashes = vocab.hashes()
    minhasher = MinHasher(num_perm=num_perm)
    n = len(arrays)
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=bounds[1:])
    flat = np.concatenate(arrays).astype(np.int32) if n else np.zeros(0, np.int32)
    got = np.empty((n, num_perm), dtype=np.uint32)
    counts = np.empty(n, dtype=np.int64)
    kernel(flat, bounds, np.ascontiguousarray(hashes, dtype=np.uint64), size, minhasher.a,
           minhasher.b, got, counts)
    want, want_counts = fingerprint.document_signatures([hashes[a] for a in arrays], size,
                                                        minhasher)
    assert np.array_equal(got, want)
    assert np.array_equal(counts, want_counts)


@DIFF
@given(st.lists(ANY_TEXT, max_size=6), st.integers(1, 7), st.sampled_from([1, 7, 128]))
def test_signatures_equal_numpy(texts: list[str], size: int, num_perm: int) -> None:
    _signatures_both(texts, size, num_perm)


def test_signatures_equal_numpy_on_the_shared_data(data_cleaned) -> None:
    _signatures_both(data_cleaned, 5, 128)


# ---------------------------------------------------------------------------------------------
# pair_dots: cosines of pairs of TF-IDF rows (dedup.similarity.pair_cosines), bit for bit


def _pair_dots_both(matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> None:
    kernel = compiled("pair_dots")
    got = np.zeros(len(left), dtype=np.float32)
    kernel(matrix.indptr, matrix.indices, matrix.data, matrix.shape[1], left, right, got)
    want = similarity.scipy_pair_cosines(matrix, left, right)
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32)), (got, want)
    assert np.array_equal(similarity.pair_cosines(matrix, left, right).view(np.uint32),
                          want.view(np.uint32))


@st.composite
def _rows_and_pairs(draw):
    """A canonical float32 CSR matrix (empty rows, rows past numpy's 128-value pairwise block,
    values of every scale, zero products) and pairs of its rows in any order, with int32 or
    int64 indices."""
    rows, width = draw(st.integers(1, 12)), draw(st.integers(1, 400))
    density = draw(st.sampled_from([0.0, 0.05, 0.5, 1.0]))
    values = st.floats(0, 1e3, width=32, allow_subnormal=True)
    matrix = sp.random(rows, width, density=density, format="csr", dtype=np.float32,
                       rng=draw(st.integers(0, 2**32 - 1)))
    matrix.data = np.array(draw(st.lists(values, min_size=matrix.nnz, max_size=matrix.nnz)),
                           dtype=np.float32)
    matrix.sort_indices()
    index = draw(st.sampled_from([np.int32, np.int64]))
    matrix.indptr, matrix.indices = matrix.indptr.astype(index), matrix.indices.astype(index)
    pairs = draw(st.lists(st.tuples(st.integers(0, rows - 1), st.integers(0, rows - 1)),
                          max_size=30))
    pairs = np.array(pairs, dtype=draw(st.sampled_from([np.int32, np.int64]))).reshape(-1, 2)
    return matrix, np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1])


@DIFF
@given(_rows_and_pairs())
def test_pair_dots_equal_scipy(case) -> None:
    _pair_dots_both(*case)


def test_pair_dots_equal_scipy_on_the_shared_data(data_cleaned) -> None:
    vocab = vocabulary.Vocabulary()
    counts = similarity.TermCounts(vocab)
    for text in data_cleaned:
        counts.add_ids(np.zeros(0, dtype=np.int32), vocab.ids(text))
    (body,) = similarity.tfidf(counts.matrix())
    rng = np.random.default_rng(0)
    n = body.shape[0]
    left = np.sort(rng.integers(0, n, 20_000))  # sorted by left row, as candidates come
    _pair_dots_both(body, left, rng.integers(0, n, 20_000))
    _pair_dots_both(body, rng.integers(0, n, 2_000), rng.integers(0, n, 2_000))


def test_pair_dots_refuses_rows_and_columns_outside_the_matrix() -> None:
    kernel = compiled("pair_dots")
    matrix = sp.csr_matrix(np.eye(3, dtype=np.float32))
    out = np.zeros(1, dtype=np.float32)
    with pytest.raises(IndexError):
        kernel(matrix.indptr, matrix.indices, matrix.data, 3, np.array([0]), np.array([3]), out)
    with pytest.raises(ValueError, match="width"):
        kernel(matrix.indptr, matrix.indices, matrix.data, 2, np.array([0]), np.array([2]), out)
    with pytest.raises(ValueError, match="lengths"):
        kernel(matrix.indptr, matrix.indices, matrix.data, 3, np.array([0, 1]), np.array([2]),
               out)


# ---------------------------------------------------------------------------------------------
# line_keys: the site-chrome key of every line (dedup.boilerplate.line_key)


def _line_keys_both(text: str) -> None:
    from dedup.boilerplate import line_key

    kernel = compiled("line_keys")
    assert kernel(text, line_key) == [line_key(x) if x else "" for x in text.split("\n")], text


@DIFF
@given(ANY_TEXT)
def test_line_keys_equal_python(text: str) -> None:
    _line_keys_both(text)


def test_line_keys_equal_python_on_the_shared_data(data_texts) -> None:
    for text in data_texts:
        _line_keys_both(text)
        _line_keys_both(normalize_unicode(text))


# ---------------------------------------------------------------------------------------------
# cap_runs, run_parts, name_runs: the event keys' loop over capitalised runs (dedup.events)

_EVENT_KERNELS = ("cap_runs", "run_parts", "name_runs")


def _cap_runs_both(text: str) -> None:
    from dedup import events

    kernel = compiled("cap_runs")
    flat = np.frombuffer(kernel(text, events._OPENER_WORDS), dtype=np.int32).tolist()
    assert list(zip(flat[::2], flat[1::2])) == [m.span() for m in events._CAP_SEQ.finditer(text)]


def _run_parts_both(seqs: list[str]) -> None:
    from dedup import events

    kernel = compiled("run_parts")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(events, "_RUNS", {})
        for seq in seqs:
            got = kernel(seq, events.fold, events._TITLES, events._NOT_NAMES, events._NOT_TITLES,
                         events._ORG_WORDS, events.places(), events._FOLDED)
            want = events._run(seq)
            assert got == (None if want is None else tuple(want)), seq


def _regex_runs(text: str) -> list[str]:
    from dedup import events

    return [m.group() for m in events._CAP_SEQ.finditer(text)]


def _event_keys_both(title: str, body: str, every: bool = True) -> None:
    """extract_event_key with every combination of the three kernels on and off (``every``;
    else all on and all off), the scan's LowerWords and a plain set for the lower-case words:
    all give the pure-Python key."""
    from itertools import product

    from dedup import events

    built = [name for name in _EVENT_KERNELS if getattr(_compiled, name) is not None]
    if not built:
        pytest.skip("no compiled event-key kernel here (not built, or switched off)")
    lower = vocabulary.Vocabulary().scan(body)[1]
    keys = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        combos = list(product((False, True), repeat=len(built)))
        for on in combos if every else [combos[0], combos[-1]]:
            for name, switch in zip(built, on):
                monkeypatch.setattr(events, f"_compiled_{name}",
                                    getattr(_compiled, name) if switch else None)
            for words in (lower, None):
                monkeypatch.setattr(events, "_RUNS", {})
                key = events.extract_event_key(title, body, "2023-05-04", words)
                keys[on, words is None] = (key, key.names, key.place_parents, key.dateline_place)
    want = keys[(False,) * len(built), True]
    assert all(k == want for k in keys.values()), (title, body)


@DIFF
@given(ANY_TEXT)
def test_cap_runs_equal_the_regex(text: str) -> None:
    _cap_runs_both(text)


@DIFF
@given(ANY_TEXT)
def test_run_parts_equal_python(text: str) -> None:
    _run_parts_both([text, *_regex_runs(text)])


@DIFF
@given(ANY_TEXT, ANY_TEXT)
# A one-letter word written in lower case ("n"): the scan's LowerWords hold it, and so must
# lowercase_words, or "N(Goa)" becomes a place only when the caller has no scan.
@example("", "N(Goa)n")
def test_event_keys_equal_python(title: str, body: str) -> None:
    # As the pipeline calls it: on the cleaned title and body.
    _event_keys_both(" ".join(clean_text(title).split()), clean_text(body))


def test_event_keys_equal_python_on_the_shared_data(data_cleaned) -> None:
    from dedup import events

    runs = set()
    for text in data_cleaned:
        lead = text[:events.LEAD_CHARS + 100]
        if _compiled.cap_runs is not None:
            _cap_runs_both(lead)
        runs.update(_regex_runs(lead))
    if _compiled.run_parts is not None:
        _run_parts_both(sorted(runs))
    for title, body in zip(data_cleaned[::2], data_cleaned[1::2]):
        _event_keys_both(" ".join(title.split()), body, every=False)


# ---------------------------------------------------------------------------------------------
# Every short string of special characters, through every text kernel


def test_text_kernels_on_every_short_string() -> None:
    checks = {"scan": lambda t: _scan_both([t], 4), "line_keys": _line_keys_both,
              "cap_runs": _cap_runs_both, "run_parts": lambda t: _run_parts_both([t])}
    ran = [name for name in checks if getattr(_compiled, name) is not None]
    if not ran:
        pytest.skip("no compiled text kernel here (not built, or switched off)")
    failures = {}
    for name in ran:
        for text in SHORT:
            try:
                checks[name](text)
            except AssertionError:
                failures.setdefault(name, []).append(text)
    assert not failures, {k: v[:10] for k, v in failures.items()}



@given(ANY_TEXT)
def test_lowercase_words_are_the_scans_lower_words(text: str) -> None:
    # extract_event_key's fallback (no scan at hand) and the scan's set are one rule.
    from dedup import events

    assert events.lowercase_words(text) == set(vocabulary.Vocabulary().scan(text)[1])
