"""Site chrome learned from the corpus: lines that most pages of one source repeat.

Patterns (:mod:`dedup.normalize`) catch the chrome every site shares ("ADVERTISEMENT",
"Leave a Comment"). Each site also has its own: "Daily Herald is now on WhatsApp", a menu, a
staff byline, a disclaimer. Such lines repeat on most pages of that site, whatever the story;
left in, they make two different stories of one site look alike. A line counts as a source's
chrome when it appears on at least ``min_pages`` of its pages and on at least ``share`` of them.
Lines are compared per source (the ``source`` field, else the host of the ``url``), never across
sources: a wire story carried by many sites repeats its paragraphs across sources, and those are
the story, not chrome. Documents with neither source nor url learn nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlsplit

from ._compiled import line_keys as _compiled_line_keys
from .documents import Document
from .normalize import normalize_unicode

MIN_PAGES = 3
SHARE = 0.5


def source_of(doc: Document) -> str | None:
    """The site a document comes from: its ``source``, else the host of its ``url``."""
    if doc.source and doc.source.strip():
        return doc.source.strip().casefold()
    if doc.url:
        host = urlsplit(doc.url).hostname
        if host:
            return host.removeprefix("www.")
    return None


# Every ASCII character that is not a letter or digit becomes a space.
_NOT_ALNUM = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalnum()})


def line_key(line: str) -> str:
    """A line as compared across pages: its letters and digits, case-folded, one space between
    runs (str.translate on ASCII text is one C pass; this runs on every line of every page)."""
    return " ".join(line.lower().translate(_NOT_ALNUM).split())


def line_keys(text: str) -> list[str]:
    """:func:`line_key` of every line of ``text`` (``""`` for an empty one), compiled for
    ASCII lines where ``dedup._scan`` is built."""
    if _compiled_line_keys is not None:
        return _compiled_line_keys(text, line_key)
    return [line_key(line) if line else "" for line in text.split("\n")]


def learn_site_chrome(
    documents: Iterable[Document], *, min_pages: int = MIN_PAGES, share: float = SHARE
) -> dict[str, frozenset[str]]:
    """Per source, the lines repeated on most of its pages."""
    pages: Counter[str] = Counter()
    lines: dict[str, Counter[str]] = {}
    for doc in documents:
        source = source_of(doc)
        if source is None:
            continue
        # Unicode variants folded, no pattern-based cleaning: lines that the patterns remove
        # may be learned too, harmlessly (they are gone before site chrome is looked for).
        try:
            keys = set(line_keys(normalize_unicode(doc.text)))
        except Exception:  # a bug on one page: it teaches nothing; its analysis reports it
            continue
        pages[source] += 1
        keys.discard("")
        lines.setdefault(source, Counter()).update(keys)
    chrome: dict[str, frozenset[str]] = {}
    for source, counts in lines.items():
        need = max(min_pages, share * pages[source])
        repeated = frozenset(k for k, c in counts.items() if c >= need)
        if repeated:
            chrome[source] = repeated
    return chrome


def strip_site_chrome(cleaned: str, chrome: frozenset[str]) -> tuple[str, int]:
    """``cleaned`` without the lines that are its site's chrome, and the words they had."""
    if not chrome:
        return cleaned, 0
    kept, removed = [], 0
    for line, key in zip(cleaned.split("\n"), line_keys(cleaned)):
        if line and key in chrome:
            removed += len(line.split())
        else:
            kept.append(line)
    return "\n".join(kept), removed
