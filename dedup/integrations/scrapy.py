"""A Scrapy item pipeline that drops copies and tags stories.

Enable it in a Scrapy project's settings::

    ITEM_PIPELINES = {"dedup.integrations.scrapy.DedupPipeline": 300}
    DEDUP_INDEX = "crawl.dedup"            # index file kept between crawls (optional)
    DEDUP_REDIS_URL = "redis://localhost"  # or: one index shared by many crawlers (optional)

Each item needs a ``text`` field (the article body); ``id`` (else ``url``), ``title``,
``published`` (or ``date``), ``source`` and ``url`` are used when present. Exact and
near-duplicate items are dropped (``DropItem`` says of what and why), and so is an item whose
id is already indexed (a re-crawl of the same page); the others get
``dedup_status`` (``new`` or ``same-event``) and ``dedup_story`` (the story id), so declare
those fields on ``scrapy.Item`` classes, or yield dicts. Requires ``pip install dedup[scrapy]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from ..documents import Document
from ..index import DedupIndex
from ..result import EXACT, NEAR


class DedupPipeline:
    """Drops exact and near-duplicate items; tags the rest with their story id."""

    def __init__(
        self, index_path: str | None = None, redis_url: str | None = None,
        redis_name: str = "dedup",
    ) -> None:
        self.index_path = Path(index_path) if index_path else None
        self.redis_url = redis_url
        self.redis_name = redis_name
        self.index: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> DedupPipeline:
        settings = crawler.settings
        if not settings.getbool("DEDUP_ENABLED", True):
            raise NotConfigured("DEDUP_ENABLED is off")
        pipeline = cls(
            index_path=settings.get("DEDUP_INDEX"),
            redis_url=settings.get("DEDUP_REDIS_URL"),
            redis_name=settings.get("DEDUP_REDIS_NAME", "dedup"),
        )
        pipeline.stats = crawler.stats
        return pipeline

    def open_spider(self, spider: Any) -> None:
        if self.redis_url:
            from ..shared import SharedIndex

            self.index = SharedIndex(self.redis_url, name=self.redis_name)
        elif self.index_path and self.index_path.exists():
            self.index = DedupIndex.load(self.index_path)
        else:
            self.index = DedupIndex()

    def close_spider(self, spider: Any) -> None:
        if self.index_path and isinstance(self.index, DedupIndex):
            self.index.save(self.index_path)

    def process_item(self, item: Any, spider: Any) -> Any:
        adapter = ItemAdapter(item)
        text = adapter.get("text")
        doc_id = adapter.get("id") or adapter.get("url")
        if not isinstance(text, str) or not text.strip() or not doc_id:
            raise DropItem("dedup: the item has no 'text' or no 'id'/'url' to index it by")
        stats = getattr(self, "stats", None)
        verdict = self.index.add(Document(
            id=str(doc_id), text=text, title=adapter.get("title"),
            published=adapter.get("published") or adapter.get("date"),
            source=adapter.get("source"), url=adapter.get("url"),
        ))
        if verdict.recrawl:
            if stats is not None:
                stats.inc_value("dedup/already-indexed")
            raise DropItem(f"dedup: {doc_id} is already indexed (a re-crawl)")
        if stats is not None:
            stats.inc_value(f"dedup/{verdict.status}")
        if verdict.status in (EXACT, NEAR):
            why = verdict.evidence.get("why", verdict.status)
            raise DropItem(f"dedup: {verdict.status} of {verdict.original} ({why})")
        adapter["dedup_status"] = verdict.status
        adapter["dedup_story"] = verdict.story
        return item
