"""Tests of dedup.loaders: folders, text/HTML/JSON inputs, and every skip reason."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from dedup.documents import Document, Skipped
from dedup.errors import InputError
from dedup.loaders import decode, extract_title, is_title_chrome, iter_inputs, load

DATA = Path(__file__).parent.parent / "data"

CHROME_HEADER = (
    "MY KOLKATA EDUGRAPH\n"
    "ADVERTISEMENT\n"
    "regular-article-logo Friday, 22 November 2024\n"
    "\n"
    "Real headline here\n"
    "\n"
    "Body of the article goes on for a while, with several words in it.\n"
)

ARTICLE_HTML = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Page title | Daily Planet</title>
<meta property="og:title" content="Council approves new bridge">
<meta property="og:site_name" content="Daily Planet">
<meta property="article:published_time" content="2024-05-04T10:00:00Z">
<link rel="canonical" href="https://example.com/news/bridge">
<style>body { color: red; }</style>
<script>var tracking = "SECRET_SCRIPT_TEXT";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article>
  <h1>Council approves new bridge</h1>
  <p>The city council   approved the   new bridge on Thursday.</p>
  <p>Construction starts next year.<br>It will cost &pound;5 million.</p>
  <script>document.write("SECRET_INLINE_SCRIPT")</script>
</article>
<aside>Related: SIDEBAR_TEXT</aside>
<footer>Copyright FOOTER_TEXT</footer>
</body></html>
"""


def write(path: Path, content: str | bytes) -> Path:
    """Write text (UTF-8) or bytes, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def by_id(docs: list[Document]) -> dict[str, Document]:
    return {d.id: d for d in docs}


def only_skip(skipped: list[Skipped]) -> Skipped:
    assert len(skipped) == 1, skipped
    return skipped[0]


# ---- titles ---------------------------------------------------------------------------------


def test_title_skips_site_chrome_lines(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", CHROME_HEADER)
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert docs[0].title == "Real headline here"
    assert docs[0].text.startswith("MY KOLKATA EDUGRAPH\n")  # text is kept whole


@pytest.mark.parametrize(
    "line",
    [
        "ADVERTISEMENT",
        "MY KOLKATA EDUGRAPH",
        "regular-article-logo Friday, 22 November 2024",
        "Friday, 22 November 2024",
        "Updated: 04.05.23, 05:59 PM IST",
        "Home",
        "Share",
        "Skip to main content",
        "Home | World | Asia | Politics",
        "By Jane Doe",
        "https://example.com/news",
        "-----",
    ],
)
def test_chrome_lines_are_recognised(line: str) -> None:
    assert is_title_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "Real headline here",
        "India -Russia Relations | Foreign Minister fosters deeper ties with Russia",
        "Company unveils new logo amid rebrand of its stores",
        "日本の首相が来週ワシントンを訪問する予定です",
    ],
)
def test_headlines_are_not_chrome(line: str) -> None:
    assert not is_title_chrome(line)


def test_title_falls_back_to_first_line_when_all_chrome() -> None:
    assert extract_title("\n\nBREAKING NEWS\nMenu\n") == "BREAKING NEWS"
    assert extract_title(" \n\n") is None


def test_markdown_title_strips_heading_marks(tmp_path: Path) -> None:
    write(tmp_path / "a.md", "![logo](logo.png)\n\n# Storm hits the coast overnight\n\nText.\n")
    docs, _ = load(tmp_path)
    assert docs[0].title == "Storm hits the coast overnight"


def test_front_matter_sets_fields_and_is_removed_from_text(tmp_path: Path) -> None:
    write(
        tmp_path / "a.md",
        "---\ntitle: \"Front title\"\ndate: 2024-05-04\nsource: Wire\n"
        "url: https://example.com/a\ncluster: 7\n---\n# Heading line\n\nBody text here.\n",
    )
    doc = load(tmp_path)[0][0]
    assert (doc.title, doc.published, doc.source, doc.url) == (
        "Front title", "2024-05-04", "Wire", "https://example.com/a"
    )
    assert doc.metadata == {"cluster": 7}  # YAML: a number
    assert doc.text.startswith("# Heading line")


def test_front_matter_is_yaml_lists_and_quotes_included(tmp_path: Path) -> None:
    # A list in the block became article text with the old key: value reader.
    write(
        tmp_path / "a.md",
        "---\ntitle: 'Talks: a new phase'\nauthor:\n  - PTI\n  - IANS\n"
        "published: 2023-05-04T10:00:00+05:30\ntags: [goa, sco]\n---\nBody text here.\n",
    )
    doc = load(tmp_path)[0][0]
    assert doc.title == "Talks: a new phase"
    assert doc.published == "2023-05-04T10:00:00+05:30"
    assert doc.metadata == {"author": ["PTI", "IANS"], "tags": ["goa", "sco"]}
    assert doc.text == "Body text here.\n"


def test_a_block_that_is_not_a_yaml_mapping_stays_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "---\n- just: [unbalanced\n---\nProse follows.\n")
    doc = load(tmp_path)[0][0]
    assert doc.text.startswith("---\n- just")


def test_text_without_front_matter_has_no_published(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "---\nNot front matter, just a rule and prose.\n\nMore text.\n")
    doc = load(tmp_path)[0][0]
    assert doc.published is None
    assert doc.text.startswith("---\n")


def test_seed_data_titles() -> None:
    docs, skipped = load(DATA)
    assert skipped == []
    assert len(docs) == 5
    titles = by_id(docs)
    assert titles["003_4d085d6045524fb2.txt"].title == (
        "Jaishankar holds talks with Russia's foreign minister Sergey Lavrov on bilateral "
        "cooperation, Ukraine conflict"
    )
    assert titles["000_ff5f5ba148e191cb.txt"].title == (
        "Top diplomats talk about two-sided relations ahead of Modi\u2019s trip to Moscow"
    )
    assert all(d.title for d in docs)


# ---- decoding -------------------------------------------------------------------------------

FRENCH = (
    "Café au lait à Paris\n\nLe président français a annoncé une réforme très attendue. "
    "Les élèves déçus réagissent à la décision du ministère.\n"
)


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    write(tmp_path / "fr.txt", FRENCH.encode("latin-1"))
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert docs[0].text == FRENCH
    assert docs[0].title == "Café au lait à Paris"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    text = "\ufeffHéllo wörld, a title line\r\nSecond line\r\n"
    write(tmp_path / "u16.txt", text.encode("utf-16-le"))
    write(tmp_path / "u16be.txt", "Big endian title line here\nBody\n".encode("utf-16"))
    docs = by_id(load(tmp_path)[0])
    assert docs["u16.txt"].text == "Héllo wörld, a title line\nSecond line\n"
    assert docs["u16be.txt"].title == "Big endian title line here"


def test_utf8_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "\ufeffA title with words\r\nBody\rMore\r\n".encode("utf-8"))
    doc = load(tmp_path)[0][0]
    assert doc.text == "A title with words\nBody\nMore\n"


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    docs, skipped = load(tmp_path)
    assert docs == []
    assert only_skip(skipped).reason == "binary or undecodable file (a PNG image)"


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("scan.txt", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", "PDF"),
        ("page.html", b"%PDF-1.7\n<html><body><p>Looks like text</p></body></html>", "PDF"),
        ("data.txt", gzip.compress(b"A gzipped text file", mtime=0), "gzip"),
        ("photo.md", b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
    ],
)
def test_known_binary_formats_are_named(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    # A PDF is mostly ASCII and would otherwise decode as an "article" titled "%PDF-1.4".
    write(tmp_path / name, content)
    docs, skipped = load(tmp_path)
    assert docs == []
    reason = only_skip(skipped).reason
    assert reason.startswith("binary or undecodable file (")
    assert kind in reason


def test_gzip_data_named_jsonl_is_read_and_noise_is_one_skipped_input(tmp_path: Path) -> None:
    # Compressed JSON Lines are read whatever the name says; without the binary check every
    # chunk of noise between two newlines was an input.
    lines = jsonl(*({"id": f"r{i}", "text": "some words"} for i in range(200)))
    write(tmp_path / "feed.jsonl", gzip.compress(lines.encode(), mtime=0))
    write(tmp_path / "noise.jsonl", b"\x00\xff\x02\n" * 50)
    docs, skipped = load(tmp_path)
    assert len(docs) == 200 and docs[0].id == "feed.jsonl#r0"  # two record files: per-file ids
    assert [(s.path.rsplit("/", 1)[1], s.reason, s.line) for s in skipped] == [
        ("noise.jsonl", "binary or undecodable file", None),
    ]


def test_compressed_and_ndjson_dumps(tmp_path: Path) -> None:
    record = {"id": "a", "text": "Talks in Goa went on."}
    write(tmp_path / "day1.jsonl.gz", gzip.compress(jsonl(record).encode()))
    write(tmp_path / "day2.ndjson", jsonl(record))
    write(tmp_path / "day3.json.gz", gzip.compress(json.dumps([record]).encode()))
    write(tmp_path / "day4.ndjson.gz", gzip.compress(jsonl(record).encode()))
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert [d.id for d in docs] == ["day1.jsonl.gz#a", "day2.ndjson#a", "day3.json.gz#a",
                                    "day4.ndjson.gz#a"]
    assert load(tmp_path / "day1.jsonl.gz")[0][0].id == "a"  # one file: ids as written


def test_corrupt_and_truncated_gzip_say_so(tmp_path: Path) -> None:
    data = gzip.compress(jsonl(*({"id": f"r{i}", "text": f"words {i}"} for i in range(500))).encode())
    write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    write(tmp_path / "bad.json.gz", b"\x1f\x8bnot really gzip")
    write(tmp_path / "notes.txt.gz", gzip.compress(b"hello"))
    docs, skipped = load(tmp_path)
    reasons = {s.path.rsplit("/", 1)[1]: s.reason for s in skipped}
    assert reasons["cut.jsonl.gz"].startswith("corrupt or truncated gzip data")
    assert reasons["bad.json.gz"].startswith("corrupt or truncated gzip data")
    assert reasons["notes.txt.gz"] == "unsupported file type '.txt.gz'"
    assert 0 < len(docs) < 500  # what was read before the cut is kept


def test_daily_dumps_with_the_same_ids_are_all_read(tmp_path: Path) -> None:
    # Two dumps with ids 1..N: the second was skipped whole as duplicate ids.
    for day in ("day1", "day2"):
        write(tmp_path / f"{day}.jsonl",
              jsonl(*({"id": i, "text": f"{day} story {i}"} for i in range(1, 4))))
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert [d.id for d in docs] == [f"{day}.jsonl#{i}" for day in ("day1", "day2")
                                    for i in range(1, 4)]


def test_project_files_in_a_data_folder_are_not_articles(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "# About this dump\n\nThese are articles from May.\n")
    write(tmp_path / "LICENSE", "MIT License\n")
    write(tmp_path / "story.txt", "Headline here\n\nTalks in Goa went on.\n")
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["story.txt"]
    assert sorted((s.path.rsplit("/", 1)[1], s.reason) for s in skipped) == [
        ("LICENSE", "not an article: a project file (LICENSE)"),
        ("README.md", "not an article: a project file (README.md)"),
    ]
    assert load(tmp_path / "README.md")[0][0].id == "README.md"  # asked for by name: read


def test_several_paths_and_standard_input(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write(tmp_path / "a" / "x.txt", "Headline one\n\nTalks in Goa went on.\n")
    write(tmp_path / "b" / "x.txt", "Headline two\n\nRain in Delhi went on.\n")
    feed = io.BytesIO(jsonl({"id": "s1", "text": "From a pipe."}).encode())
    docs, skipped = load([tmp_path / "a", tmp_path / "b", "-"], stdin=feed)
    assert skipped == []
    ids = [d.id for d in docs]
    assert ids[:2] == [f"{tmp_path}/a/x.txt", f"{tmp_path}/b/x.txt"] and ids[2] == "s1"
    gz = io.BufferedReader(io.BytesIO(gzip.compress(jsonl({"id": "z", "text": "Zipped."}).encode())))
    assert [d.id for d in load("-", stdin=gz)[0]] == ["z"]
    with pytest.raises(InputError, match="once"):
        load(["-", "-"], stdin=feed)


def test_jsonl_with_a_nul_byte_loses_that_line_only(tmp_path: Path) -> None:
    lines = jsonl({"id": "a", "text": "first"}).encode() + b'{"id": "b\x00"}\n'
    write(tmp_path / "feed.jsonl", lines + jsonl({"id": "c", "text": "third"}).encode())
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["a", "c"]
    skip = only_skip(skipped)
    assert skip.line == 2
    assert skip.reason.startswith("invalid JSON")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_jsonl_with_bom_load(tmp_path: Path, encoding: str) -> None:
    text = jsonl({"id": "é1", "text": "Grève à Marseille"}, {"id": "é2", "text": "日本語"})
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")  # "utf-16"/"utf-32" write their own BOM
    write(tmp_path / "feed.jsonl", (bom + text).encode(encoding))
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert [(d.id, d.text) for d in docs] == [("é1", "Grève à Marseille"), ("é2", "日本語")]


def test_jsonl_that_stops_decoding_is_reported_at_the_line(tmp_path: Path) -> None:
    good = jsonl({"id": "a", "text": "first record"}).encode("utf-16")
    write(tmp_path / "feed.jsonl", good + b"\x00\xd8\x00")  # a lone high surrogate, cut short
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["a"]
    skip = only_skip(skipped)
    assert skip.line == 2
    assert skip.reason == "cannot decode the rest of the file as utf-16"


@pytest.mark.parametrize(
    "name, content",
    [
        ("invisible.txt", "\u200b\u200b\n\u00a0\u2060\n"),
        ("punctuation.md", "...\n!!! --- ***\n\u2014 \u2026\n"),
        ("symbols.html", "<html><body><article><p>*** \u2022 ***</p></article></body></html>"),
    ],
)
def test_text_without_words_is_skipped(tmp_path: Path, name: str, content: str) -> None:
    # Two such files used to come out as "exact duplicates" of each other (no tokens at all).
    write(tmp_path / name, content)
    docs, skipped = load(tmp_path)
    assert docs == []
    assert only_skip(skipped).reason.startswith("no words in the text")


def test_record_without_words_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "r.jsonl", jsonl({"id": "x", "text": "\u200b ... \u00a0"},
                                      {"id": "y", "text": "42"}))
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["y"]  # digits are words: the tokenizer keeps them
    skip = only_skip(skipped)
    assert (skip.line, skip.id) == (1, "x")
    assert skip.reason.startswith("record 'text' has no words")


@pytest.mark.parametrize("content", [b"", b"   \n\t\n", "  \n".encode("utf-16")])
def test_empty_file_is_skipped(tmp_path: Path, content: bytes) -> None:
    write(tmp_path / "empty.txt", content)
    docs, skipped = load(tmp_path)
    assert docs == []
    skip = only_skip(skipped)
    assert skip.reason == "empty file"
    assert skip.path.endswith("empty.txt")


def test_large_text_file_loads(tmp_path: Path) -> None:
    paragraph = "A fairly ordinary sentence about the news of the day, repeated.\n"
    big = "Huge file headline here\n\n" + paragraph * (21 * 1024 * 1024 // len(paragraph))
    write(tmp_path / "big.txt", big)
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert docs[0].title == "Huge file headline here"
    assert len(docs[0].text) == len(big)


# ---- HTML -----------------------------------------------------------------------------------


def test_html_article_extraction(tmp_path: Path) -> None:
    write(tmp_path / "page.html", ARTICLE_HTML)
    docs, skipped = load(tmp_path)
    assert skipped == []
    doc = docs[0]
    assert doc.id == "page.html"
    assert doc.title == "Council approves new bridge"
    assert doc.published == "2024-05-04"  # the day, as trafilatura (htmldate) gives it
    assert doc.url == "https://example.com/news/bridge"
    assert doc.source == "Daily Planet"
    assert "The city council approved the new bridge on Thursday." in doc.text
    assert "Construction starts next year.\nIt will cost £5 million." in doc.text
    for absent in ("SECRET", "SIDEBAR_TEXT", "FOOTER_TEXT", "color: red", "World"):
        assert absent not in doc.text


def test_html_fallbacks_title_tag_time_and_body(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Storm floods the valley | Valley News</title>"
        '<meta property="og:site_name" content="Valley News"></head>'
        "<body><div>Heavy rain fell.</div><p>Roads <b>closed</b>.</p>"
        '<time datetime="2023-01-02">2 Jan</time></body></html>'
    )
    write(tmp_path / "p.htm", html)
    doc = load(tmp_path)[0][0]
    assert doc.title == "Storm floods the valley"  # the <title>, without the site's suffix
    assert doc.published == "2023-01-02"  # a <time> element when no meta tag has a date
    assert "Roads closed." in doc.text


def test_html_title_from_h1_and_main(tmp_path: Path) -> None:
    html = (
        "<body><nav>Menu</nav><main><h1>Only an h1 here</h1><p>Main text.</p></main>"
        "<p>Outside.</p></body>"
    )
    write(tmp_path / "p.html", html)
    doc = load(tmp_path)[0][0]
    assert doc.title == "Only an h1 here"
    # the headline is the title field, not a first line of the text as well
    assert doc.text.startswith("Main text.")
    assert "Menu" not in doc.text


def test_html_without_closing_head_and_legacy_charset(tmp_path: Path) -> None:
    html = (
        b'<html><head><meta charset="windows-1252"><title>Caf\xe9 owners protest new rules'
        b"</title><body><p>\x93Quoted\x94 text.</p></body></html>"
    )
    write(tmp_path / "legacy.html", html)
    doc = load(tmp_path)[0][0]
    assert doc.title == "Café owners protest new rules"
    assert doc.text == "\u201cQuoted\u201d text."


def test_html_with_script_only_is_skipped(tmp_path: Path) -> None:
    html = "<html><head><script>alert('x')</script><style>p{}</style></head><body></body></html>"
    write(tmp_path / "s.html", html)
    docs, skipped = load(tmp_path)
    assert docs == []
    assert only_skip(skipped).reason.startswith("no article text in HTML (")


# ---- JSON / JSONL ---------------------------------------------------------------------------


def test_jsonl_malformed_line_is_skipped_with_line_number(tmp_path: Path) -> None:
    good_a, good_b = jsonl({"id": "a", "text": "first"}), jsonl({"id": "b", "text": "second"})
    content = good_a + "{not json\n\n" + good_b
    write(tmp_path / "recs.jsonl", content)
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["a", "b"]
    skip = only_skip(skipped)
    assert skip.line == 2
    assert skip.reason.startswith("invalid JSON: ")
    assert skip.path.endswith("recs.jsonl")


def test_record_missing_text_lists_keys(tmp_path: Path) -> None:
    write(tmp_path / "r.jsonl", jsonl({"id": "x", "body": "words"}, {"id": "y", "text": "  "}))
    docs, skipped = load(tmp_path)
    assert docs == []
    assert skipped[0].reason == "record has no 'text' (keys: id, body)"
    assert (skipped[0].line, skipped[0].id) == (1, "x")
    assert skipped[1].reason == "record has empty 'text' (keys: id, text)"


@pytest.mark.parametrize(
    ("bad_id", "type_name"), [([1], "list"), (None, "null"), (1.5, "float"), (True, "bool")]
)
def test_non_string_id_is_skipped(tmp_path: Path, bad_id: object, type_name: str) -> None:
    write(tmp_path / "r.jsonl", jsonl({"id": bad_id, "text": "t"}, {"id": 7, "text": "seven"}))
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["7"]
    assert only_skip(skipped).reason == f"id must be a string or integer, got {type_name}"


def test_jsonl_record_without_id_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "r.jsonl", jsonl({"text": "no id"}))
    assert only_skip(load(tmp_path)[1]).reason == "record has no 'id' (keys: text)"


def test_duplicate_ids_in_one_file_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", jsonl({"id": "x", "text": "one"}, {"id": "x", "text": "two"}))
    docs, skipped = load(tmp_path)
    assert [d.text for d in docs] == ["one"]
    first_seen = f"{tmp_path}/a.jsonl:1"
    assert only_skip(skipped).reason == f"duplicate id 'x' (first seen in {first_seen})"
    assert skipped[0].line == 2 and skipped[0].id == "x"


def test_duplicate_ids_across_paths_are_skipped(tmp_path: Path) -> None:
    # Files given as two paths whose records are not prefixed (one record file between them
    # would be prefixed: here the JSON holds one record that takes its file's id).
    write(tmp_path / "a" / "x.txt", "Headline one\n\nTalks in Goa went on.\n")
    write(tmp_path / "b.json", json.dumps({"id": f"{tmp_path}/a/x.txt", "text": "three"}))
    docs, skipped = load([tmp_path / "a", tmp_path / "b.json"])
    assert [d.text for d in docs] == ["Headline one\n\nTalks in Goa went on.\n"]
    assert only_skip(skipped).reason == (
        f"duplicate id '{tmp_path}/a/x.txt' (first seen in {tmp_path}/a/x.txt)"
    )


def test_json_array_date_alias_and_metadata(tmp_path: Path) -> None:
    records = [
        {"id": "1", "text": "alpha", "title": "T1", "date": "2024-01-01", "cluster": 3,
         "group": "g"},
        {"id": 2, "text": "beta", "published": "2024-02-02", "date": "old", "event_key": "e"},
        {"id": "3", "text": "gamma", "published": 1700000000, "url": "https://x.test",
         "source": "S"},
        42,
    ]
    text = json.dumps(records, indent=2)
    write(tmp_path / "arr.json", text)
    docs, skipped = load(tmp_path)
    got = by_id(docs)
    assert got["1"].published == "2024-01-01" and got["1"].title == "T1"
    assert dict(got["1"].metadata) == {"cluster": 3, "group": "g"}
    assert got["2"].published == "2024-02-02"
    assert dict(got["2"].metadata) == {"date": "old", "event_key": "e"}
    assert got["3"].published == "1700000000"  # a number is a Unix time (dedup.dates)
    assert (got["3"].url, got["3"].source) == ("https://x.test", "S")
    skip = only_skip(skipped)
    assert skip.reason == "record must be a JSON object, got int"
    assert skip.line == text.split("\n").index("  42") + 1  # where that element starts


def test_json_single_object_uses_file_id(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "one.json", json.dumps({"text": "solo", "title": "Solo"}))
    docs, skipped = load(tmp_path)
    assert skipped == []
    assert docs[0].id == "sub/one.json"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("e.json", "[]", "empty JSON array"),
        ("e.jsonl", "\n\n  \n", "empty file"),
        ("n.json", "null", "record must be a JSON object, got null"),
    ],
)
def test_json_files_without_records(tmp_path: Path, name: str, content: str, reason: str) -> None:
    write(tmp_path / name, content)
    docs, skipped = load(tmp_path)
    assert docs == []
    assert only_skip(skipped).reason == reason


def test_invalid_json_file_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "bad.json", '[{"id": "a", "text": "t"},\n  oops]')
    docs, skipped = load(tmp_path)
    assert docs == []
    skip = only_skip(skipped)
    assert skip.reason.startswith("invalid JSON: ")
    assert skip.line == 2


# ---- folders, files and paths ---------------------------------------------------------------


def test_folder_order_is_sorted_and_ids_are_relative(tmp_path: Path) -> None:
    for name in ["zeta.txt", "b/inner.txt", "alpha.txt", "b/a/deep.md", "c.txt"]:
        write(tmp_path / name, f"Title for {name} here\n\nBody.\n")
    ids = [item.id for item in iter_inputs(tmp_path) if isinstance(item, Document)]
    assert ids == ["alpha.txt", "b/a/deep.md", "b/inner.txt", "c.txt", "zeta.txt"]
    assert ids == [item.id for item in iter_inputs(str(tmp_path)) if isinstance(item, Document)]


def test_hidden_and_unsupported_files(tmp_path: Path) -> None:
    write(tmp_path / ".hidden.txt", "Hidden file text here\n")
    write(tmp_path / ".git" / "config.txt", "Hidden folder text\n")
    write(tmp_path / "scan.PDF", b"%PDF-1.4")
    write(tmp_path / "photo.png", b"\x89PNG")
    write(tmp_path / "NOTES", "no extension")
    write(tmp_path / "ok.TXT", "Upper case extension works fine\n")
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["ok.TXT"]
    assert [s.reason for s in skipped] == [
        "unsupported file type (no extension)",
        "unsupported file type '.png'",
        "unsupported file type '.pdf'",
    ]


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", "A good article title\n")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["good.txt"]
    skip = only_skip(skipped)
    assert skip.reason == "broken symbolic link"
    assert skip.path.endswith("dangling.txt")


def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "a.txt", "An article in a folder\n")
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.txt").symlink_to(tmp_path / "self.txt")
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["sub/a.txt"]
    assert sorted(s.reason for s in skipped) == [
        "symbolic link loop",
        "symbolic link loop (points to a folder above it)",
    ]


def test_symlinked_folder_is_followed_once(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    write(outside / "x.txt", "Linked article title\n")
    (tmp_path / "linked").symlink_to(outside, target_is_directory=True)
    (tmp_path / "linked_again").symlink_to(outside, target_is_directory=True)
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["linked/x.txt"]
    assert only_skip(skipped).reason == "folder already read through another path"


def test_non_utf8_file_name_gives_printable_id(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    try:
        with open(raw, "wb") as handle:
            handle.write(b"Name with a Latin-1 byte\n")
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    docs, _ = load(tmp_path)
    assert docs[0].id == "caf\\xe9.txt"
    assert docs[0].id.isprintable()
    json.dumps(docs[0].id, ensure_ascii=False).encode("utf-8")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.txt", "Secret article title\n")
    locked.chmod(0)
    try:
        docs, skipped = load(tmp_path)
    finally:
        locked.chmod(0o644)
    assert docs == []
    assert only_skip(skipped).reason == "cannot read file: permission denied"


def test_read_error_is_skipped_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "a.txt", "Readable article title\n")
    write(tmp_path / "b.txt", "Locked article title\n")
    real_open = open

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file).endswith("b.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(decode, "open", fake_open, raising=False)
    docs, skipped = load(tmp_path)
    assert [d.id for d in docs] == ["a.txt"]
    assert only_skip(skipped).reason == "cannot read file: permission denied"


def test_single_file_inputs(tmp_path: Path) -> None:
    page = write(tmp_path / "dir" / "page.html", ARTICLE_HTML)
    assert load(page)[0][0].id == "page.html"
    recs = write(tmp_path / "r.jsonl", jsonl({"id": "r1", "text": "one"}))
    assert [d.id for d in load(recs)[0]] == ["r1"]
    png = write(tmp_path / "p.png", b"\x89PNG")
    assert only_skip(load(png)[1]).reason == "unsupported file type '.png'"


def test_nonexistent_path_raises_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(InputError, match="does not exist: .*nope"):
        iter_inputs(missing)  # raised at the call, not at the first next()
    with pytest.raises(InputError, match="nope"):
        load(str(missing))
