"""One index shared by many crawler processes, through Redis.

Design: Redis holds the index as an append-only **log** (:func:`dedup.store.encode_entry`:
each indexed article's record, signature, term counts, lower-case words, the pairs it was
scored on and the verdict it got; and ``{"expire": date}`` entries), and a **snapshot**: the
whole index at some point of the log, as the bytes of an index file (:func:`dedup.store.dumps`).
Every process keeps a local :class:`~dedup.index.DedupIndex`: it loads the snapshot, then
replays the log from there. An ``add()`` takes a Redis lock, replays the entries it has not
seen, judges the article against the complete index, appends its entry and releases the
lock: adds are serialised across processes, so no copy is missed because two processes saw
it at once, and every verdict is in the log. Reads (``check()``) replay the log without the
lock. The log order is the row order, so every process holds the same stories and the same
batch view.

:meth:`SharedIndex.compact` writes a new snapshot and drops the log entries it covers, so the
log does not grow for ever and a new process reads only its tail; :meth:`SharedIndex.expire`
is an entry of the log, so every process forgets the same articles.

Keys (``name`` is the prefix): ``name:log`` (the entries after the snapshot), ``name:base``
(how many entries came before the first one in ``name:log``), ``name:snapshot`` and
``name:snapshot_at`` (the snapshot and how many entries it holds), ``name:config``,
``name:lock``.

Requires the ``redis`` package (``pip install dedup[redis]``) and a Redis server.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

from . import store
from .config import Config
from .dates import parse_published
from .documents import Document
from .errors import ConfigError, DedupError, IndexBusy
from .index import DedupIndex, Verdict
from .result import ClusterResult

# RPUSH ARGV[2] to the log KEYS[1] only if the log holds ARGV[1] entries in all (the base
# KEYS[2] counts those a compaction dropped); else -1 (atomic in Redis).
_APPEND_IF_LENGTH = """
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
if base + redis.call('LLEN', KEYS[1]) == tonumber(ARGV[1]) then
    return redis.call('RPUSH', KEYS[1], ARGV[2])
end
return -1
"""


# The base KEYS[2] and the log KEYS[1]'s entries from number ARGV[1] on (none when a
# compaction dropped some of them: the caller loads the snapshot first), read atomically.
_TAIL = """
local base = tonumber(redis.call('GET', KEYS[2]) or '0')
local applied = tonumber(ARGV[1])
if applied < base then
    return {base, {}}
end
return {base, redis.call('LRANGE', KEYS[1], applied - base, -1)}
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
        self._base = f"{name}:base"
        self._snapshot = f"{name}:snapshot"
        self._snapshot_at = f"{name}:snapshot_at"
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
        self._tail = self._redis.register_script(_TAIL)

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
                verdict, entry = self._local.add_logged(document)
                if self._append_entry(entry):
                    return verdict
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

    def _append_entry(self, entry: dict[str, Any] | None) -> bool:
        """Append this replica's newest entry. False (and the replica is thrown away, to be
        rebuilt from Redis) when the log is no longer as long as this replica saw it: a lock
        held past lock_timeout may have let another process append in between."""
        if self._append(keys=[self._log, self._base], args=[self._applied, json.dumps(entry)]) >= 0:
            self._applied += 1
            return True
        self._local = DedupIndex(self.config)
        self._applied = 0
        return False

    def expire(self, before: dt.date | str) -> int:
        """Forget, in every process, the articles published before ``before`` (see
        :meth:`DedupIndex.expire <dedup.index.DedupIndex.expire>`); returns how many were
        dropped. The expiry is an entry of the log, so every replica applies it at the same
        point."""
        day = before if isinstance(before, dt.date) else parse_published(str(before))
        for _attempt in range(3):
            with self._mutex, self._locked():
                self._sync()
                dropped = self._local.expire(day)
                if self._append_entry({"expire": day.isoformat()}):
                    return dropped
        raise DedupError("Could not append an expiry to the shared index: the log kept changing.")

    def compact(self) -> int:
        """Write a snapshot of the whole index to Redis and drop the log entries it covers:
        a new process then loads the snapshot and replays only the entries after it. Returns
        how many entries the snapshot holds. Run it now and then (a cron job, or every few
        thousand adds): the log otherwise grows with every article."""
        with self._mutex, self._locked():
            self._sync()
            data = store.dumps(self._local.state())
            base = int(self._redis.get(self._base) or 0)
            with self._redis.pipeline(transaction=True) as tx:
                tx.set(self._snapshot, data)
                tx.set(self._snapshot_at, self._applied)
                tx.ltrim(self._log, self._applied - base, -1)
                tx.set(self._base, self._applied)
                tx.execute()
            return self._applied

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index as this process holds it, brought up to date, to an index file
        (:meth:`DedupIndex.save <dedup.index.DedupIndex.save>`)."""
        self._sync()
        self._local.save(path)

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
        """Replay the log entries this process has not applied yet; from the snapshot first
        when a compaction dropped some of them."""
        with self._mutex:
            base, log = self._tail(keys=[self._log, self._base], args=[self._applied])
            base = int(base)
            if self._applied < base:
                with self._redis.pipeline(transaction=True) as tx:
                    tx.get(self._snapshot)
                    tx.get(self._snapshot_at)
                    snapshot, at = tx.execute()
                if snapshot is None:  # pragma: no cover - only if someone deleted the key
                    raise DedupError(f"The shared index {self._name!r} lost its snapshot.")
                self._local = DedupIndex.from_state(store.loads(snapshot, f"{self._snapshot}"))
                self._applied = int(at)
                _, log = self._tail(keys=[self._log, self._base], args=[self._applied])
            for raw in log:
                self._local.apply_logged(json.loads(raw))
                self._applied += 1


__all__ = ["SharedIndex"]
