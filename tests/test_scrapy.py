"""A real crawl: Scrapy fetches article pages from a local server through DedupPipeline."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("scrapy", reason="Scrapy is not installed (pip install dedup[scrapy])")

SEEDS = Path(__file__).resolve().parent.parent / "data"

SPIDER = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

class Articles(scrapy.Spider):
    name = "articles"
    start_urls = [sys.argv[1]]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.article)

    def article(self, response):
        yield {
            "url": response.url,
            "title": response.css("h1::text").get(),
            "text": "\n".join(response.css("article p::text").getall()),
        }

process = CrawlerProcess(settings={
    "ITEM_PIPELINES": {"dedup.integrations.scrapy.DedupPipeline": 300},
    "DEDUP_INDEX": sys.argv[2],
    "FEEDS": {sys.argv[3]: {"format": "json"}},
    "LOG_LEVEL": "WARNING",
    "ROBOTSTXT_OBEY": False,
    "CONCURRENT_REQUESTS": 1,
})
crawler = process.create_crawler(Articles)
process.crawl(crawler)
process.start()
json.dump(crawler.stats.get_stats(), open(sys.argv[4], "w"), default=str)
'''


def _page(title: str, paragraphs: list[str], site: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(title)} | {site}</title></head><body>"
        f"<nav><a href='/'>{site} home</a></nav><h1>{html.escape(title)}</h1>"
        f"<article><p>ADVERTISEMENT</p>{body}<p>Read Also: more from {site}</p></article>"
        f"<footer>{site} footer</footer></body></html>"
    )


def _site(root: Path) -> dict[str, str]:
    """Four seed articles, plus a syndicated copy of one with another site's chrome."""
    pages = {}
    for name in ("000", "001", "003", "004"):
        path = next(SEEDS.glob(f"{name}_*.txt"))
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if len(line.split()) > 6]
        title, paragraphs = lines[0], lines[1:]
        pages[f"{name}.html"] = _page(title, paragraphs, "Site One")
        if name == "000":
            pages["000-copy.html"] = _page(
                "Lavrov and Jaishankar talk ties before Modi visit", paragraphs[:-1], "Site Two"
            )
    links = "".join(f"<a href='{p}'>{p}</a>" for p in sorted(pages))
    pages["index.html"] = f"<html><body>{links}</body></html>"
    for name, content in pages.items():
        (root / name).write_text(content, encoding="utf-8")
    return pages


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    _site(site)
    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()


def _crawl(tmp_path: Path, url: str, index: Path, run: str) -> tuple[list[dict], dict]:
    script = tmp_path / "spider.py"
    script.write_text(SPIDER)
    feed, stats = tmp_path / f"{run}.json", tmp_path / f"{run}-stats.json"
    done = subprocess.run(
        [sys.executable, str(script), url, str(index), str(feed), str(stats)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    items = json.loads(feed.read_text()) if feed.exists() and feed.read_text().strip() else []
    return items, json.loads(stats.read_text())


def test_crawl_drops_the_syndicated_copy_and_tags_the_goa_story(tmp_path, server):
    index = tmp_path / "crawl.dedup"
    items, stats = _crawl(tmp_path, server, index, "first")
    urls = sorted(item["url"].rsplit("/", 1)[1] for item in items)
    # One of the two copies of 000 was dropped (whichever came second); the rest were kept.
    assert len(urls) == 4 and sum(u.startswith("000") for u in urls) == 1
    assert stats.get("item_dropped_count") == 1
    story = {item["url"].rsplit("/", 1)[1]: item["dedup_story"] for item in items}
    assert story["001.html"] == story["003.html"]
    assert len({story[u] for u in urls}) == 3
    assert index.exists()

    # A second crawl with the saved index: every page is a copy of one already seen.
    again, stats = _crawl(tmp_path, server, index, "second")
    assert again == []
    assert stats.get("item_dropped_count") == 5, json.dumps(stats)
