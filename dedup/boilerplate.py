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


def page_keys(doc: Document) -> set[str]:
    """The distinct :func:`line_key` of a page's lines (unicode variants folded first, no
    pattern-based cleaning: lines the patterns remove may be learned too, harmlessly)."""
    keys = set(line_keys(normalize_unicode(doc.text)))
    keys.discard("")
    return keys


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


class SiteChrome:
    """Each source's chrome, learned from its pages as they arrive: the one rule of this
    module, for the batch run (every page counted first, :func:`learn_site_chrome`) and for
    the crawler index (each page counted as it is added).

    Per source it keeps the number of pages, per line key the pages holding it, and the keys
    that are chrome now (kept up to date page by page: only the new page's keys can join, and
    only keys already in can leave as the page count grows). A source with many pages would
    keep every distinct line it ever printed, so when its page count doubles (from 64 on), the
    keys held by fewer than a tenth of its pages are forgotten: such a line can become chrome
    again only by appearing on most of the pages that follow, and then it is counted again. Up
    to 64 pages nothing is forgotten, and a line that is chrome once all pages are in was on
    far more than a tenth of them at each doubling before, so the chrome learned this way is
    the batch learner's.
    """

    PRUNE_FROM = 64
    PRUNE_SHARE = 0.1

    def __init__(self, *, min_pages: int = MIN_PAGES, share: float = SHARE) -> None:
        self.min_pages = min_pages
        self.share = share
        self._pages: Counter[str] = Counter()
        self._lines: dict[str, Counter[str]] = {}
        self._chrome: dict[str, frozenset[str]] = {}
        self._pruned_at: dict[str, int] = {}

    def _need(self, pages: int) -> float:
        return max(self.min_pages, self.share * pages)

    def add(self, doc: Document, *, count: bool = True) -> frozenset[str]:
        """Count the lines of ``doc`` for its source (unless ``count`` is False: then the
        learner is left as it was) and return its source's chrome as it is with ``doc`` in."""
        source = source_of(doc)
        if source is None:
            return frozenset()
        try:
            keys = page_keys(doc)
        except Exception:  # a bug on one page: it teaches nothing; its analysis reports it
            return self.chrome(source)
        return self.count(source, keys, count=count)

    def count(self, source: str, keys: set[str], *, count: bool = True) -> frozenset[str]:
        """:meth:`add` for a page given as its source and its :func:`page_keys`."""
        lines = self._lines.setdefault(source, Counter())
        pages = self._pages[source] + 1
        need = self._need(pages)
        old = self._chrome.get(source, frozenset())
        chrome = frozenset(
            k for k in old | keys if lines.get(k, 0) + (k in keys) >= need
        )
        if not count:
            return chrome
        self._pages[source] = pages
        lines.update(keys)
        self._chrome[source] = chrome
        if pages >= self.PRUNE_FROM and pages >= 2 * self._pruned_at.get(source, 0):
            floor = self.PRUNE_SHARE * pages
            self._lines[source] = Counter({k: c for k, c in lines.items() if c >= floor})
            self._pruned_at[source] = pages
        return chrome

    def pages(self, source: str) -> int:
        """How many pages of ``source`` were counted."""
        return self._pages[source]

    def chrome(self, source: str) -> frozenset[str]:
        """The lines that are ``source``'s chrome now."""
        return self._chrome.get(source, frozenset())

    def state(self) -> tuple[list[tuple[str, int, int]], list[tuple[str, str, int]]]:
        """What a saved index keeps: (source, pages, pruned at) rows and (source, line key,
        pages) rows."""
        sites = [(s, n, self._pruned_at.get(s, 0)) for s, n in sorted(self._pages.items())]
        lines = [(s, k, c) for s, counts in sorted(self._lines.items()) for k, c in counts.items()]
        return sites, lines

    def restore(self, sites: Iterable[tuple[str, int, int]],
                lines: Iterable[tuple[str, str, int]]) -> None:
        """Take back a :meth:`state` (the chrome of each source follows from the counts)."""
        for source, pages, pruned_at in sites:
            self._pages[source] = pages
            self._pruned_at[source] = pruned_at
        for source, key, pages in lines:
            self._lines.setdefault(source, Counter())[key] = pages
        for source, pages in self._pages.items():
            need = self._need(pages)
            counts = self._lines.get(source, Counter())
            self._chrome[source] = frozenset(k for k, c in counts.items() if c >= need)

    def all(self) -> dict[str, frozenset[str]]:
        """Every source's chrome, for the sources that have some."""
        return {source: lines for source, lines in self._chrome.items() if lines}


def learn_site_chrome(
    documents: Iterable[Document], *, min_pages: int = MIN_PAGES, share: float = SHARE
) -> dict[str, frozenset[str]]:
    """Per source, the lines repeated on most of its pages (all pages counted, then read)."""
    learner = SiteChrome(min_pages=min_pages, share=share)
    for doc in documents:
        learner.add(doc)
    return learner.all()


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
