"""Web pages (``.html``, ``.htm``): the bytes of one HTML page -> a :class:`~dedup.Document`, or
why not.

The article is found by `trafilatura <https://trafilatura.readthedocs.io/>`_, a maintained,
generic main-text extractor: it keeps the story and leaves out what a page puts around it
(navigation, cookie banners, share bars, newsletter boxes, "trending" and "read more" lists,
teaser cards, reader comments, footers), and it reads the page's metadata: headline, site name,
address, and the *original* publication date (``datePublished`` in meta tags or JSON-LD, through
htmldate; an "Updated:" date is not the publication date).

Page furniture whose markup says nothing about it is taken out whatever the extractor, by
generic rules (no site's names or class names; :func:`_drop_comment_threads`,
:func:`_drop_link_lists`, :func:`_drop_link_lines`):

* reader comments, found by their shape, not their class names: two or more sibling elements
  of one tag that each hold a short text of their own saying when or who wrote it ("2 hours
  ago", "Yesterday", "SandraK says:", "wrote (3 days ago):") and a comment's worth of text;
* lines that point to other pages: mostly the text of a link ("Read also: <headline>"), three
  links of three words or more (a list of teasers with snippets), or starting with a link
  after a bullet or in a run of such lines ("• <headline> - <snippet>");
* bylines with their time stamp ("By Jane Roe -- July 24, 2016 -- Updated: ..."): the
  reporter is not a person of the story, and two stories of one reporter were linked by it;
* lists of links (a ``<ul>``/``<ol>``, 80 % link text) with a short heading before them, and
  the heading of a comment thread or of lines that point elsewhere ("Reader comments (4)");
* a first line that is the headline (the ``title`` field holds it).

Where trafilatura finds no article text (text in ``<div>``/``<br>`` or table layouts, pages
drawn by JavaScript, very short pages), it is asked again with the page read as blocks
(layout tables as ``<div>`` elements, ``<br><br>`` paragraphs as ``<p>``: :func:`_unwrap_layout`;
extractor ``"layout"``); then two fallbacks that come with it are tried in turn:

1. jusText, called as trafilatura calls it (its boilerplate classifier: paragraphs by length,
   stopword and link density), unless the page's JSON-LD holds an ``articleBody``;
2. trafilatura's :func:`trafilatura.baseline`: the JSON-LD ``articleBody``, ``<article>``
   elements, paragraphs, else the page's whole visible text, less the text of its links
   (menus, link lists). That last resort would take a page of menus for an article, so it is
   kept only with a line of prose (see :func:`has_prose`).

Otherwise the page is skipped, with a reason that says what it held.

trafilatura (and lxml, htmldate) are imported on the first page, not with this module, so that
``dedup --help`` and runs without HTML stay fast.
"""

from __future__ import annotations

import codecs
import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from dedup.documents import Document, Skipped
from dedup.loaders.decode import REASON_BINARY, REASON_NO_WORDS, read_file
from dedup.loaders.walk import Item, Run, Source
from dedup.normalize import is_chrome_line

__all__ = ["Page", "extract_page", "has_prose", "read_html"]

# Skip reasons of web pages (tests rely on the wording); those of every reader are in decode.
REASON_NO_HTML_TEXT = "no article text in HTML"
REASON_NO_VISIBLE_TEXT = f"{REASON_NO_HTML_TEXT} (the page shows no text: only scripts, styles or markup)"
REASON_NOT_HTML = "cannot parse HTML (no document found in the file)"

# How trafilatura is asked, chosen with `python -m benchmarks.webpages` (2,440 pages of four
# site templates; README, "Web pages"):
# * favor_precision=True, fast=True: trafilatura's own extractor only. Its default "balanced"
#   mode also compares readability's and jusText's output and, when the text is short, hands
#   the raw page to its baseline, which dumps menus and banners into the text (a page of only
#   navigation came back as "Home | News | Sport"). Measured: stray lines 636 (balanced 1,264),
#   links between different stories made by template text 0 (balanced 6), pairwise F1 0.844,
#   as from the same articles as JSONL (balanced 0.817), 5 ms a page (balanced 7.5 ms in the
#   same run). Without fast=True (precision alone: F1 0.830), readability took the "Read more"
#   list of other stories for the article on ten one-paragraph pages. The fallbacks for pages
#   where it finds nothing are called here (above), and checked.
# * include_tables=False: on a page laid out in a <table> trafilatura took the layout for a
#   data table and returned the whole page, menus and comments included, as table rows (a
#   held-out template: pairwise F1 0.705 against 0.819 from JSONL; 0.771 without tables, with
#   the jusText fallback). A table inside a story is mostly figures, which matter little here.
# * include_comments=False: reader comments are not the article.
# * deduplicate=False: trafilatura's duplicate filter keeps a cache across calls, so a
#   paragraph seen on an earlier page would vanish from a later one; copies are dedup's job.
# * no links, images or formatting: plain text is what the pipeline reads.
# * dates (htmldate): original_date, not the modification date; extensive_search=False, so that
#   a page without date metadata gets no date from a copyright line ("© 2023" became
#   2023-01-01) or from the story's own text; bylines ("Posted May 4, 2016") are still read.
_DATES: dict[str, Any] = {"original_date": True, "extensive_search": False}
_OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "favor_precision": True,
    "fast": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
    "date_extraction_params": _DATES,
}

# A line of prose has at least this many words (a menu item, a button or a label has fewer).
PROSE_WORDS = 6
_WORD = re.compile(r"[^\W_]+")
_LIST_SEPARATORS = re.compile(r"\s*[|•·»›]\s*")
_COPYRIGHT = re.compile(r"(?i)^(?:©|\(c\)|copyright\b)|all rights reserved")
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ALLOWED_CONTROLS = frozenset(b"\t\n\r\f\v")


@dataclass(frozen=True)
class Page:
    """What one web page gives: the article text and its metadata (``None`` where unknown).

    ``published`` is the original publication date as ``YYYY-MM-DD``; ``extractor`` says which
    extraction gave the text: ``"trafilatura"``, ``"layout"`` (trafilatura on the page read as
    blocks), ``"justext"`` or ``"baseline"``.
    """

    text: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    extractor: str


def read_html(source: Source, run: Run) -> Iterator[Item]:
    """A web page: one article."""
    data = read_file(source.path, source.shown)
    if isinstance(data, Skipped):
        yield data
        return
    item = _html_document(data, source.id, source.shown)
    yield run.accept(item, source.shown) if isinstance(item, Document) else item


def _html_document(data: bytes, doc_id: str, shown: str) -> Item:
    """A web page: the article text and metadata that :func:`extract_page` finds, or why not."""
    page = extract_page(data)
    if isinstance(page, str):
        return Skipped(shown, page)
    return Document(doc_id, page.text, page.title, page.published, page.source, page.url, {})


def extract_page(data: bytes) -> Page | str:
    """The article of one HTML page, or the reason (a plain sentence) why there is none.

    Never raises for what the page holds: markup that trafilatura or lxml cannot handle
    becomes a reason too.
    """
    if _looks_binary(data):
        return REASON_BINARY
    try:
        return _extract(data)
    except Exception as exc:  # noqa: BLE001 - a bad page is skipped, never fatal
        return f"cannot extract text from HTML ({type(exc).__name__})"


def has_prose(text: str, links: frozenset[str] = frozenset()) -> bool:
    """True when some line is prose: at least :data:`PROSE_WORDS` words, not the text of a link
    (``links``: menus, teasers, "trending" lists are links), not a list of short items
    ("Home | News | Sport"), not a copyright notice, not site chrome
    (:func:`dedup.normalize.is_chrome_line`).
    A text with no spaces between words (Chinese, Japanese, Thai) counts by characters."""
    for line in text.split("\n"):
        line = " ".join(line.split())
        words = _WORD.findall(line)
        long_run = any(len(word) >= 4 * PROSE_WORDS for word in words)
        if (len(words) < PROSE_WORDS and not long_run) or line in links:
            continue
        parts = [part for part in _LIST_SEPARATORS.split(line) if part.strip()]
        if len(parts) >= 3 and all(len(part.split()) <= 3 for part in parts):
            continue
        if not _COPYRIGHT.search(line) and not is_chrome_line(line):
            return True
    return False


def _extract(data: bytes) -> Page | str:
    import trafilatura  # lazy: lxml, htmldate and dateparser take a while to import

    tree = _parse(data)
    if tree is None:
        return REASON_NOT_HTML
    anchors = _anchor_texts(tree)
    _drop_comment_threads(tree)
    _drop_link_lists(tree)
    found = trafilatura.bare_extraction(tree, **_OPTIONS)
    text = _clean(found.text) if found is not None and found.text else ""
    extractor, meta = "trafilatura", found
    if not text and _unwrap_layout(tree):  # tables and <br><br> paragraphs: read as blocks
        again = trafilatura.bare_extraction(tree, **_OPTIONS)
        text = _clean(again.text) if again is not None and again.text else ""
        extractor, meta = "layout", meta or again
    if not text and not _json_ld_has_body(tree):  # else baseline reads that articleBody first
        text, extractor = _justext(tree), "justext"
    if not text:
        _, fallback, _ = trafilatura.baseline(tree)
        links = _link_texts(tree)
        text, extractor = _clean(fallback, drop=links), "baseline"
        if not text:
            return REASON_NO_VISIBLE_TEXT if not fallback.strip() else _no_prose(fallback)
        if not _WORD.search(text):
            return REASON_NO_WORDS
        if not has_prose(text, links):
            return _no_prose(text)
    if meta is None:
        meta = trafilatura.extract_metadata(tree, date_config=dict(_DATES))
    title = _field(meta, "title")
    if not _WORD.search(text):
        return REASON_NO_WORDS
    kept = _without_headline(_drop_link_lines(text, anchors), title)
    if not _WORD.search(kept):  # only pointers to other pages and bylines
        return _no_prose(text)
    text = kept
    return Page(
        text=text,
        title=title,
        published=_json_ld_published(tree) or _field(meta, "date"),
        source=_field(meta, "sitename"),
        url=_field(meta, "url"),
        extractor=extractor,
    )


# ---------------------------------------------------------------- generic page furniture
# Reader comments: an item of a comment thread carries, as a short text of its own, when it
# was written ("2 hours ago", "Yesterday", "March 3, 2016 at 4:12 pm") or who wrote it
# ("SandraK says:", "SandraK wrote (2 hours ago):"). A story's paragraph can say "two hours
# ago", but not as a text of a few words on its own.
_STAMP = re.compile(
    r"""^(?!.*\b(?:updated|published|modified)\b)  # a byline's time stamp is the page's
    (?:[-–•·(\[]*\s*(?:.{1,40}\s)?(?:(?:wrote|writes|says|said|commented|replied)\b\s*)?
      [(\[]?\s*(?:
        (?:\d+|an?|one)\s+(?:sec(?:ond)?|min(?:ute)?|h(?:ou)?r|day|week|month|year)s?\s+ago
      | just\s+now | yesterday | today
      | [a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4},?\s+at\s+\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?
      )\s*[)\]]?\s*:?
    | (?:.{1,40}\s)?(?:says|wrote|writes):)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_STAMP_WORDS = 8
_HEADING_WORDS = 6
_COMMENT_WORDS = 150


def _text_counts(tree: Any) -> dict[Any, tuple[int, int, bool]]:
    """Per element, in one pass from the leaves up: the words of its text (its own and that of
    every element inside it; scripts and styles hold none), the words of those of its texts
    that are time stamps (:data:`_STAMP`, each text node apart), and whether it holds a
    headline (``<h1>``, ``<h2>``)."""
    counts: dict[Any, tuple[int, int, bool]] = {}
    for element in reversed(list(tree.iter())):
        if not isinstance(element.tag, str):
            continue
        words = stamps = 0
        headline = element.tag in ("h1", "h2")
        texts = [] if element.tag in _NOT_TEXT else [element.text]
        for child in element:
            texts.append(child.tail)
            if child in counts:
                w, t, h = counts[child]
                words, stamps, headline = words + w, stamps + t, headline or h
        for text in texts:
            if text and not text.isspace():
                n = len(text.split())
                words += n
                if n <= _STAMP_WORDS and _STAMP.match(" ".join(text.split())):
                    stamps += n
        counts[element] = (words, stamps, headline)
    return counts


def _is_comment(counts: tuple[int, int, bool]) -> bool:
    """Whether an element (given by its :func:`_text_counts`) reads as one reader comment: a
    short text of its own that says when or who wrote it (:data:`_STAMP`), more text than
    that, no more than a comment holds (:data:`_COMMENT_WORDS`: a story is longer) and no
    headline (a story has one)."""
    words, stamps, headline = counts
    return 0 < stamps and stamps + 2 <= words <= _COMMENT_WORDS and not headline


def _drop_comment_threads(tree: Any) -> None:
    """Take reader comment threads out of the page, whatever their markup says: two or more
    sibling elements of one tag that each read as a comment (:func:`_is_comment`), making at
    least half of their parent's elements with text."""
    counts = _text_counts(tree)
    doomed = []
    for parent in counts:
        children = [c for c in parent if isinstance(c.tag, str) and c.tag not in _NOT_TEXT]
        if len(children) < 2:
            continue
        by_tag: dict[str, list[Any]] = {}
        for child in children:
            if _is_comment(counts[child]):
                by_tag.setdefault(child.tag, []).append(child)
        items = max(by_tag.values(), key=len, default=[])
        if len(items) < 2:
            continue
        with_text = [c for c in children if counts[c][0]]
        if 2 * len(items) >= len(with_text):
            doomed.extend(items)
    emptied = []
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            _remove(element)
            emptied.append(parent)
    for parent in emptied:  # a thread's heading ("Reader comments (4)") goes with it
        if parent.getparent() is not None and not parent.text_content().strip():
            heading = _heading_before(parent)
            if heading is not None:
                _remove(heading)


def _heading_before(element: Any) -> Any:
    """The element just before ``element`` (line breaks and empty elements skipped) when it
    is a short heading: a few words, not a sentence; else None."""
    previous = element.getprevious()
    while previous is not None and (not isinstance(previous.tag, str) or previous.tag == "br"
                                    or not previous.text_content().strip()):
        if previous.tail and previous.tail.strip():
            return None
        previous = previous.getprevious()
    if previous is None or (previous.tail and previous.tail.strip()):
        return None
    text = " ".join(previous.text_content().split())
    return previous if _is_heading(text) else None


def _is_heading(text: str) -> bool:
    """A few words, not a sentence ("Reader comments (4)", "Also on Valley Bugle:")."""
    return 0 < len(text.split()) <= _HEADING_WORDS and not text.endswith((".", "!", "?"))


def _remove(element: Any) -> None:
    """Remove ``element`` from the tree, keeping the text that follows it."""
    parent = element.getparent()
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _drop_link_lists(tree: Any) -> None:
    """Take lists of links out with their heading: a ``<ul>``/``<ol>`` of two links or more
    whose words are nearly all link text ("Read more", "Trending", "Recent Posts"). trafilatura
    leaves such a list out but keeps its heading ("Read more" alone between paragraphs)."""
    for element in list(tree.iter("ul", "ol")):
        if element.getparent() is None:
            continue
        links = element.findall(".//a")
        words = len(element.text_content().split())
        linked = sum(len(a.text_content().split()) for a in links)
        if len(links) >= 2 and words and linked >= _LIST_LINK_SHARE * words:
            heading = _heading_before(element)
            _remove(element)
            if heading is not None:
                _remove(heading)


_LIST_LINK_SHARE = 0.8
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "meta", "link"})
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "center", "dd", "div", "dl",
                     "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                     "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                     "table", "ul"})
_LAYOUT_TAGS = {"table": "div", "tbody": "div", "thead": "div", "tfoot": "div", "tr": "div",
                "td": "div", "th": "div", "center": "div", "font": "span"}


def _unwrap_layout(tree: Any) -> bool:
    """Read an old page as blocks: table rows and cells become ``<div>`` elements (a layout
    table, not a data table), ``<font>`` a ``<span>``, and text broken into paragraphs by two
    ``<br>`` or more becomes ``<p>`` elements (as old pages write paragraphs). False where
    there is nothing to change."""
    changed = False
    for element in tree.iter(*_LAYOUT_TAGS):
        element.tag = _LAYOUT_TAGS[element.tag]
        for name in ("width", "valign", "bgcolor", "colspan", "cellpadding", "border"):
            element.attrib.pop(name, None)
        changed = True
    for parent in list(tree.iter()):
        if isinstance(parent.tag, str) and _has_double_br(parent):
            _br_paragraphs(parent)
            changed = True
    return changed


def _has_double_br(parent: Any) -> bool:
    previous_br = False
    for child in parent:
        if child.tag == "br":
            if previous_br:
                return True
            previous_br = not (child.tail and child.tail.strip())
        else:
            previous_br = False
    return False


def _br_paragraphs(parent: Any) -> None:
    """Wrap the runs of inline content of ``parent`` that two ``<br>`` or more separate (and
    that block children separate) in ``<p>`` elements."""
    from lxml import etree

    pieces: list[Any] = []  # strings and elements, in order
    if parent.text:
        pieces.append(parent.text)
    for child in parent:
        pieces.append(child)
        if child.tail:
            pieces.append(child.tail)
            child.tail = None
    parent.text = None
    for child in list(parent):
        parent.remove(child)
    run: list[Any] = []

    def flush() -> None:
        while run and (isinstance(run[-1], str) and not run[-1].strip()
                       or not isinstance(run[-1], str) and run[-1].tag == "br"):
            run.pop()
        if any(isinstance(x, str) and x.strip() or not isinstance(x, str) and x.tag != "br"
               for x in run):
            paragraph = etree.SubElement(parent, "p")
            last = None
            for x in run:
                if isinstance(x, str):
                    if last is None:
                        paragraph.text = (paragraph.text or "") + x
                    else:
                        last.tail = (last.tail or "") + x
                elif not (last is None and x.tag == "br"):
                    paragraph.append(x)
                    last = x
        run.clear()

    k = 0
    while k < len(pieces):
        x = pieces[k]
        if not isinstance(x, str) and x.tag in _BLOCKS:
            flush()
            parent.append(x)
        elif not isinstance(x, str) and x.tag == "br":
            j = k + 1
            while j < len(pieces) and isinstance(pieces[j], str) and not pieces[j].strip():
                j += 1
            if j < len(pieces) and not isinstance(pieces[j], str) and pieces[j].tag == "br":
                flush()
                while j < len(pieces) and (isinstance(pieces[j], str) and not pieces[j].strip()
                                           or not isinstance(pieces[j], str)
                                           and pieces[j].tag == "br"):
                    j += 1
                k = j
                continue
            run.append(x)
        else:
            run.append(x)
        k += 1
    flush()


# Links to other pages: a line of the text that is mostly the text of links of three words or
# more ("Read also: <a>headline</a>"), or that holds three of them (a list of teasers with
# their snippets), is a pointer to other stories, not the story.
_ANCHOR_WORDS = 3
_ANCHOR_SHARE = 0.5
_ANCHORS_IN_A_LIST = 3
_BULLET = re.compile(r"^\s*(?:[•·▪►»*–-]|\d{1,2}[.)])\s*")


def _anchor_texts(tree: Any) -> list[str]:
    """The texts (whitespace collapsed) of the page's links of :data:`_ANCHOR_WORDS` words or
    more, longest first."""
    texts = {" ".join(a.text_content().split()) for a in tree.iter("a")}
    return sorted((t for t in texts if len(t.split()) >= _ANCHOR_WORDS), key=len, reverse=True)


# A byline with its time stamp: "By Jane Roe -- July 24, 2016 -- Updated: 7/26/2016 3:12 PM",
# "Posted by Jane Roe on July 24, 2016". The author's name is not the story's (two stories of
# one reporter would share a person), and the dates are the page's, not the event's.
_BYLINE = re.compile(r"(?i)^(?:by|posted\s+by|written\s+by|published\s+by|author:)\s+\S")
_BYLINE_DATE = re.compile(
    r"(?i)\b(?:updated|published|posted)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d\d-\d\d\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")
_BYLINE_WORDS = 25


def _is_byline(line: str) -> bool:
    """A short line that names the author and says when the page was published or updated
    (not a sentence: "By May 4 the road was open again." is story text)."""
    return (len(line.split()) <= _BYLINE_WORDS and _BYLINE.match(line) is not None
            and _BYLINE_DATE.search(line) is not None
            and not line.rstrip().endswith((".", "!", "?", '"', "”")))  # not a sentence


def _drop_link_lines(text: str, anchors: list[str]) -> str:
    """``text`` without its lines that point to other pages (see :data:`_ANCHOR_SHARE`) and
    its bylines (:data:`_BYLINE`)."""
    lines = [line for line in text.split("\n") if not _is_byline(line)]
    if not anchors:
        return "\n".join(lines)
    drop = [False] * len(lines)
    leads = [False] * len(lines)  # the line starts with a link (after a bullet)
    for k, line in enumerate(lines):
        words = len(line.split())
        covered, found, rest = 0, 0, line
        head = _BULLET.sub("", line, count=1)
        for anchor in anchors:
            if len(anchor) <= len(rest) and anchor in rest:
                found += rest.count(anchor)
                covered += rest.count(anchor) * len(anchor.split())
                rest = rest.replace(anchor, " ")
                leads[k] = leads[k] or head.startswith(anchor)
        drop[k] = bool(words) and (covered >= _ANCHOR_SHARE * words
                                   or found >= _ANCHORS_IN_A_LIST
                                   or leads[k] and head != line)
    for k in range(len(lines)):  # two lines in a row that start with a link: teasers
        if leads[k] and (k and leads[k - 1] or k + 1 < len(lines) and leads[k + 1]):
            drop[k] = True
    for k in range(len(lines) - 2):  # the heading of two lines or more that point elsewhere
        if not drop[k] and drop[k + 1] and drop[k + 2] and _is_heading(lines[k]):
            drop[k] = True
    return "\n".join(line for line, gone in zip(lines, drop) if not gone)


_STOPLIST: frozenset[str] | None = None


def _justext(tree: Any) -> str:
    """The paragraphs jusText keeps, called as trafilatura calls it (its parameters, the
    stopwords of every language jusText knows, the page without footers, asides and cookie
    banners); "" when it keeps none."""
    global _STOPLIST
    import justext
    from lxml import etree
    from trafilatura.baseline import basic_cleaning

    if _STOPLIST is None:
        _STOPLIST = frozenset().union(*(justext.get_stoplist(lang)
                                         for lang in justext.get_stoplists()))
    markup = etree.tostring(basic_cleaning(copy.deepcopy(tree)), encoding="utf-8")
    paragraphs = justext.justext(markup, _STOPLIST, length_low=50, length_high=150,
                                 stopwords_low=0.1, stopwords_high=0.2, max_link_density=0.25,
                                 max_heading_distance=150, no_headings=True, encoding="utf-8")
    return _clean("\n".join(p.text for p in paragraphs if not p.is_boilerplate))


def _parse(data: bytes) -> Any:
    """The lxml tree of the page (trafilatura decodes: byte-order mark, declared charset,
    detection), or None. A fragment without ``<html>`` ("<p>...</p>"), which trafilatura
    declines as "not HTML", is read as the body of a page."""
    from trafilatura import load_html

    tree = load_html(data)
    if tree is None and not data.startswith(_WIDE_BOMS):
        tree = load_html(b"<html>" + data.removeprefix(codecs.BOM_UTF8) + b"</html>")
    return tree


def _link_texts(tree: Any) -> frozenset[str]:
    """The text of every link of the page, whitespace collapsed."""
    return frozenset(" ".join(a.text_content().split()) for a in tree.iter("a"))


def _json_ld_has_body(tree: Any) -> bool:
    """Whether the page's JSON-LD holds an ``articleBody`` (a page drawn by JavaScript)."""
    return any(script.text and "articleBody" in script.text
               for script in tree.iterfind('.//script[@type="application/ld+json"]'))


def _json_ld_published(tree: Any) -> str | None:
    """The ``datePublished`` of the page's JSON-LD, as ``YYYY-MM-DD``: of the first node whose
    type is an article or a post (``NewsArticle``, ``BlogPosting``, ...), else the first one.

    It comes before htmldate's date, which prefers a modification date in the meta tags
    (``article:modified_time``) to a ``datePublished`` that only JSON-LD states.
    """
    first: str | None = None
    for script in tree.iterfind('.//script[@type="application/ld+json"]'):
        if not script.text or "datePublished" not in script.text:
            continue
        try:
            stack: list[Any] = [json.loads(script.text, strict=False)]
        except (ValueError, RecursionError):
            continue
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                day = _iso_day(node.get("datePublished"))
                if day and re.search(r"Article|Posting", str(node.get("@type", ""))):
                    return day
                first = first or day
                stack.extend(v for v in node.values() if isinstance(v, (list, dict)))
    return first


def _iso_day(value: Any) -> str | None:
    """``YYYY-MM-DD`` from an ISO 8601 date or datetime string (the day as written, in the
    page's own time zone); None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes (outside UTF-16/32 text) or many control characters: not a web page."""
    if data.startswith(_WIDE_BOMS):
        return False
    head = data[:65536]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _ALLOWED_CONTROLS)
    return controls > max(2, len(head) // 100)


def _clean(text: str | None, drop: frozenset[str] = frozenset()) -> str:
    """Whitespace collapsed inside lines; blank lines and the lines in ``drop`` left out."""
    lines = (" ".join(line.split()) for line in (text or "").split("\n"))
    return "\n".join(line for line in lines if line and line not in drop)


def _without_headline(text: str, title: str | None) -> str:
    """``text`` without a first line that is the headline (the ``title`` field holds it; some
    layouts put it in the text as well, some not, and a headline counted twice weighs more
    in the comparison of two pages than in that of the same articles as records)."""
    first, _, rest = text.partition("\n")
    if title and rest.strip() and _WORD.findall(first.casefold()) == _WORD.findall(
            title.casefold()):
        return rest
    return text


def _no_prose(text: str) -> str:
    """The skip reason of a page whose text has no prose."""
    words = len(_WORD.findall(text))
    return (f"{REASON_NO_HTML_TEXT} (only menus, links, buttons and notices: {words} "
            f"word{'s' if words != 1 else ''}, no line of prose)")


def _field(meta: Any, name: str) -> str | None:
    """A metadata field as a stripped non-empty string, else None."""
    value = getattr(meta, name, None) if meta is not None else None
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None
