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

import codecs
import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from dedup.documents import Document, Skipped
from dedup.html import extract_page
from dedup.loaders.decode import (
    GZIP_MAGIC,
    REASON_BINARY,
    REASON_EMPTY,
    REASON_NO_WORDS,
    Rejoined,
    binary_head,
    binary_signature,
    decode_text,
    has_words,
    open_file,
    os_reason,
    read_file,
    read_reason,
    wide_bom_encoding,
    wide_lines,
)
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
    return Document(doc_id, body, title, _date_value(published), source, url, fields)


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
# .json / .jsonl records
# --------------------------------------------------------------------------------------------

_KNOWN_FIELDS = ("id", "text", "title", "source", "url")


def _read_json(source: Source, run: Run) -> Iterator[Item]:
    """A .json file (gzip-compressed too, whatever its name says): one record or an array."""
    data = read_file(source.path, source.shown, source.gzipped, sniff_gzip=True)
    if isinstance(data, Skipped):
        yield data
        return
    yield from _iter_json(data, source.id, source.shown, run, source.id_prefix)


def _read_jsonl(source: Source, run: Run) -> Iterator[Item]:
    """A .jsonl/.ndjson file, or standard input: one record a line (gzip-compressed too)."""
    if source.stream is not None:
        yield from _iter_jsonl_handle(source.stream, source.shown, run, source.id_prefix)
    else:
        yield from _iter_jsonl(source.path, source.shown, run, source.id_prefix)


def _iter_json(
    data: bytes, file_id: str, shown: str, run: Run, id_prefix: str = ""
) -> Iterator[Item]:
    """A .json file: one record (which may use the file's id) or an array of records."""
    text = decode_text(data)
    if text is None:
        yield Skipped(shown, REASON_BINARY)
        return
    try:
        records = _parse_json_with_lines(text)
    except json.JSONDecodeError as exc:
        yield Skipped(shown, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        return
    except RecursionError:
        yield Skipped(shown, "invalid JSON: nested too deeply")
        return
    if isinstance(records, tuple):
        line, value = records
        if isinstance(value, dict) and "id" not in value:
            id_prefix = ""  # the record takes the file's id: unique already
        yield _record_item(value, shown, line, run, fallback_id=file_id, id_prefix=id_prefix)
        return
    if not records:
        yield Skipped(shown, "empty JSON array")
    for line, value in records:
        yield _record_item(value, shown, line, run, id_prefix=id_prefix)


_JSON_WS = re.compile(r"[ \t\n\r]*")


def _skip_ws(text: str, pos: int) -> int:
    """Index of the first non-whitespace character (JSON whitespace) at or after ``pos``."""
    match = _JSON_WS.match(text, pos)
    return match.end() if match else pos


def _parse_json_with_lines(text: str) -> tuple[int, Any] | list[tuple[int, Any]]:
    """Parse a JSON document, keeping the line where each top-level array element starts.

    Returns ``(line, value)`` for a non-array document and a list of them for an array, so
    that skipped records and duplicate ids can point at a line. Raises JSONDecodeError.
    """
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if not text.startswith("[", pos):
        value, end = decoder.raw_decode(text, pos)
        _expect_end(text, end)
        return (text.count("\n", 0, pos) + 1, value)
    items: list[tuple[int, Any]] = []
    line, counted = 1, 0
    pos = _skip_ws(text, pos + 1)
    if not text.startswith("]", pos):
        while True:
            line += text.count("\n", counted, pos)
            counted = pos
            value, pos = decoder.raw_decode(text, pos)
            items.append((line, value))
            pos = _skip_ws(text, pos)
            if text.startswith(",", pos):
                pos = _skip_ws(text, pos + 1)
            elif text.startswith("]", pos):
                break
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    _expect_end(text, pos + 1)
    return items


def _expect_end(text: str, pos: int) -> None:
    """Raise JSONDecodeError when anything but whitespace follows the document."""
    pos = _skip_ws(text, pos)
    if pos != len(text):
        raise json.JSONDecodeError("Extra data", text, pos)


_JSONL_SNIFF_BYTES = 8192


def _iter_jsonl(fs_path: str, shown: str, run: Run, id_prefix: str = "") -> Iterator[Item]:
    """A .jsonl/.ndjson file (gzip-compressed too, whatever its name says), read line by line
    so that a huge file is never held in memory."""
    try:
        handle = open_file(fs_path)
    except OSError as exc:
        yield Skipped(shown, f"cannot read file: {os_reason(exc)}")
        return
    with handle:
        yield from _iter_jsonl_handle(handle, shown, run, id_prefix)


def _iter_jsonl_handle(
    handle: BinaryIO, shown: str, run: Run, id_prefix: str = ""
) -> Iterator[Item]:
    """JSON Lines from an open binary stream (a file, or standard input), from where it stands.

    Data that starts with the gzip signature is decompressed as it streams. The first bytes
    are checked first, so that a binary file named ``.jsonl`` is one skipped input rather than
    one "invalid JSON" per chunk of bytes; UTF-16/32 text with a byte-order mark is decoded as
    it streams. Other problems are reported per line. ``id_prefix`` begins every record's id.
    """
    gzipped = False
    if hasattr(handle, "peek") and handle.peek(2)[:2] == GZIP_MAGIC:
        handle, gzipped = gzip.GzipFile(fileobj=handle, mode="rb"), True  # type: ignore[assignment]
    try:
        head = handle.read(_JSONL_SNIFF_BYTES)
    except (OSError, EOFError, zlib.error) as exc:
        yield Skipped(shown, read_reason(exc, gzipped))
        return
    encoding = wide_bom_encoding(head)
    kind = binary_signature(head)
    if kind is not None or (encoding is None and binary_head(head)):
        yield Skipped(shown, f"{REASON_BINARY} ({kind})" if kind else REASON_BINARY)
        return
    stream = io.BufferedReader(Rejoined(head, handle))
    lines = wide_lines(stream, encoding) if encoding else iter(stream.readline, b"")
    lineno, blank = 0, True
    while True:
        try:
            raw = next(lines, b"")
        except UnicodeDecodeError:
            yield Skipped(shown, f"cannot decode the rest of the file as {encoding}", lineno + 1)
            return
        except (OSError, EOFError, zlib.error) as exc:
            yield Skipped(shown, read_reason(exc, gzipped), lineno + 1)
            return
        if not raw:
            break
        lineno += 1
        item = _jsonl_line(raw, shown, lineno, run, id_prefix)
        if item is not None:
            blank = False
            yield item
    if blank:
        yield Skipped(shown, REASON_EMPTY)


def _jsonl_line(
    raw: bytes, shown: str, lineno: int, run: Run, id_prefix: str = ""
) -> Item | None:
    """One line of a .jsonl file: None when blank, else a document or a skipped record."""
    if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if not raw.strip():
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Skipped(shown, "invalid JSON: line is not valid UTF-8", lineno)
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(shown, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno)
    except RecursionError:
        return Skipped(shown, "invalid JSON: nested too deeply", lineno)
    return _record_item(value, shown, lineno, run, id_prefix=id_prefix)


def _record_item(
    value: Any, shown: str, line: int | None, run: Run, fallback_id: str | None = None,
    id_prefix: str = "",
) -> Item:
    """Turn one parsed record into a Document (checked for duplicate ids) or a Skipped;
    ``id_prefix`` begins its id (records of several files, see :func:`iter_inputs`)."""
    doc_or_skip = _record_document(value, shown, line, fallback_id)
    if isinstance(doc_or_skip, Skipped):
        return doc_or_skip
    if id_prefix:
        doc_or_skip = replace(doc_or_skip, id=id_prefix + doc_or_skip.id)
    return run.accept(doc_or_skip, shown, line)


def _record_document(value: Any, shown: str, line: int | None, fallback_id: str | None) -> Item:
    """Validate a record: an object with a string/integer ``id`` and a non-empty ``text``."""
    if not isinstance(value, dict):
        return Skipped(shown, f"record must be a JSON object, got {_type_name(value)}", line)
    keys = ", ".join(str(k) for k in value) or "none"
    if "id" in value:
        doc_id = _record_id(value["id"])
        if doc_id is None:
            got = _type_name(value["id"])
            return Skipped(shown, f"id must be a string or integer, got {got}", line)
        if not doc_id.strip():
            return Skipped(shown, "id must not be empty", line)
    elif fallback_id is not None:
        doc_id = fallback_id
    else:
        return Skipped(shown, f"record has no 'id' (keys: {keys})", line)
    text = value.get("text")
    if text is None:
        return Skipped(shown, f"record has no 'text' (keys: {keys})", line, doc_id)
    if not isinstance(text, str):
        return Skipped(shown, f"'text' must be a string, got {_type_name(text)}", line, doc_id)
    if not text.strip():
        return Skipped(shown, f"record has empty 'text' (keys: {keys})", line, doc_id)
    if not has_words(text):
        return Skipped(shown, f"record 'text' has {REASON_NO_WORDS}", line, doc_id)
    return _document_from_record(value, doc_id, text)


def _document_from_record(value: dict[str, Any], doc_id: str, text: str) -> Document:
    """Map record fields onto a Document; ``date`` is an alias of ``published``."""
    published_key = "published" if value.get("published") not in (None, "") else "date"
    used = set(_KNOWN_FIELDS) | {published_key}
    metadata = {k: v for k, v in value.items() if k not in used}
    return Document(
        id=doc_id,
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        title=_clean_str(value.get("title")),
        published=_date_value(value.get(published_key)),
        source=_clean_str(value.get("source")),
        url=_clean_str(value.get("url")),
        metadata=metadata,
    )


def _date_value(value: Any) -> str | None:
    """A record's date as text for :mod:`dedup.dates`: a number (a Unix time) as its integer
    digits, any other value as written (one that is not a date becomes a warning of the
    document, never dropped silently)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (dt.date, dt.datetime)):  # YAML front matter reads dates as such
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return str(int(value)) if abs(value) < 1e16 else str(value)
    return value.strip() if isinstance(value, str) else json.dumps(value)


def _record_id(value: Any) -> str | None:
    """A record id as a string; None for types that are not ids (bool, float, null, ...)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    return None


def _type_name(value: Any) -> str:
    """Short type name for messages: 'null' for None, else the Python type name."""
    return "null" if value is None else type(value).__name__


def _clean_str(value: Any) -> str | None:
    """A stripped non-empty string, or None (non-strings are ignored, never an error)."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


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
    (".json", False): _read_json,
    (".json", True): _read_json,
    (".jsonl", False): _read_jsonl,
    (".jsonl", True): _read_jsonl,
    (".ndjson", False): _read_jsonl,
    (".ndjson", True): _read_jsonl,
}
SUPPORTED_EXTENSIONS = frozenset(ext for ext, _ in READERS)
