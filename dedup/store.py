"""Saving and loading a :class:`~dedup.index.DedupIndex`: one SQLite file, written whole to a
temporary file beside the target and renamed over it, so a process killed mid-save leaves the
previous index intact. Nothing is unpickled: every value is JSON, text or a numeric array."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .config import Config
from .documents import FieldWarning
from .errors import InputError
from .events import EventDate, EventKey
from .pipeline import Prepared, TextRecord

if TYPE_CHECKING:
    from .index import DedupIndex


FORMAT = "dedup-index"
VERSION = 3  # 2: token ids over one vocabulary, exact keys from token hashes; 3: site chrome
READABLE = (2, 3)  # a version 2 file loads with no site chrome learned
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, record TEXT NOT NULL,
    term_cols BLOB NOT NULL, term_counts BLOB NOT NULL,
    head_cols BLOB NOT NULL, head_counts BLOB NOT NULL,
    signature BLOB NOT NULL, shingles INTEGER NOT NULL, alive INTEGER NOT NULL,
    group_root INTEGER NOT NULL, story_root INTEGER NOT NULL
);
CREATE TABLE vocabulary (term TEXT PRIMARY KEY, col INTEGER NOT NULL);
CREATE TABLE edges (row INTEGER NOT NULL, other INTEGER NOT NULL, score REAL NOT NULL,
                    jaccard REAL NOT NULL, copy INTEGER NOT NULL);
CREATE TABLE sites (source TEXT PRIMARY KEY, pages INTEGER NOT NULL, pruned_at INTEGER NOT NULL);
CREATE TABLE site_lines (source TEXT NOT NULL, line TEXT NOT NULL, pages INTEGER NOT NULL);
CREATE TABLE words (word TEXT NOT NULL, kind TEXT NOT NULL);
"""


def _date_json(d: EventDate | None) -> Any:
    if d is None:
        return None
    return {"lo": d.lo.isoformat(), "hi": d.hi.isoformat(), "year_known": d.year_known,
            "source": d.source}


def _key_json(key: EventKey) -> dict[str, Any]:
    return {
        "date": _date_json(key.date),
        "published": key.published.isoformat() if key.published else None,
        "people": sorted(key.people), "orgs": sorted(key.orgs), "places": sorted(key.places),
        "venue": key.venue,
        "place_parents": {k: sorted(v) for k, v in key.place_parents.items()},
        "names": key.names, "dateline_place": key.dateline_place,
    }


def record_json(record: Prepared) -> dict[str, Any]:
    """A document's record as JSON (saved files and the shared index's log use this)."""
    out = {"id": record.id, "title": record.title, "exact": record.exact,
           "published": record.published, "source": record.source,
           "key": _key_json(record.key)}
    if record.warnings:
        out["warnings"] = [w.to_dict() for w in record.warnings]
    if record.text is not None:
        out["text"] = [record.text.words, [list(r) for r in record.text.removed]]
    return out


def record_from(data: dict[str, Any]) -> Prepared:
    """The inverse of :func:`record_json`."""
    warnings = tuple(FieldWarning(**w) for w in data.get("warnings", ()))
    text = None
    if data.get("text"):
        words, removed = data["text"]
        text = TextRecord(words, tuple((rule, n) for rule, n in removed))
    return Prepared(data["id"], data["title"], data["exact"], _key_from(data["key"]),
                    data["published"], data["source"], warnings, text)


def _key_from(data: dict[str, Any]) -> EventKey:
    d = data["date"]
    date = None if d is None else EventDate(
        dt.date.fromisoformat(d["lo"]), dt.date.fromisoformat(d["hi"]), d["year_known"], d["source"]
    )
    return EventKey(
        date=date,
        published=dt.date.fromisoformat(data["published"]) if data["published"] else None,
        people=frozenset(data["people"]), orgs=frozenset(data["orgs"]),
        places=frozenset(data["places"]), venue=data["venue"],
        place_parents={k: frozenset(v) for k, v in data["place_parents"].items()},
        names=dict(data["names"]), dateline_place=data["dateline_place"],
    )


def _given(data: dict[str, Any], row: int, group: int, story: int) -> tuple[str, int]:
    """The verdict a saved article got: (status, best match row). Version 2 files did not
    keep it: it is told from the article's group and story (its first member is the match)."""
    if "given" in data:
        status, best = data["given"]
        return str(status), int(best)
    if group != row:
        return "near-duplicate", group
    if story != row:
        return "same-event", story
    return "new", -1


def save(index: DedupIndex, path: str | os.PathLike[str]) -> None:
    """Write ``index`` to ``path`` atomically (temporary file, fsync, rename)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(tmp) as db:
            db.executescript(_SCHEMA)
            _write(index, db)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        raise InputError(f"{target}: cannot save the index: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _write(index: DedupIndex, db: sqlite3.Connection) -> None:
    state = index._state()
    config = {f.name: getattr(index.config, f.name) for f in fields(Config)}
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("format", FORMAT), ("version", str(VERSION)), ("config", json.dumps(config)),
    ])
    corpus = state["corpus"]
    signatures, shingles = corpus.finish()
    rows = []
    for row, record in enumerate(corpus.records):
        tc, tn = corpus.terms.row(row)
        hc, hn = corpus.heads.row(row)
        data = record_json(record)
        data["given"] = list(state["given"][row])
        rows.append((
            row, record.id, json.dumps(data, ensure_ascii=False),
            tc.astype("<i4").tobytes(), tn.astype("<f4").tobytes(),
            hc.astype("<i4").tobytes(), hn.astype("<f4").tobytes(),
            signatures[row].astype("<u4").tobytes(), int(shingles[row]),
            int(state["alive"][row]), state["group_roots"][row], state["story_roots"][row],
        ))
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO vocabulary VALUES (?, ?)", corpus.vocabulary.index.items())
    db.executemany("INSERT INTO words VALUES (?, 'common')", ((w,) for w in corpus.common_words))
    db.executemany("INSERT INTO words VALUES (?, 'seen')", ((w,) for w in state["seen_once"]))
    db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
                   ((row, other, *edge) for row, other, edge in state["edges"]))
    sites, lines = state["site_chrome"].state()
    db.executemany("INSERT INTO sites VALUES (?, ?, ?)", sites)
    db.executemany("INSERT INTO site_lines VALUES (?, ?, ?)", lines)


def load(path: str | os.PathLike[str]) -> DedupIndex:
    """Read an index written by :func:`save`; a file that is not one raises :class:`InputError`."""
    from .index import DedupIndex, Edge

    source = Path(path)
    try:
        with open(source, "rb") as handle:
            magic = handle.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise InputError(f"{source}: cannot read index: {exc.strerror or exc}") from exc
    if magic != _SQLITE_MAGIC:
        raise InputError(f"{source}: not a dedup index (not an SQLite file)")
    try:
        db = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("format") != FORMAT:
                raise InputError(f"{source}: not a dedup index (format {meta.get('format')!r})")
            version = int(meta.get("version", 0))
            if version not in READABLE:
                raise InputError(
                    f"{source}: dedup index version {meta.get('version')} is not supported "
                    f"(this dedup reads version {VERSION})"
                )
            config = Config(**json.loads(meta["config"]))
            index = DedupIndex(config)
            vocabulary = dict(db.execute("SELECT term, col FROM vocabulary"))
            words = db.execute("SELECT word, kind FROM words").fetchall()
            docs = db.execute("SELECT * FROM docs ORDER BY row").fetchall()
            sites = db.execute("SELECT * FROM sites").fetchall() if version >= 3 else []
            lines = db.execute("SELECT * FROM site_lines").fetchall() if version >= 3 else []
            edges = db.execute("SELECT * FROM edges").fetchall() if version >= 3 else []
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{source}: not a dedup index ({exc})") from exc
    entries = []
    for (row, _id, record, tc, tn, hc, hn, sig, shingles, alive, group_root, story_root) in docs:
        data = json.loads(record)
        prepared = record_from(data)
        entries.append((
            prepared,
            (np.frombuffer(tc, "<i4"), np.frombuffer(tn, "<f4")),
            (np.frombuffer(hc, "<i4"), np.frombuffer(hn, "<f4")),
            np.frombuffer(sig, "<u4"), shingles, bool(alive), group_root, story_root,
            _given(data, row, group_root, story_root),
        ))
    index._site_chrome.restore(sites, lines)
    index._restore(
        vocabulary, entries,
        common={w for w, kind in words if kind == "common"},
        seen={w for w, kind in words if kind == "seen"},
        edges=[(row, other, Edge(*values)) for row, other, *values in edges],
    )
    return index


__all__ = ["save", "load", "FORMAT", "VERSION", "asdict"]
