"""Fuzzing the two places where untrusted text enters: the loaders and the event-key extractor.

Bounded (about 200 examples in all) and derandomized, so CI is fast and repeatable. The
property is the same everywhere: whatever the input, no exception escapes, and every file
gives at least one item (a document or a skipped input with a reason).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.documents import Document, Skipped
from dedup.events import extract_date, extract_event_key
from dedup.loaders import load
from dedup.normalize import clean_text

FUZZ = settings(
    max_examples=40, derandomize=True, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

EXTENSIONS = st.sampled_from([".txt", ".md", ".html", ".json", ".jsonl"])
# Byte patterns the loaders treat specially, to be mixed into random bytes.
SPECIAL = st.sampled_from([
    b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"%PDF-", b"\x1f\x8b",
    b"---\n", b"title: x\n", b"---\n\n", b"\n", b"\r\n", b"\r", b"\x00", b"<html>", b"<article>",
    b"<script>", b"</", b"<!--", b'<meta charset="utf-16">', b'{"id": "a", "text": "b"}',
    b"[", b"]", b"{", b",", b'"', b"\\u", b"\xe9", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80",
])
CHUNKS = st.lists(st.one_of(SPECIAL, st.binary(max_size=40)), max_size=12).map(b"".join)


def load_one(name: str, data: bytes) -> list[Document | Skipped]:
    """Write one file into a fresh folder and load the folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        documents, skipped = load(folder)
    items: list[Document | Skipped] = [*documents, *skipped]
    for item in skipped:
        assert item.reason and item.reason.isprintable(), item
    for doc in documents:
        assert doc.text.strip() and doc.id
    return items


@FUZZ
@given(EXTENSIONS, CHUNKS)
def test_loader_never_raises_on_arbitrary_bytes(extension: str, data: bytes) -> None:
    items = load_one("input" + extension, data)
    assert items, "a file vanished without a trace"
    if extension != ".jsonl" and extension != ".json":
        assert len(items) == 1


HTML_PIECES = st.sampled_from([
    "<html>", "</html>", "<head>", "</head>", "<body>", "</body>", "<article>", "</article>",
    "<main>", "</main>", "<p>", "</p>", "<div hidden>", "</div>", "<script>", "</script>",
    "<style>", "</style>", "<header>", "</header>", "<h1>", "</h1>", "<title>", "</title>",
    "<br>", "<br/>", "<!--", "-->", "<![CDATA[", "]]>", "<svg><title>t</title></svg>",
    '<meta property="og:title" content="A title">', '<time datetime="2024-02-30">',
    '<script type="application/ld+json">{"headline": "x", "datePublished": 5}</script>',
    "&amp;", "&#0;", "&#xD800;", "&bogus;", "<", ">", "<p <b>", "Words of news text ",
    "Sergei Lavrov met S Jaishankar in Goa on Thursday. ", "\u200b", "\x00",
])


@FUZZ
@given(st.lists(HTML_PIECES, max_size=30).map("".join))
def test_loader_never_raises_on_tag_soup(html: str) -> None:
    items = load_one("page.html", html.encode("utf-8", "surrogatepass"))
    assert len(items) == 1


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "text", "title", "published", "date", "source", "url", "x"]),
        inner, max_size=6,
    ),
    max_leaves=12,
)


@FUZZ
@given(st.lists(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=30)), max_size=8))
def test_loader_never_raises_on_odd_json_lines(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    items = load_one("feed.jsonl", data)
    assert items
    records = [line for line in data.split(b"\n") if line.strip()]  # as the loader reads them
    assert len(items) == max(1, len(records))


DATE_BITS = st.sampled_from([
    "May 5", "5 May", "on Thursday", "last Sunday night", "yesterday", "2016-13-45",
    "31/02/2020", "02/31/2020", "0000-00-00", "1900-01-01", "2099-12-31", "99.99.99",
    "04.05.23", "January 1-31, 2020", "Feb 29", "29 February 1900", "New Delhi, May 5 (IANS):",
    "PTI Benaulim (Goa) Published 04.05.23", "will meet on Friday", "(", ")", ",", "\n",
    "Dr S Jaishankar", "Sergey Lavrov", "in Goa", "at Panaji, Goa", "Benaulim (Goa)", " ",
])
TEXT = st.one_of(st.text(max_size=200), st.lists(DATE_BITS, max_size=15).map(" ".join))
PUBLISHED = st.one_of(
    st.none(), st.text(max_size=30), DATE_BITS,
    st.dates().map(str), st.datetimes().map(lambda d: d.isoformat()),
)


@FUZZ
@given(TEXT, TEXT, PUBLISHED)
def test_event_key_never_raises(title: str, body: str, published: str | None) -> None:
    key = extract_event_key(title, clean_text(body), published)
    extract_event_key(title, body, published)  # uncleaned text too
    if key.date is not None:
        assert key.date.lo <= key.date.hi
    assert extract_date(body, published) is not None
