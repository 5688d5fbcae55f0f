"""Input loaders: turn a folder or a single file into :class:`Document` and :class:`Skipped` items.

Supported inputs:

* ``.txt`` / ``.md``: one article per file; optional ``---`` front matter at the top.
* ``.html`` / ``.htm``: one article per file; the text is extracted by :mod:`dedup.html`.
* ``.json``: one record (an object) or an array of records.
* ``.jsonl``: one record per line, read as a stream.

Only a missing or unreadable *top-level* path raises :class:`~dedup.errors.InputError`.
Every problem with one file, line or record becomes a :class:`Skipped` (with the path, the
line where known, and a reason a person understands) and loading goes on, so one bad file in a
corpus of thousands never stops a run. Folders are walked in sorted order so that two runs over
the same tree give the same sequence whatever order the file system lists entries in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from dedup.documents import Document, Skipped
from dedup.html import extract_page
from dedup.loaders.decode import (
    REASON_BINARY,
    REASON_EMPTY,
    REASON_NO_WORDS,
    decode_text,
    has_words,
    read_file,
)
from dedup.loaders.records import date_value, read_json, read_jsonl
from dedup.loaders.walk import (
    FileType,
    Item,
    Paths,
    Plan,
    Run,
    Source,
    plan_inputs,
    printable,
    sources,
)
from dedup.normalize import is_chrome_line

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "decode_text",
    "extract_title",
    "has_words",
    "is_title_chrome",
    "iter_inputs",
    "load",
]

# Files of records with ids of their own: where a run holds several, their ids are prefixed.
RECORD_EXTENSIONS = frozenset({".json", ".jsonl", ".ndjson"})


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def iter_inputs(paths: Paths, *, stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Stream the documents of folders (recursively) and files, with the skipped inputs.

    ``paths`` is one path or several; ``"-"`` stands for JSON Lines on ``stdin`` (default
    ``sys.stdin.buffer``, read from where it stands, once; gzip-compressed too).

    Document ids: a text, Markdown or HTML file's id is its path relative to the folder given
    (the file name, for a file given directly); with several paths, the path as given joined
    with that. A record's id is its ``id`` field; where the input holds several JSON/JSONL
    files (daily dumps with ids 1..N, say), it is ``<file id>#<id>``, unique per file.
    Inside folders, files named README, LICENSE, CHANGELOG and the like are not articles:
    they are skipped with that reason.

    Every path is checked *now* (not on the first ``next()``), so a typo fails fast: raises
    :class:`InputError`, naming the path, when it does not exist or cannot be read.
    Everything below them is reported as :class:`Skipped` items interleaved with the documents.
    """
    plans = plan_inputs(paths)
    prefix = sum(_record_files(plan) for plan in plans) > 1
    return _iter_plans(plans, prefix, stdin)


def _record_files(plan: Plan) -> int:
    """How many JSON/JSONL inputs a path holds (names only: nothing is read)."""
    if plan.kind == "stdin":
        return 1
    return sum(1 for source in sources(plan) if isinstance(source, Source)
               and source.ext in RECORD_EXTENSIONS)


def _iter_plans(plans: list[Plan], prefix: bool, stdin: BinaryIO | None) -> Iterator[Item]:
    run = Run()
    for plan in plans:
        for source in sources(plan, prefix, stdin):
            if isinstance(source, Skipped):
                yield source
            else:
                yield from _guarded(_read(source, run), source.shown)


def load(paths: Paths, *, stdin: BinaryIO | None = None) -> tuple[list[Document], list[Skipped]]:
    """Read everything :func:`iter_inputs` yields into two lists: documents and skipped inputs."""
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for item in iter_inputs(paths, stdin=stdin):
        if isinstance(item, Document):
            documents.append(item)
        else:
            skipped.append(item)
    return documents, skipped


# --------------------------------------------------------------------------------------------
# One file
# --------------------------------------------------------------------------------------------


def _guarded(items: Iterator[Item], shown: str) -> Iterator[Item]:
    """``items``, but a bug met while reading them costs that input alone (what it gave
    before stays): it becomes a :class:`Skipped` with reason ``internal error: ...``."""
    try:
        yield from items
    except Exception as exc:
        yield Skipped.internal_error(shown, exc)


def _read(source: Source, run: Run) -> Iterator[Item]:
    """The items of one input, from the reader of its type; an unsupported type is reported,
    never read."""
    reader = READERS.get(source.type)
    if reader is None:
        ext = source.ext + ".gz" if source.gzipped else source.ext
        if ext:
            yield Skipped(source.shown, f"unsupported file type '{printable(ext)}'")
        else:
            yield Skipped(source.shown, "unsupported file type (no extension)")
        return
    yield from reader(source, run)


# --------------------------------------------------------------------------------------------
# .txt / .md
# --------------------------------------------------------------------------------------------

_FRONT_MATTER_MAX_LINES = 200


def _read_text(source: Source, run: Run) -> Iterator[Item]:
    """A plain-text file: one article."""
    yield _read_article(source, run, markdown=False)


def _read_markdown(source: Source, run: Run) -> Iterator[Item]:
    """A Markdown file: one article (headings and emphasis are not part of its title)."""
    yield _read_article(source, run, markdown=True)


def _read_article(source: Source, run: Run, *, markdown: bool) -> Item:
    data = read_file(source.path, source.shown)
    if isinstance(data, Skipped):
        return data
    item = _text_document(data, source.id, source.shown, markdown=markdown)
    return run.accept(item, source.shown) if isinstance(item, Document) else item


def _text_document(data: bytes, doc_id: str, shown: str, *, markdown: bool) -> Item:
    """A plain-text or Markdown article: front matter (optional), title, whole text."""
    text = decode_text(data)
    if text is None:
        return Skipped(shown, REASON_BINARY)
    fields, body = _split_front_matter(text)
    if not body.strip():
        return Skipped(shown, REASON_EMPTY)
    if not has_words(body):
        return Skipped(shown, REASON_NO_WORDS)
    title = _scalar_text(fields.pop("title", None)) or extract_title(body, markdown=markdown)
    published = fields.pop("published", None)
    if published is None or published == "":
        published = fields.pop("date", None)
    source = _scalar_text(fields.pop("source", None))
    url = _scalar_text(fields.pop("url", None))
    return Document(doc_id, body, title, date_value(published), source, url, fields)


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a YAML front matter block (``---`` ... ``---`` or ``...``) off the top;
    ({}, text) when there is none.

    The block is read with PyYAML's safe loader, so lists, quoted strings and dates are read
    as YAML means them (``author:\n  - PTI`` is a list, not article text). A block that is not
    a YAML mapping (an article that merely starts with a horizontal rule) is left in the text.
    """
    if not text.startswith("---\n"):
        return {}, text
    lines = text.split("\n", _FRONT_MATTER_MAX_LINES + 1)
    for index in range(1, min(len(lines), _FRONT_MATTER_MAX_LINES)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return {}, text
    import yaml  # only for files that have front matter

    try:
        fields = yaml.safe_load("\n".join(lines[1:index]))
    except yaml.YAMLError:
        return {}, text
    if not isinstance(fields, dict) or not fields:
        return {}, text
    body = "\n".join(lines[index + 1:]).lstrip("\n")
    return {str(k).lower(): v for k, v in fields.items()}, body


def _scalar_text(value: Any) -> str | None:
    """A front-matter value as text: a string stripped, a number or date written out; None
    for a missing, empty or structured value."""
    if isinstance(value, (list, dict)) or value is None:
        return None
    return str(value).strip() or None


# ---- title heuristics ----------------------------------------------------------------------

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday "
    "mon tue tues wed thu thur thurs fri sat sun"
).split()
_DATE_FILLER = frozenset(
    "updated published posted last modified on at date edition today am pm a.m. p.m. "
    "ist gmt utc bst cet cest est edt pst pdt et pt hrs hours".split()
)
_DATE_WORDS = frozenset(_MONTHS) | frozenset(_WEEKDAYS)
_NUMERIC_TOKEN = re.compile(r"^\d{1,4}(?:[./:\-]\d{1,4})*(?:st|nd|rd|th)?$", re.IGNORECASE)
# "logo"/"icon" glued to other words with - or _ is a CSS class or alt text, not prose.
_LOGO_TOKEN = re.compile(r"(?i)(?:[\w]+[-_](?:logo|icon)\b|\b(?:logo|icon)[-_][\w]+)")
_NAV_WORDS = frozenset(
    """home menu share search login log sign in up out subscribe subscription close next previous
    prev back top more skip to main content navigation advertisement advertisements ad ads
    sponsored print email e-mail tweet facebook twitter x whatsapp linkedin telegram instagram
    youtube follow us comments comment newsletter newsletters trending latest news the this
    article story on of and our for read listen view all register account cookie cookies settings
    accept privacy policy terms""".split()
)
_CHROME_PREFIXES = re.compile(
    r"(?i)^(?:also read|read more|read also|must read|watch|listen|photo|photos|image|images|"
    r"file photo|picture|credit|credits|source|representational image)\s*[:|\-–—]"
)
_BYLINE = re.compile(r"(?i)^(?:by|written by|posted by|reported by|edited by)\s+\S")
_NAV_SEPARATORS = re.compile(r"\s*[|•·»›>]\s*")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*$")
_TOKEN_STRIP = ",.;:|()[]{}'\"“”‘’-–—/·•"


def extract_title(text: str, *, markdown: bool = False) -> str | None:
    """The first meaningful line of an article: not blank, not site chrome.

    Falls back to the first non-blank line when every line looks like chrome, and returns
    None only for blank text. Markdown heading marks (``#``) and emphasis are removed.
    """
    fallback: str | None = None
    for raw in text.split("\n"):
        line = _clean_title_line(raw, markdown=markdown)
        if not line:
            continue
        if fallback is None:
            fallback = line
        if not is_title_chrome(line):
            return line
    return fallback


def _clean_title_line(raw: str, *, markdown: bool) -> str:
    """Collapse whitespace; for Markdown also drop heading marks, emphasis and image lines."""
    line = " ".join(raw.split())
    if markdown:
        if _MD_IMAGE.match(line):
            return ""
        line = _MD_HEADING.sub("", line).rstrip("#").strip()
        for mark in ("**", "__", "*", "_"):
            if len(line) > 2 * len(mark) and line.startswith(mark) and line.endswith(mark):
                line = line[len(mark) : -len(mark)].strip()
                break
    return line


def is_title_chrome(line: str) -> bool:
    """True for lines that are site furniture rather than a headline: the body's chrome
    (:func:`dedup.normalize.is_chrome_line`) and, stricter since a headline is sought, lines
    with no letters at all; ALL-CAPS (a masthead like "MY KOLKATA EDUGRAPH" or
    "ADVERTISEMENT"); fewer than three words (menu items, section labels); a logo/icon class
    name; a date-only banner ("Friday, 22 November 2024", "Updated: 04.05.23, 05:59 PM");
    navigation/share words only; a breadcrumb list; a byline; a photo credit; a bare URL.
    """
    if is_chrome_line(line):
        return True
    words = line.split()
    letters = [ch for ch in line if ch.isalpha()]
    if not letters:
        return True
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    if len(cased) >= 2 and not any(ch.islower() for ch in cased):
        return True
    if len(words) < 3 and len(cased) * 2 >= len(letters):
        return True  # short line in a cased script; scripts without spaces (CJK) are exempt
    if _LOGO_TOKEN.search(line) or (len(words) <= 4 and "logo" in line.lower()):
        return True
    tokens = [w.strip(_TOKEN_STRIP).lower() for w in words]
    tokens = [t for t in tokens if t]
    return (
        _is_date_banner(tokens)
        or all(t in _NAV_WORDS for t in tokens)
        or _is_breadcrumb(line)
        or (_BYLINE.match(line) is not None and len(words) <= 6)
        or _CHROME_PREFIXES.match(line) is not None
        or _URL_ONLY.match(line) is not None
    )


def _is_date_banner(tokens: list[str]) -> bool:
    """True when every token is part of a date/time, and at least one really is."""
    dated = False
    for token in tokens:
        if token in _DATE_WORDS or _NUMERIC_TOKEN.match(token):
            dated = True
        elif token not in _DATE_FILLER:
            return False
    return dated


def _is_breadcrumb(line: str) -> bool:
    """'Home | World | Asia' or 'News » India » Politics': three or more short parts."""
    parts = [p for p in _NAV_SEPARATORS.split(line) if p.strip()]
    return len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts)


# --------------------------------------------------------------------------------------------
# .html / .htm
# --------------------------------------------------------------------------------------------


def _read_html(source: Source, run: Run) -> Iterator[Item]:
    """A web page: one article."""
    data = read_file(source.path, source.shown)
    if isinstance(data, Skipped):
        yield data
        return
    item = _html_document(data, source.id, source.shown)
    yield run.accept(item, source.shown) if isinstance(item, Document) else item


def _html_document(data: bytes, doc_id: str, shown: str) -> Item:
    """A web page: the article text and metadata that :mod:`dedup.html` finds, or why not."""
    page = extract_page(data)
    if isinstance(page, str):
        return Skipped(shown, page)
    return Document(doc_id, page.text, page.title, page.published, page.source, page.url, {})


# --------------------------------------------------------------------------------------------
# The registry: which reader reads which type of file
# --------------------------------------------------------------------------------------------

Reader = Callable[[Source, Run], Iterator[Item]]

# A file's type (its extension, lower-cased, and whether its name ends in .gz) -> its reader.
# A reader yields the Documents and Skipped of one input; a new format is one reader and one
# line here. Types that are not here are reported as unsupported.
READERS: dict[FileType, Reader] = {
    (".txt", False): _read_text,
    (".md", False): _read_markdown,
    (".html", False): _read_html,
    (".htm", False): _read_html,
    (".json", False): read_json,
    (".json", True): read_json,
    (".jsonl", False): read_jsonl,
    (".jsonl", True): read_jsonl,
    (".ndjson", False): read_jsonl,
    (".ndjson", True): read_jsonl,
}
SUPPORTED_EXTENSIONS = frozenset(ext for ext, _ in READERS)
