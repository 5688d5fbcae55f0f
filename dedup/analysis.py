"""The text pass of one document: cleaned, split into title and body, tokenized once into
the corpus vocabulary's ids, its exact-copy key and its event key taken, its publication date
read: everything later stages need, as a small record (:class:`Prepared`) and the token ids
(:class:`Analysis`). The text itself is not kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .boilerplate import strip_site_chrome
from .dates import DateError, parse_published
from .documents import Document, FieldWarning
from .events import EventKey, extract_event_key
from .normalize import TextPass, clean_report, clean_text, first_sentences
from .pickling import plain_state
from .vocabulary import LowerWords, Vocabulary


@plain_state
@dataclass(frozen=True, slots=True)
class Prepared:
    """What the pipeline keeps of one document after the single text pass (no text)."""

    id: str
    title: str
    exact: str
    key: EventKey
    published: str | None = None  # the publication date as read (ISO), see dedup.dates
    source: str | None = None
    warnings: tuple[FieldWarning, ...] = ()
    text: TextRecord | None = None


@plain_state
@dataclass(frozen=True, slots=True)
class TextRecord:
    """What the text pass did to one document: its words (whitespace separated) and the words
    each rule removed, most first (see :mod:`dedup.chrome`; ``site chrome`` is the lines its
    site repeats, :mod:`dedup.boilerplate`)."""

    words: int
    removed: tuple[tuple[str, int], ...] = ()

    @property
    def removed_words(self) -> int:
        return sum(n for _, n in self.removed)

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "removed": self.removed_words,
                "removed_by": dict(self.removed),
                "top_rule": self.removed[0][0] if self.removed else None}

    @classmethod
    def of(cls, done: TextPass, site_words: int = 0) -> TextRecord:
        counts = Counter(done.removed)
        if site_words:
            counts["site chrome"] += site_words
        ranked = sorted(((rule, n) for rule, n in counts.items() if n), key=lambda r: (-r[1], r[0]))
        return cls(done.words, tuple(ranked))


def split_title(doc: Document, cleaned: str) -> tuple[str, str]:
    """Title and body of an article. The loaders find titles (first meaningful line of a text
    file, ``<title>`` of a page); when the text repeats the title as its first line, the body
    starts after it."""
    if not doc.title or not doc.title.strip():
        return "", cleaned
    title = " ".join(clean_text(doc.title).split())
    lines = cleaned.split("\n", 5)  # the first five lines, and the rest in one piece
    for i, line in enumerate(lines[:5]):
        if " ".join(line.lstrip("#").split()) == title:  # a Markdown heading too
            return title, "\n".join(lines[:i] + lines[i + 1:]).strip()
    return title, cleaned


@dataclass
class Analysis:
    """One document's text, analysed once: everything later stages need from it. Tokens are
    ids of ``vocabulary`` (see :mod:`dedup.vocabulary`)."""

    record: Prepared
    ids: np.ndarray
    title_ids: np.ndarray
    lead_ids: np.ndarray
    lower_words: LowerWords
    vocabulary: Vocabulary


def analyse(
    doc: Document, vocabulary: Vocabulary, site_chrome: frozenset[str] = frozenset()
) -> Analysis:
    """Clean, split, tokenize and extract the event key of one document (``site_chrome``: the
    lines its site repeats on most pages, see :mod:`dedup.boilerplate`). New tokens are
    numbered in ``vocabulary``."""
    return analyse_batch([doc], vocabulary, [site_chrome])[0]


def analyse_batch(
    docs: Sequence[Document], vocabulary: Vocabulary,
    site_chrome: Sequence[frozenset[str]] | None = None,
) -> list[Analysis]:
    """:func:`analyse` for several documents, one step at a time over all of them (each step's
    patterns and tables stay in the CPU caches: a third faster than document by document).
    Tokens are numbered in the same order as one document at a time."""
    chrome = site_chrome or [frozenset()] * len(docs)
    split, texts = [], []
    for doc, own in zip(docs, chrome):
        done = clean_report(doc.text)
        body, site_words = strip_site_chrome(done.text, own)
        split.append(split_title(doc, body))
        texts.append(TextRecord.of(done, site_words))
    scanned = []
    for title, body in split:
        title_ids = vocabulary.ids(title)
        ids, lower = vocabulary.scan(body)
        # Headline and lead sentence: where news says what happened, to whom, where.
        lead_ids = vocabulary.ids(first_sentences(body[:600], 1))
        scanned.append((title_ids, ids, lower, lead_ids))
    # The same words in the same order: one key. Token hashes are stable across runs. All
    # documents' hashes are gathered at once; each key hashes its own slice of them.
    hashes = vocabulary.hashes()
    parts = [part for title_ids, ids, _, _ in scanned for part in (title_ids, ids)]
    ends = np.cumsum([len(t) + len(i) for t, i, _, _ in scanned], dtype=np.int64)
    stream = memoryview(hashes[np.concatenate(parts)].tobytes() if parts else b"")
    out = []
    start = 0
    for doc, (title, body), (title_ids, ids, lower, lead_ids), end, text in zip(
        docs, split, scanned, (ends * hashes.itemsize).tolist(), texts
    ):
        exact = hashlib.blake2b(stream[start:end], digest_size=16).hexdigest()
        start = end
        published, warnings = read_published(doc)
        key = extract_event_key(title, body, published, lower)
        record = Prepared(
            doc.id, title, exact, key, published and published.isoformat(), doc.source, warnings,
            text,
        )
        out.append(Analysis(record, ids, title_ids, lead_ids, lower, vocabulary))
    return out


def read_published(doc: Document) -> tuple[dt.date | None, tuple[FieldWarning, ...]]:
    """The publication date of a document, and the warning when its value cannot be read."""
    if doc.published is None:
        return None, ()
    try:
        return parse_published(doc.published), ()
    except DateError as exc:
        return None, (FieldWarning(doc.id, "published", doc.published, str(exc)),)


def prepare(doc: Document) -> Prepared:
    """The record the pipeline keeps of one document."""
    return analyse(doc, Vocabulary()).record
