"""Plain-text and Markdown articles (``.txt``, ``.md``): one article a file, its title found
under the site chrome above it.

An optional YAML front-matter block at the top (``---`` ... ``---``, read with PyYAML's safe
loader, imported only for a file that has one) may give ``title``, ``date``/``published``,
``source`` and ``url``; its other keys are kept as metadata. Without a title there, the title
is the first meaningful line (:func:`extract_title`): mastheads, "ADVERTISEMENT", date banners,
menus, bylines and photo credits are passed over (:func:`is_title_chrome`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dedup.documents import Document, Skipped
from dedup.loaders.decode import (
    REASON_BINARY,
    REASON_EMPTY,
    REASON_NO_WORDS,
    decode_text,
    has_words,
    read_file,
)
from dedup.loaders.records import date_value
from dedup.loaders.walk import Item, Run, Source
from dedup.normalize import is_chrome_line

__all__ = ["extract_title", "is_title_chrome", "read_markdown", "read_text"]

_FRONT_MATTER_MAX_LINES = 200


def read_text(source: Source, run: Run) -> Iterator[Item]:
    """A plain-text file: one article."""
    yield _read_article(source, run, markdown=False)


def read_markdown(source: Source, run: Run) -> Iterator[Item]:
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
