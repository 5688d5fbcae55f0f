"""A Scrapy item pipeline that drops copies and tags stories.

Enable it in a Scrapy project's settings::

    ITEM_PIPELINES = {"dedup.integrations.scrapy.DedupPipeline": 300}
    DEDUP_INDEX = "crawl.dedup"            # index file kept between crawls (optional)
    DEDUP_SAVE_EVERY = 100                 # with DEDUP_INDEX: save after this many new items
    # or one index shared by many crawlers (optional; not with DEDUP_INDEX):
    DEDUP_REDIS_URL = "redis://localhost"
    DEDUP_REDIS_NAME = "dedup"             # its key prefix in Redis
    DEDUP_LOCK_WAIT = 10                   # seconds an item waits for the shared index's lock

Each item needs a ``text`` field (the article body); ``id`` (else ``url``), ``title``,
``published`` (or ``date``), ``source`` and ``url`` are used when present. Exact and
near-duplicate items are dropped (``DropItem`` says of what and why), and so is an item whose
id is already indexed (a re-crawl of the same page); the others get
``dedup_status`` (``new`` or ``same-event``) and ``dedup_story`` (the story id), so declare
those fields on ``scrapy.Item`` classes, or yield dicts. Requires ``pip install dedup[scrapy]``.

Where the work runs: everything that touches the index (loading it, analysing an item,
waiting for the Redis lock, saving) runs on one worker thread of the pipeline, never on the
reactor thread, so downloads go on meanwhile. Items reach the worker in the order Scrapy hands
them to :meth:`DedupPipeline.process_item`, one at a time: the verdicts are those of one
sequential stream, as with :meth:`DedupIndex.add <dedup.index.DedupIndex.add>` in a loop.

Saving: with ``DEDUP_INDEX`` the index is written (atomically) when the spider opens on a
path that holds no index yet, after every ``DEDUP_SAVE_EVERY`` newly indexed items, and when
the spider closes; a crawl that crashes keeps the last save. A periodic save that fails is
logged and counted (``dedup/save-failed``) and the crawl goes on; a failed last save is an
error of ``close_spider``.

A busy shared index: an item that waited ``DEDUP_LOCK_WAIT`` seconds for the Redis lock
(:class:`~dedup.errors.IndexBusy`) is dropped, counted as ``dedup/busy``, and not indexed, so a
later crawl judges it afresh. Stored unjudged it could be a copy; waiting longer would hold
every later item behind it.

Settings that contradict each other, a ``DEDUP_*`` name the pipeline does not know (a typo) or
a value out of range raise :class:`~dedup.errors.ConfigError` when the crawler builds its
pipelines, before the first request (``DEDUP_ENABLED = False`` turns the pipeline off).
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import math
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.defer import deferred_from_coro

from .. import gazetteer
from ..documents import Document
from ..errors import ConfigError, DedupError, IndexBusy
from ..index import DedupIndex, Verdict
from ..result import EXACT, NEAR

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# Every setting the pipeline reads, with its default.
SETTINGS: dict[str, Any] = {
    "DEDUP_ENABLED": True,
    "DEDUP_INDEX": None,
    "DEDUP_SAVE_EVERY": 100,
    "DEDUP_REDIS_URL": None,
    "DEDUP_REDIS_NAME": "dedup",
    "DEDUP_LOCK_WAIT": 10.0,
}
# A setting that means something only beside another one.
_ONLY_WITH = {
    "DEDUP_SAVE_EVERY": "DEDUP_INDEX",
    "DEDUP_REDIS_NAME": "DEDUP_REDIS_URL",
    "DEDUP_LOCK_WAIT": "DEDUP_REDIS_URL",
}

# Scrapy 2.14 awaits what open_spider/close_spider return and deprecates returning a Deferred
# there; Scrapy 2.11-2.13 wait only on a Deferred (a coroutine returned there never runs).
_AWAITS_COROUTINES = hasattr(ItemPipelineManager, "open_spider_async")


@dataclass
class _Added:
    """What the worker thread did with one item."""

    verdict: Verdict
    saved: bool = False  # the index file was written after this item
    save_error: DedupError | None = None  # ... or writing it failed


class DedupPipeline:
    """Drops exact and near-duplicate items; tags the rest with their story id.

    Args:
        index_path: index file kept between crawls (``DEDUP_INDEX``). Default None: the index
            lives as long as the crawl.
        redis_url: a Redis-shared index instead (``DEDUP_REDIS_URL``); not with
            ``index_path``. Default None.
        redis_name: key prefix of the shared index in Redis (``DEDUP_REDIS_NAME``). Default
            ``"dedup"``.
        save_every: with ``index_path``, save after this many newly indexed items
            (``DEDUP_SAVE_EVERY``), and on close. Default 100.
        lock_wait: with ``redis_url``, seconds an item waits for the shared index's lock before
            it is dropped as busy (``DEDUP_LOCK_WAIT``). Default 10.
    """

    def __init__(
        self, index_path: str | None = None, redis_url: str | None = None,
        redis_name: str = "dedup", *, save_every: int = 100, lock_wait: float = 10.0,
    ) -> None:
        if index_path and redis_url:
            raise ConfigError(
                "Pass index_path or redis_url, not both: the pipeline keeps one index, in a "
                f"file or in Redis. Got index_path={index_path!r}, redis_url={redis_url!r}."
            )
        if isinstance(save_every, bool) or not isinstance(save_every, int) or save_every < 1:
            raise ConfigError(
                "The 'save_every' parameter must be a positive whole number of items. "
                f"Got {save_every!r} instead."
            )
        self.index_path = Path(index_path) if index_path else None
        self.redis_url = redis_url
        self.redis_name = redis_name
        self.save_every = save_every
        self.lock_wait = lock_wait
        self.index: Any = None
        self.stats: Any = None
        self._unsaved = 0  # items indexed since the last save (touched on the worker only)
        # One thread: the index's work stays off the reactor, and in the order items came.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dedup")

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        settings = crawler.settings
        if not settings.getbool("DEDUP_ENABLED", True):
            raise NotConfigured("DEDUP_ENABLED is off")
        _check_settings(settings)
        pipeline = cls(
            index_path=settings.get("DEDUP_INDEX") or None,
            redis_url=settings.get("DEDUP_REDIS_URL") or None,
            redis_name=settings.get("DEDUP_REDIS_NAME") or SETTINGS["DEDUP_REDIS_NAME"],
            save_every=_positive(settings, "DEDUP_SAVE_EVERY", int),
            lock_wait=_positive(settings, "DEDUP_LOCK_WAIT", float),
        )
        pipeline.stats = crawler.stats
        return pipeline

    # -- what Scrapy calls (``spider`` is passed by Scrapy < 2.14 only) ---------------------

    def open_spider(self, spider: Any = None) -> Any:
        return _for_scrapy(self._off_reactor(self._open))

    def close_spider(self, spider: Any = None) -> Any:
        return _for_scrapy(self._close())

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        adapter = ItemAdapter(item)
        text = adapter.get("text")
        doc_id = adapter.get("id") or adapter.get("url")
        if not isinstance(text, str) or not text.strip() or not doc_id:
            raise DropItem("dedup: the item has no 'text' or no 'id'/'url' to index it by")
        document = Document(
            id=str(doc_id), text=text, title=adapter.get("title"),
            published=adapter.get("published") or adapter.get("date"),
            source=adapter.get("source"), url=adapter.get("url"),
        )
        try:
            added = await self._off_reactor(self._add, document)
        except IndexBusy as exc:
            self._count("busy")
            raise DropItem(f"dedup: {doc_id} was not indexed: {exc}") from exc
        self._saved(added)
        verdict = added.verdict
        if verdict.recrawl:
            self._count("already-indexed")
            raise DropItem(f"dedup: {doc_id} is already indexed (a re-crawl)")
        self._count(verdict.status)
        if verdict.status in (EXACT, NEAR):
            why = verdict.evidence.get("why", verdict.status)
            raise DropItem(f"dedup: {verdict.status} of {verdict.original} ({why})")
        adapter["dedup_status"] = verdict.status
        adapter["dedup_story"] = verdict.story
        return item

    # -- on the reactor thread -------------------------------------------------------------

    async def _off_reactor(self, job: Callable[..., _T], *args: Any) -> _T:
        """``job(*args)`` on the worker thread, awaited without blocking the reactor."""
        future = self._worker.submit(job, *args)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a Twisted reactor other than asyncio's runs this coroutine
            return await _deferred(future)
        return await asyncio.wrap_future(future)

    async def _close(self) -> None:
        try:
            if self.index_path is not None and await self._off_reactor(self._save_rest):
                self._count("saves")
        finally:
            self._worker.shutdown(wait=False)

    def _saved(self, added: _Added) -> None:
        if added.saved:
            self._count("saves")
        elif added.save_error is not None:
            self._count("save-failed")
            logger.error("dedup: the crawl goes on; the next save tries again: %s",
                         added.save_error)

    def _count(self, what: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"dedup/{what}")

    # -- on the worker thread --------------------------------------------------------------

    def _open(self) -> None:
        # The first analysis loads the gazetteer (about a second, much of it in json.loads,
        # which holds the GIL and so stalls the reactor thread too): load it now, before the
        # first request, not while items arrive.
        gazetteer.places()
        gazetteer.countries()
        if self.redis_url:
            from ..shared import SharedIndex

            self.index = SharedIndex(self.redis_url, name=self.redis_name,
                                     lock_wait=self.lock_wait)
        elif self.index_path and self.index_path.exists():
            self.index = DedupIndex.load(self.index_path)
        else:
            self.index = DedupIndex()
            if self.index_path:  # a path that cannot be written fails now, not hours later
                self.index.save(self.index_path)

    def _add(self, document: Document) -> _Added:
        added = _Added(self.index.add(document))
        if self.index_path is not None and not added.verdict.recrawl:
            self._unsaved += 1
            if self._unsaved >= self.save_every:
                added.save_error = self._save()
                added.saved = added.save_error is None
        return added

    def _save_rest(self) -> bool:
        """Save what was indexed since the last save, if anything; a failure raises."""
        if self.index is None or not self._unsaved:
            return False
        error = self._save()
        if error is not None:
            raise error
        return True

    def _save(self) -> DedupError | None:
        try:
            self.index.save(self.index_path)
        except DedupError as exc:
            return exc
        self._unsaved = 0
        return None


def _for_scrapy(work: Awaitable[Any]) -> Any:
    """What open_spider/close_spider return: the coroutine itself to Scrapy >= 2.14, a
    Deferred to older ones."""
    return work if _AWAITS_COROUTINES else deferred_from_coro(work)


def _deferred(future: Future[_T]) -> Any:
    """A Twisted Deferred that fires, on the reactor thread, with ``future``'s outcome."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    d: Deferred[_T] = Deferred()

    def settle(done: Future[_T]) -> None:
        error = done.exception()
        if error is None:
            d.callback(done.result())
        else:
            d.errback(error)

    future.add_done_callback(lambda done: reactor.callFromThread(settle, done))
    return d


def _check_settings(settings: Any) -> None:
    """Refuse a DEDUP_* name the pipeline does not read, and settings that contradict each
    other: each would otherwise be ignored without a word."""
    unknown = sorted(n for n in settings if str(n).startswith("DEDUP_") and n not in SETTINGS)
    for name in unknown:
        close = difflib.get_close_matches(name, SETTINGS, n=1)
        hint = f" Did you mean {close[0]}?" if close else ""
        raise ConfigError(
            f"Unknown setting {name}: DedupPipeline reads {', '.join(SETTINGS)}.{hint}"
        )
    if settings.get("DEDUP_INDEX") and settings.get("DEDUP_REDIS_URL"):
        raise ConfigError(
            "DEDUP_INDEX and DEDUP_REDIS_URL are both set: the pipeline keeps one index, in "
            "a file (DEDUP_INDEX) or shared through Redis (DEDUP_REDIS_URL). Remove one."
        )
    for name, partner in _ONLY_WITH.items():
        if settings.get(name) is not None and not settings.get(partner):
            raise ConfigError(f"{name} is set but {partner} is not: {name} applies only "
                              f"with {partner}. Set {partner} too, or remove {name}.")


def _positive(settings: Any, name: str, kind: type[int] | type[float]) -> Any:
    raw = settings.get(name)
    if raw is None:
        return SETTINGS[name]
    try:
        value = None if isinstance(raw, bool) else kind(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not (math.isfinite(value) and value > 0):
        unit = "whole number of items" if kind is int else "number of seconds"
        raise ConfigError(f"The {name} setting must be a positive {unit}. Got {raw!r} instead.")
    return value
