"""One index shared by many crawler processes, through Redis.

Design: Redis holds the index as an append-only **log** of indexed articles: for each, its
record and event key, its MinHash signature, its term counts (the TF-IDF vectors are computed
from them), its lower-case words, and the duplicate group and story it joined. Every process
keeps a local :class:`~dedup.index.DedupIndex` that replays the log. An ``add()`` takes a Redis
lock, replays the entries it has not seen, judges the article against the complete index,
appends its entry and releases the lock: adds are serialised across processes, so no copy is
missed because two processes saw it at once, and every verdict is in the log. Reads
(``check()``) replay the log without the lock. The log order is the row order, so every
process computes the same verdicts and the same batch view.

Requires the ``redis`` package (``pip install dedup[redis]``) and a Redis server.
"""

from __future__ import annotations

import base64
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

import numpy as np

from .boilerplate import page_keys, source_of
from .config import Config
from .documents import Document
from .errors import ConfigError, DedupError, IndexBusy
from .fingerprint import shingle_count
from .index import DedupIndex, Edge, Verdict
from .pipeline import Analysis
from .result import ClusterResult
from .similarity import TermCounts
from .store import record_from, record_json

# RPUSH ARGV[2] to KEYS[1] only if the list holds ARGV[1] entries; else -1 (atomic in Redis).
_APPEND_IF_LENGTH = """
if redis.call('LLEN', KEYS[1]) == tonumber(ARGV[1]) then
    return redis.call('RPUSH', KEYS[1], ARGV[2])
end
return -1
"""


class SharedIndex:
    """A :class:`~dedup.index.DedupIndex` shared through Redis.

    Args:
        url: Redis URL, e.g. ``redis://localhost:6379/0``.
        name: key prefix of this index in Redis. Default ``"dedup"``.
        config: settings; the first process to use ``name`` stores them, and later ones must
            agree (or pass None to adopt them).
        lock_timeout: seconds after which a lock held by a dead process expires. Default 30.
        lock_wait: seconds :meth:`add` waits for the lock (trying every 0.1 s) before it raises
            :class:`~dedup.errors.IndexBusy` (nothing indexed; call it again later); None waits
            as long as it takes. Default 10.
    """

    def __init__(
        self, url: str, *, name: str = "dedup", config: Config | None = None,
        lock_timeout: float = 30.0, lock_wait: float | None = 10.0,
    ) -> None:
        if lock_wait is not None and not (
            isinstance(lock_wait, (int, float)) and not isinstance(lock_wait, bool)
            and math.isfinite(lock_wait) and lock_wait > 0
        ):
            raise ConfigError(
                "The 'lock_wait' parameter must be a positive number of seconds, or None to "
                f"wait as long as it takes. Got {lock_wait!r} instead."
            )
        try:
            import redis
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise DedupError(
                "The Redis backend needs the 'redis' package: pip install 'dedup[redis]'"
            ) from exc
        self._redis = redis.Redis.from_url(url)
        self._log = f"{name}:log"
        self._name = name
        self._lock_wait = lock_wait
        self._lock = self._redis.lock(
            f"{name}:lock", timeout=lock_timeout, blocking_timeout=lock_wait
        )
        self.config = self._agree_on_config(f"{name}:config", config)
        self._local = DedupIndex(self.config)
        self._applied = 0
        self._mutex = threading.RLock()  # one replay at a time within this process
        self._append = self._redis.register_script(_APPEND_IF_LENGTH)

    def _agree_on_config(self, key: str, config: Config | None) -> Config:
        wanted = json.dumps({f.name: getattr(config or Config(), f.name) for f in fields(Config)})
        self._redis.set(key, wanted, nx=True)
        stored = self._redis.get(key)
        stored_config = Config(**json.loads(stored))
        if config is not None and stored_config != config:
            raise ConfigError(
                f"The shared index {key.rsplit(':', 1)[0]!r} was created with another "
                f"configuration ({stored.decode()}); pass config=None to use it."
            )
        return stored_config

    # -- public API ------------------------------------------------------------------------

    def add(self, document: Document) -> Verdict:
        """Index an article for every process sharing the index, and say what it is.

        Raises :class:`~dedup.errors.IndexBusy` when another process holds the index's lock
        for longer than ``lock_wait`` seconds (the article is not indexed)."""
        for _attempt in range(3):
            with self._mutex, self._locked():
                self._sync()
                if document.id in self._local:  # a re-crawl: its verdict, nothing appended
                    return self._local.verdict(document.id)
                with self._local._lock:
                    a = self._local._analyse(document, learn=True)
                    sig = self._local._signature(a)
                verdict = self._local._add_analysed(a, sig)
                entry = json.dumps(self._entry(a, sig, document))
                # Append only if the log is still as long as this replica saw it: a lock held
                # past lock_timeout may have let another process append in between.
                if self._append(keys=[self._log], args=[self._applied, entry]) >= 0:
                    self._applied += 1
                    return verdict
                # This replica judged against a stale log and now disagrees with it: rebuild
                # it from the log and judge the article again.
                self._local = DedupIndex(self.config)
                self._applied = 0
        raise DedupError(
            f"Could not append {document.id!r} to the shared index: the log kept changing "
            "while this process held the lock (is lock_timeout shorter than one add?)."
        )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if not self._lock.acquire():  # False once lock_wait seconds have passed
            raise IndexBusy(
                f"The shared index {self._name!r} stayed locked by another process for "
                f"{self._lock_wait:g} s; {self._name}:lock expires by itself when its holder "
                "died. Add the article again later, or pass a longer lock_wait."
            )
        try:
            yield
        finally:
            self._lock.release()

    def check(self, document: Document) -> Verdict:
        """The verdict :meth:`add` would give now, without indexing the article."""
        self._sync()
        return self._local.check(document)

    def result(self) -> ClusterResult:
        """The batch clustering of everything in the shared index."""
        self._sync()
        return self._local.result()

    def stats(self) -> dict[str, int]:
        self._sync()
        return self._local.stats()

    def __len__(self) -> int:
        self._sync()
        return len(self._local)

    def __contains__(self, doc_id: object) -> bool:
        self._sync()
        return doc_id in self._local

    # -- the log ---------------------------------------------------------------------------

    def _sync(self) -> None:
        """Replay the log entries this process has not applied yet."""
        with self._mutex:
            for raw in self._redis.lrange(self._log, self._applied, -1):
                self._apply(json.loads(raw))
                self._applied += 1

    def _entry(self, a: Analysis, sig: np.ndarray, document: Document) -> dict[str, Any]:
        local = self._local
        row = len(local._corpus.records) - 1
        record = a.record
        words = local._corpus.vocabulary.words

        def counts(rows: TermCounts) -> dict[str, int]:  # the row just added, by word
            cols, values = rows.row(row)
            return {words[c]: int(v) for c, v in zip(cols.tolist(), values.tolist())}

        return {
            "record": record_json(record),
            "terms": counts(local._corpus.terms),
            "heads": counts(local._corpus.heads),
            "signature": base64.b64encode(sig.astype("<u4").tobytes()).decode(),
            "shingles": shingle_count(len(a.ids), local.config.shingle_size),
            "lower": sorted(a.lower_words),
            # the pairs it was scored on here: every process grows its stories with them
            "edges": [[other, *edge] for other, edge in sorted(local._edges[row].items())
                      if other < row],
            "given": list(local._given[row]),
            # the page's lines, so that every process learns its site's chrome from it
            "site": source_of(document),
            "lines": sorted(page_keys(document)) if source_of(document) else [],
        }

    def _apply(self, entry: dict[str, Any]) -> None:
        data = entry["record"]
        record = record_from(data)
        sig = np.frombuffer(base64.b64decode(entry["signature"]), "<u4").copy()
        self._local._apply_entry(
            record, entry["terms"], entry["heads"], sig, entry["shingles"], set(entry["lower"]),
            {int(other): Edge(float(score), float(jaccard), int(copy))
             for other, score, jaccard, copy in entry["edges"]},
            tuple(entry["given"]),
        )
        if entry.get("site"):
            self._local._site_chrome.count(entry["site"], set(entry["lines"]))


__all__ = ["SharedIndex"]
