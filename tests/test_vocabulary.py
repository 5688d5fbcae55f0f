"""The token scan: compiled and Python versions agree, and both match the shared tokenizer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import _compiled, vocabulary
from dedup.normalize import _WORD, tokenize
from dedup.vocabulary import Vocabulary, scan_python


def tokenize_cased(text: str) -> tuple[list[str], set[str]]:
    """The tokenizer's tokens and the set of words the text writes in lower case, as the
    pipeline found them before the token scan (the scans' reference)."""
    raw = _WORD.findall(text)
    if not raw:
        return [], set()
    tokens = " ".join(raw).lower().split(" ")
    if len(tokens) != len(raw):  # a case mapping that changes word boundaries: rescan
        tokens = tokenize(text)
    return tokens, set(raw).intersection(tokens)


SCANS = [pytest.param(scan_python, id="python")]
if _compiled.COMPILED:
    SCANS.append(pytest.param(vocabulary._compiled_scan, id="compiled"))

# Letters of several scripts, digits, the joiners ' . - and separators, so that tokens start,
# join and end in every way the tokenizer allows.
TEXT = st.text(
    alphabet=st.sampled_from(list("aZé9 .'-_\n,İΣσßﬁ٣中Ωx")) | st.characters(), max_size=60
)


def run(scan, text: str, index: dict[str, int] | None = None, words: list[str] | None = None,
        cache: bytearray | None = None):
    index = {} if index is None else index
    words = [] if words is None else words
    ids, lower = scan(text, index, words) if cache is None else scan(text, index, words, cache)
    lower_ids = np.frombuffer(lower, np.int32).tolist()
    assert lower_ids == sorted(set(lower_ids))  # each id once, increasing
    return np.frombuffer(ids, np.int32).tolist(), {words[i] for i in lower_ids}, words


@pytest.mark.parametrize("scan", SCANS)
def test_scan_numbers_tokens_in_order_of_first_sight(scan) -> None:
    ids, lower, words = run(scan, "The U.S. e-mail said: the don't -- x_y Ünïcode 3.5 the")
    assert words == ["the", "u.s", "e-mail", "said", "don't", "x", "y", "ünïcode", "3.5"]
    assert ids == [0, 1, 2, 3, 0, 4, 5, 6, 7, 8, 0]
    # "The", "U.S." and "Ünïcode" are not written in lower case; "the" and "3.5" are.
    assert lower == {"the", "e-mail", "said", "don't", "x", "y", "3.5"}


@pytest.mark.parametrize("scan", SCANS)
def test_scan_extends_an_existing_vocabulary(scan) -> None:
    index, words = {"news": 0}, ["news"]
    ids, _, words = run(scan, "Breaking news", index, words)
    assert ids == [1, 0]
    assert words == ["news", "breaking"]
    assert index == {"news": 0, "breaking": 1}


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_scans_agree_with_the_tokenizer(text: str) -> None:
    tokens, lower_words = tokenize_cased(text)
    for param in SCANS:
        scan = param.values[0]
        ids, lower, words = run(scan, text)
        assert [words[i] for i in ids] == text_tokens(text)
        assert lower == lower_words
        assert len(ids) == len(tokens)


def text_tokens(text: str) -> list[str]:
    """The tokens as the scan defines them: each word found, lower-cased on its own."""
    return [w.lower() for w in _WORD.findall(text)]


ASCII_TEXT = st.text(alphabet=st.sampled_from(list("abAB .'-_\n0")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT | ASCII_TEXT, max_size=6), st.sampled_from([None, 1, 4, 1024]))
def test_compiled_and_python_vocabularies_grow_alike(texts: list[str], slots: int | None) -> None:
    """Also with the compiled scan's token cache, from one slot (every token collides) up."""
    if not _compiled.COMPILED:
        pytest.skip("dedup._scan is not built here")
    cache = None if slots is None else bytearray(_compiled.SLOT_SIZE * slots)
    a_index, a_words, b_index, b_words = {}, [], {}, []
    for text in texts * 2:  # the second time round, tokens are found in the cache
        assert run(scan_python, text, a_index, a_words)[:2] == run(
            vocabulary._compiled_scan, text, b_index, b_words, cache
        )[:2]
    assert a_words == b_words and a_index == b_index


def test_compiled_scan_rejects_a_cache_that_is_not_a_power_of_two() -> None:
    if not _compiled.COMPILED:
        pytest.skip("dedup._scan is not built here")
    with pytest.raises(ValueError, match="power of two"):
        vocabulary._compiled_scan("text", {}, [], bytearray(3 * _compiled.SLOT_SIZE))
    with pytest.raises(BufferError):
        vocabulary._compiled_scan("text", {}, [], b"\0" * _compiled.SLOT_SIZE)  # read-only


def test_vocabulary_cache_grows_with_the_vocabulary() -> None:
    v = Vocabulary()
    text = " ".join(f"w{i}" for i in range(3000))
    first = v.ids(text)
    again = v.ids(text)
    assert first.tolist() == again.tolist() == list(range(3000))
    assert v.tokens(again[:2]) == ["w0", "w1"]


def test_vocabulary_facts_follow_its_growth() -> None:
    v = Vocabulary()
    first = v.ids("Leaders met in Goa")
    assert v.tokens(first) == ["leaders", "met", "in", "goa"]
    hashes = v.hashes()
    assert len(hashes) == 4 and len(set(hashes.tolist())) == 4
    assert v.content().tolist() == [True, True, False, True]  # "in" is a stop word
    v.ids("Leaders met officials in 2023")
    assert len(v.hashes()) == len(v) == 6
    assert v.hashes()[:4].tolist() == hashes.tolist()  # ids keep their hashes
    assert v.content().tolist()[4:] == [True, False]  # a number is not a content term


def test_long_and_short_tokens_found_again_through_the_cache() -> None:
    v = Vocabulary()
    text = "Antidisestablishmentarianism short x " * 3 + "antidisestablishmentarianisms"
    ids = v.ids(text).tolist()
    assert ids == [0, 1, 2] * 3 + [3]
    assert v.tokens(np.array(ids[:4])) == [
        "antidisestablishmentarianism", "short", "x", "antidisestablishmentarianism"
    ]


def test_lower_words_is_a_set_of_the_words_written_in_lower_case() -> None:
    v = Vocabulary()
    _, lower = v.scan("The cat saw THE Dog and the dog ran")
    assert set(lower) == {"the", "cat", "saw", "and", "dog", "ran"} and len(lower) == 6
    assert "dog" in lower and "the" in lower
    assert "goa" not in lower and 3 not in lower  # unknown words, anything else
    _, lower = v.scan("Goa, the Dog")
    assert set(lower) == {"the"} and "dog" not in lower and "goa" not in lower
    assert lower.lookup[0] is v.index and lower.lookup[1] is lower.ids


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT, max_size=8), TEXT)
def test_a_warmed_vocabulary_scans_as_a_cold_one(seen: list[str], text: str) -> None:
    """warm() fills the scan's cache with the tokens a restored vocabulary holds: the
    vocabulary does not change (even where a lower-cased token does not scan as itself),
    and later scans give the ids a vocabulary without it gives."""
    original = Vocabulary()
    for t in seen:
        original.scan(t)
    restored = Vocabulary()
    for word in original.words:
        restored.add(word)
    restored.warm()
    assert restored.words == original.words
    ids, lower = restored.scan(text)
    expected_ids, expected_lower = original.scan(text)
    assert ids.tolist() == expected_ids.tolist()
    assert lower.ids.tolist() == expected_lower.ids.tolist()
    assert restored.words == original.words


def test_warm_forgets_the_tokens_a_lowered_word_splits_into() -> None:
    """"aİb" lowers to "ai̇b" (a combining dot), which scans as "ai" and "b": warming a
    vocabulary holding it must not number them."""
    original = Vocabulary()
    original.scan("aİb Istanbul")
    restored = Vocabulary()
    for word in original.words:
        restored.add(word)
    restored.warm()
    assert restored.words == original.words
    assert restored.scan("Istanbul aİb")[0].tolist() == original.scan("Istanbul aİb")[0].tolist()
