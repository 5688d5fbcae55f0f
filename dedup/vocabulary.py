"""Tokens as numbers: every distinct lower-cased token gets an id, once, for the whole corpus.

The text pass turns each article into an array of token ids in one scan (compiled where
``dedup._scan`` was built, else the same function in Python). Every later stage reads those
ids: MinHash shingles gather each token's stable hash from an array, term counts are counted
over ids, and nothing keeps a list of token strings per article.

A token is what :data:`dedup.normalize._WORD` finds, lower-cased with ``str.lower``; the scan
also says which tokens the text itself writes in lower case (a capitalised word also written
so is a common word, not a name).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Set

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ._compiled import SLOT_SIZE as _SLOT
from ._compiled import scan as _compiled_scan
from .fingerprint import token_hash
from .normalize import _WORD

_STOP = ENGLISH_STOP_WORDS | {"said", "says", "told", "mr", "mrs", "ms", "just"}


def is_content_term(token: str) -> bool:
    """A term TF-IDF counts (:mod:`dedup.similarity`): not a stop word, a single character or
    a number. The vocabulary marks each token once, when it is numbered."""
    return token not in _STOP and len(token) > 1 and not token.isdigit()


def scan_python(
    text: str, index: dict[str, int], words: list[str], cache: bytearray | None = None
) -> tuple[bytes, bytes]:
    """The token scan in Python: token ids, and the ids of the tokens the text writes in lower
    case (each once, increasing), as int32 bytes; new tokens are added to ``index``/``words``
    (the reference the compiled ``dedup._scan.scan`` must equal; ``cache`` is the compiled
    scan's and is not used)."""
    raw = _WORD.findall(text)
    ids = [_number(index, words, word.lower()) for word in raw]
    lower = sorted({i for i, word in zip(ids, raw) if word == word.lower()})
    return np.array(ids, dtype=np.int32).tobytes(), np.array(lower, dtype=np.int32).tobytes()


def _number(index: dict[str, int], words: list[str], word: str) -> int:
    """The id of ``word`` in ``index``/``words``, numbering it next if new."""
    found = index.get(word)
    if found is None:
        found = index[word] = len(words)
        words.append(word)
    return found


_scan = _compiled_scan or scan_python
_MAX_CACHE = _SLOT << 20  # a million slots of the compiled scan's cache


class Vocabulary:
    """Lower-cased tokens numbered in order of first sight, with per-token arrays."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.words: list[str] = []
        self._hashes = np.zeros(0, dtype=np.uint64)
        self._content = np.zeros(0, dtype=bool)
        self._known = 0  # tokens whose hash and content flag are computed
        self._cache = bytearray(_SLOT * 1024)  # the compiled scan's token cache

    def __len__(self) -> int:
        return len(self.words)

    def scan(self, text: str) -> tuple[np.ndarray, LowerWords]:
        """Token ids of ``text`` (int32) and the tokens the text writes in lower case."""
        if 2 * len(self.words) > len(self._cache) // _SLOT and len(self._cache) < _MAX_CACHE:
            self._cache = bytearray(2 * len(self._cache))  # larger, empty: it refills
        ids, lower = _scan(text, self.index, self.words, self._cache)
        return np.frombuffer(ids, dtype=np.int32), LowerWords(self, np.frombuffer(lower, np.int32))

    def warm(self) -> None:
        """Fill the compiled scan's token cache with every token numbered, at its full size
        for them: a vocabulary restored from a saved index starts with an empty cache, and
        the first texts scanned would each look most of their tokens up in the dictionary
        (a crawler's first adds after a restart). Ids do not change."""
        if _compiled_scan is None or not self.words:
            return
        slots = len(self._cache) // _SLOT
        while 2 * len(self.words) > slots and slots * _SLOT < _MAX_CACHE:
            slots *= 2
        if slots * _SLOT != len(self._cache):
            self._cache = bytearray(slots * _SLOT)
        size = len(self.words)
        _scan(" ".join(self.words), self.index, self.words, self._cache)
        if len(self.words) != size:  # a token that does not scan as itself: forget it all
            self._forget(size)
            self._cache = bytearray(len(self._cache))

    def _forget(self, size: int) -> None:
        """Forget the tokens numbered ``size`` and after (not those the cache may hold: the
        caller empties or replaces the cache)."""
        for word in self.words[size:]:
            del self.index[word]
        del self.words[size:]
        self._known = min(self._known, size)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[None]:
        """Within the block, tokens are numbered as usual; after it, the tokens it numbered
        are forgotten (for a look that must change nothing, such as the crawler index's
        ``check``). The block scans with a cache of its own, so the main cache never holds
        an id that is forgotten."""
        size, cache = len(self.words), self._cache
        self._cache = bytearray(_SLOT * 1024)
        try:
            yield
        finally:
            self._forget(size)
            self._cache = cache

    def ids(self, text: str) -> np.ndarray:
        """Token ids of ``text``."""
        return self.scan(text)[0]

    def add(self, word: str) -> int:
        """The id of ``word`` (a lower-cased token), numbering it if new."""
        return _number(self.index, self.words, word)

    def add_all(self, words: list[str]) -> np.ndarray:
        """The ids of ``words`` (int32), numbering the new ones in the order given (as
        :meth:`add` one at a time, at a dictionary lookup a word for the known ones)."""
        found = list(map(self.index.get, words))
        if None in found:
            add = self.add
            found = [add(w) if i is None else i for w, i in zip(words, found)]
        return np.array(found, dtype=np.int32)

    def tokens(self, ids: np.ndarray) -> list[str]:
        """The token strings of ``ids``."""
        words = self.words
        return [words[i] for i in ids.tolist()]

    def hashes(self) -> np.ndarray:
        """Stable 32-bit hash of every token, indexed by id (as uint64, for shingle mixing)."""
        self._grow()
        return self._hashes[:self._known]

    def content(self) -> np.ndarray:
        """Whether each token is a content term (TF-IDF counts only those), indexed by id."""
        self._grow()
        return self._content[:self._known]

    def _grow(self) -> None:
        """Compute the per-token facts of the tokens numbered since the last call (arrays grow
        by doubling, so this is amortised constant time per token)."""
        known, size = self._known, len(self.words)
        if known == size:
            return
        if size > len(self._hashes):
            capacity = max(size, 2 * len(self._hashes), 1024)
            hashes = np.zeros(capacity, dtype=np.uint64)
            content = np.zeros(capacity, dtype=bool)
            hashes[:known], content[:known] = self._hashes[:known], self._content[:known]
            self._hashes, self._content = hashes, content
        new = self.words[known:size]
        self._hashes[known:size] = [token_hash(w) for w in new]
        self._content[known:size] = [is_content_term(w) for w in new]
        self._known = size


class LowerWords(Set[str]):
    """The words one text writes in lower case, held as the sorted ids of a
    :class:`Vocabulary` rather than a str per word. A set for ``in``, ``len`` and iteration
    (words); ``lookup`` is the (index, ids) pair the compiled name loop reads directly."""

    __slots__ = ("_words", "ids", "lookup")

    def __init__(self, vocabulary: Vocabulary, ids: np.ndarray) -> None:
        self._words = vocabulary.words
        self.ids = ids
        self.lookup = (vocabulary.index, ids)

    def __contains__(self, word: object) -> bool:
        found = self.lookup[0].get(word)  # type: ignore[call-overload]
        if found is None:
            return False
        k = int(self.ids.searchsorted(found))
        return k < len(self.ids) and int(self.ids[k]) == found

    def __iter__(self) -> Iterator[str]:
        words = self._words
        return (words[i] for i in self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)
