"""The records a crawler index is kept in, and its storage: memory, an SQLite file, Redis.

One set of records serves every storage:

* :class:`IndexState`: all an index holds, as plain records (:class:`RowState` per article,
  its scored pairs as :class:`Edge`, the vocabulary, the common words, the sites' chrome).
  :meth:`DedupIndex.state <dedup.index.DedupIndex.state>` gives it and
  :meth:`DedupIndex.from_state <dedup.index.DedupIndex.from_state>` takes it back.
* :func:`save` / :func:`load` write it to one SQLite file (written whole to a temporary file
  beside the target and renamed over it, so a process killed mid-save leaves the previous
  index intact) and read it; :func:`dumps` / :func:`loads` do the same as bytes (a shared
  index's snapshot in Redis).
* :func:`encode_entry` / :func:`decode_entry`: one added article as a log entry (JSON), the
  delta a shared index appends to its Redis log and every process applies.

Nothing is unpickled: every value is JSON, text or a numeric array. This module imports no
other storage and not the index: the index uses it, never the other way round.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .analysis import Prepared, TextRecord
from .config import Config
from .documents import FieldWarning
from .errors import InputError
from .events import EventDate, EventKey


class Edge(NamedTuple):
    """A candidate pair as an index keeps it: the same-event score (computed once, with the
    statistics of the moment the later article was added), the estimated shingle Jaccard, and
    whether the two are copies (0: no, 1: near-duplicate, 2: exact)."""

    score: float
    jaccard: float
    copy: int

    def links(self, threshold: float) -> bool:
        """Whether the pair can join two articles at all: a copy, or a score that reaches the
        cluster threshold (two clusters merge only where their average does, so only where
        one of their pairs does)."""
        return self.copy > 0 or self.score >= threshold


@dataclass
class RowState:
    """One indexed article as stored."""

    record: Prepared
    terms: tuple[np.ndarray, np.ndarray]  # columns, counts
    heads: tuple[np.ndarray, np.ndarray]
    signature: np.ndarray
    shingles: int
    alive: bool
    group: int  # first row of its duplicate group
    story: int  # first row of its story
    given: tuple[str, int]  # the status its verdict gave, its best match row (-1: none)


@dataclass
class IndexState:
    """All a crawler index holds, as records (see the module doc)."""

    config: Config
    vocabulary: dict[str, int]
    rows: list[RowState] = field(default_factory=list)
    edges: list[tuple[int, int, Edge]] = field(default_factory=list)  # (row, other < row, edge)
    common: set[str] = field(default_factory=set)  # words two articles or more write in lower case
    seen: set[str] = field(default_factory=set)  # words one article or more writes so
    sites: list[tuple[str, int, int]] = field(default_factory=list)  # SiteChrome.state()
    site_lines: list[tuple[str, str, int]] = field(default_factory=list)


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
            "source": d.source, "confident": d.confident, "follow_up": d.follow_up}


def _key_json(key: EventKey) -> dict[str, Any]:
    return {
        "date": _date_json(key.date),
        "published": key.published.isoformat() if key.published else None,
        "people": sorted(key.people), "orgs": sorted(key.orgs), "places": sorted(key.places),
        "venue": key.venue,
        "place_parents": {k: sorted(v) for k, v in key.place_parents.items()},
        "names": dict(key.names), "dateline_place": key.dateline_place,
        "block": [key.block[0], sorted(key.block[1])] if key.block else None,
        "ages": sorted(key.ages),
        "age_sexes": sorted(key.age_sexes),
        "roundup": key.roundup,
        "streets": sorted(key.streets),
        "outcome": key.outcome,
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
        dt.date.fromisoformat(d["lo"]), dt.date.fromisoformat(d["hi"]), d["year_known"], d["source"],
        d.get("confident", False),  # files saved before confidence was kept: none confident
        d.get("follow_up", False),
    )
    return EventKey(
        date=date,
        published=dt.date.fromisoformat(data["published"]) if data["published"] else None,
        people=frozenset(data["people"]), orgs=frozenset(data["orgs"]),
        places=frozenset(data["places"]), venue=data["venue"],
        place_parents={k: frozenset(v) for k, v in data["place_parents"].items()},
        names=dict(data["names"]), dateline_place=data["dateline_place"],
        block=(data["block"][0], frozenset(data["block"][1])) if data.get("block") else None,
        ages=frozenset(data.get("ages", ())),  # files saved before ages were kept: none
        age_sexes=frozenset((age, sex) for age, sex in data.get("age_sexes", ())),
        roundup=data.get("roundup", False),
        streets=frozenset(data.get("streets", ())),
        outcome=data.get("outcome"),  # files saved before outcomes were kept: none
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


def save(state: IndexState, path: str | os.PathLike[str]) -> None:
    """Write ``state`` to ``path`` atomically (temporary file, fsync, rename)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(tmp) as db:
            db.executescript(_SCHEMA)
            _write(state, db)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except (sqlite3.Error, OSError) as exc:
        raise InputError(f"{target}: cannot save the index: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def dumps(state: IndexState) -> bytes:
    """``state`` as the bytes of the file :func:`save` writes."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.dedup"
        save(state, path)
        return path.read_bytes()


def loads(data: bytes, name: str = "snapshot") -> IndexState:
    """The state in bytes :func:`dumps` made (``name``: what error messages call them)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.dedup"
        path.write_bytes(data)
        try:
            return load(path)
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), name)) from None


def _write(state: IndexState, db: sqlite3.Connection) -> None:
    config = {f.name: getattr(state.config, f.name) for f in fields(Config)}
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("format", FORMAT), ("version", str(VERSION)), ("config", json.dumps(config)),
    ])
    rows = []
    for number, row in enumerate(state.rows):
        data = record_json(row.record)
        data["given"] = list(row.given)
        rows.append((
            number, row.record.id, json.dumps(data, ensure_ascii=False),
            row.terms[0].astype("<i4").tobytes(), row.terms[1].astype("<f4").tobytes(),
            row.heads[0].astype("<i4").tobytes(), row.heads[1].astype("<f4").tobytes(),
            row.signature.astype("<u4").tobytes(), int(row.shingles),
            int(row.alive), row.group, row.story,
        ))
    db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO vocabulary VALUES (?, ?)", state.vocabulary.items())
    db.executemany("INSERT INTO words VALUES (?, 'common')", ((w,) for w in state.common))
    db.executemany("INSERT INTO words VALUES (?, 'seen')", ((w,) for w in state.seen))
    db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?)",
                   ((row, other, *edge) for row, other, edge in state.edges))
    db.executemany("INSERT INTO sites VALUES (?, ?, ?)", state.sites)
    db.executemany("INSERT INTO site_lines VALUES (?, ?, ?)", state.site_lines)


def load(path: str | os.PathLike[str]) -> IndexState:
    """Read a state written by :func:`save`; a file that is not one raises :class:`InputError`."""
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
            state = IndexState(
                Config(**json.loads(meta["config"])),
                dict(db.execute("SELECT term, col FROM vocabulary")),
            )
            words = db.execute("SELECT word, kind FROM words").fetchall()
            docs = db.execute("SELECT * FROM docs ORDER BY row").fetchall()
            if version >= 3:
                state.sites = db.execute("SELECT * FROM sites").fetchall()
                state.site_lines = db.execute("SELECT * FROM site_lines").fetchall()
                state.edges = [(row, other, Edge(*values))
                               for row, other, *values in db.execute("SELECT * FROM edges")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{source}: not a dedup index ({exc})") from exc
    state.common = {w for w, kind in words if kind == "common"}
    state.seen = {w for w, kind in words if kind == "seen"}
    for (row, _id, record, tc, tn, hc, hn, sig, shingles, alive, group, story) in docs:
        data = json.loads(record)
        state.rows.append(RowState(
            record_from(data),
            (np.frombuffer(tc, "<i4"), np.frombuffer(tn, "<f4")),
            (np.frombuffer(hc, "<i4"), np.frombuffer(hn, "<f4")),
            np.frombuffer(sig, "<u4").copy(), shingles, bool(alive), group, story,
            _given(data, row, group, story),
        ))
    return state


def encode_entry(
    record: Prepared, terms: dict[str, int], heads: dict[str, int], signature: np.ndarray,
    shingles: int, lower: list[str], edges: dict[int, Edge], given: tuple[str, int],
    site: str | None, lines: list[str],
) -> dict[str, Any]:
    """One added article as a log entry: its record, its term counts by word (each process
    numbers words its own way), its signature, its lower-case words (for the common words),
    the pairs it was scored on (so every process grows its stories from the same scores), the
    verdict it got, and its site and line keys (so every process learns the site's chrome)."""
    return {
        "record": record_json(record),
        "terms": terms,
        "heads": heads,
        "signature": base64.b64encode(signature.astype("<u4").tobytes()).decode(),
        "shingles": int(shingles),
        "lower": sorted(lower),
        "edges": [[other, *edge] for other, edge in sorted(edges.items())],
        "given": list(given),
        "site": site,
        "lines": sorted(lines),
    }


def decode_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """The values of a log entry (:func:`encode_entry`), decoded."""
    return {
        "record": record_from(entry["record"]),
        "terms": entry["terms"],
        "heads": entry["heads"],
        "signature": np.frombuffer(base64.b64decode(entry["signature"]), "<u4").copy(),
        "shingles": int(entry["shingles"]),
        "lower": set(entry["lower"]),
        "edges": {int(other): Edge(float(score), float(jaccard), int(copy))
                  for other, score, jaccard, copy in entry["edges"]},
        "given": (str(entry["given"][0]), int(entry["given"][1])),
        "site": entry.get("site"),
        "lines": set(entry.get("lines", ())),
    }


__all__ = [
    "Edge", "FORMAT", "IndexState", "RowState", "VERSION", "decode_entry", "dumps",
    "encode_entry", "load", "loads", "record_from", "record_json", "save",
]
