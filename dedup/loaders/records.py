"""JSON records: ``.json`` (one record, or an array of them), ``.jsonl`` and ``.ndjson`` (one
record a line, read as a stream; standard input too), each also gzip-compressed.

A record is an object with an ``id`` (a string or an integer) and a ``text``; ``title``,
``published`` (or ``date``), ``source`` and ``url`` are read where present, and its other fields
are kept as metadata. A record that cannot be used is one :class:`Skipped`, with the line where
it starts and the keys it has; the others go on. Where a run holds several record files, each
record's id begins with its file's (:attr:`Source.id_prefix <dedup.loaders.walk.Source>`).
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from dedup.documents import Document, Skipped
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
from dedup.loaders.walk import Item, Run, Source

__all__ = ["date_value", "read_json", "read_jsonl", "record_line", "record_value"]

_KNOWN_FIELDS = ("id", "text", "title", "source", "url")


def read_json(source: Source, run: Run) -> Iterator[Item]:
    """A .json file (gzip-compressed too, whatever its name says): one record or an array."""
    data = read_file(source.path, source.shown, source.gzipped, sniff_gzip=True)
    if isinstance(data, Skipped):
        yield data
        return
    yield from _iter_json(data, source.id, source.shown, run, source.id_prefix)


def read_jsonl(source: Source, run: Run) -> Iterator[Item]:
    """A .jsonl/.ndjson file, or standard input: one record a line (gzip-compressed too)."""
    if source.stream is not None:
        yield from _iter_jsonl_handle(source.stream, source.shown, run, source.id_prefix)
    else:
        yield from _iter_jsonl(source.path, source.shown, run, source.id_prefix)


def record_line(raw: bytes, shown: str, lineno: int) -> Item | None:
    """One line of JSON Lines read apart from its file (the Spark engine reads a file's lines
    in parallel, :mod:`dedup.spark`): None when blank, else a document or a skipped record,
    as :func:`read_jsonl` reads it; ids met twice are the caller's to find."""
    return _jsonl_line(raw, shown, lineno, Run())


def record_value(value: Any, shown: str, line: int | None) -> Item:
    """One record given as a parsed value (a row of a table), as :func:`read_jsonl` reads
    the same record from a line; ids met twice are the caller's to find."""
    return _record_item(value, shown, line, Run())


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
    if not hasattr(handle, "peek"):  # a stream without a look-ahead (a BytesIO): give it one
        handle = io.BufferedReader(handle)  # type: ignore[arg-type]
    if handle.peek(2)[:2] == GZIP_MAGIC:
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
        published=date_value(value.get(published_key)),
        source=_clean_str(value.get("source")),
        url=_clean_str(value.get("url")),
        metadata=metadata,
    )


def date_value(value: Any) -> str | None:
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
