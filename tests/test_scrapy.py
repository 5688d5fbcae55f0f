"""Real crawls: Scrapy fetches article pages from a local server through DedupPipeline."""

from __future__ import annotations

import asyncio
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

from dedup import ConfigError, DedupIndex  # noqa: E402

SEEDS = Path(__file__).resolve().parent.parent / "data"

# The crawl runs in its own process (Scrapy installs one reactor per process). It reads one
# JSON file: the start url, settings, and where to write what it saw.
SPIDER = r'''
import json, os, sys, time, warnings
warnings.simplefilter("default")  # every DeprecationWarning shown, whichever module warns

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import ScrapyDeprecationWarning

run = json.loads(open(sys.argv[1]).read())


class Articles(scrapy.Spider):
    name = "articles"
    start_urls = [run["url"]]

    def parse(self, response):
        links = response.css("a::attr(href)").getall()
        for rank, href in enumerate(links):  # in the index page's order, one at a time
            yield response.follow(href, self.article, priority=len(links) - rank)

    def article(self, response):
        # all the page's text, as a crawler without a content extractor takes it: the
        # template's menu, share bar and footer come along
        lines = response.xpath("//body//text()[not(ancestor::h1)]").getall()
        yield {
            "url": response.url,
            "source": response.css("meta[property='og:site_name']::attr(content)").get(),
            "title": response.css("h1::text").get(),
            "text": "\n".join(line.strip() for line in lines if line.strip()),
        }


settings = {
    "ITEM_PIPELINES": {"dedup.integrations.scrapy.DedupPipeline": 300},
    "FEEDS": {run["feed"]: {"format": "json"}},
    "LOG_LEVEL": "WARNING",
    "ROBOTSTXT_OBEY": False,
    "CONCURRENT_REQUESTS": 1,
    **run["settings"],
}
if scrapy.version_info < (2, 12):  # else Scrapy 2.11 warns that its default is deprecated
    settings["REQUEST_FINGERPRINTER_IMPLEMENTATION"] = "2.7"
process = CrawlerProcess(settings=settings)
seen, show = [], warnings.showwarning  # Scrapy's: into its log


def record(message, category, filename, lineno, file=None, line=None):
    seen.append({"category": category.__name__, "file": filename, "message": str(message),
                 "deprecation": issubclass(category, (DeprecationWarning,
                                                      ScrapyDeprecationWarning))})
    show(message, category, filename, lineno, file, line)


warnings.showwarning = record
crawler = process.create_crawler(Articles)
ticks, passed, beats = [], [], []


def opened(spider):
    from twisted.internet import task  # once Scrapy has installed its reactor

    beats.append(task.LoopingCall(lambda: ticks.append(time.monotonic())))
    beats[0].start(0.02)  # the reactor's heartbeat: a gap in it is time the reactor was blocked
    hold = run.get("hold_lock")
    if hold:  # another crawler is in the middle of an add for hold["seconds"]
        import redis

        lock = redis.Redis.from_url(hold["url"]).lock(hold["name"] + ":lock",
                                                      timeout=hold["seconds"])
        assert lock.acquire(blocking=False)


def through(*args, **kwargs):
    passed.append(1)
    if len(passed) == run.get("exit_after"):
        os._exit(3)  # a crash: nothing closes, nothing is saved on the way out


crawler.signals.connect(opened, signals.spider_opened)
crawler.signals.connect(lambda spider: [b.stop() for b in beats if b.running],
                        signals.spider_closed)
crawler.signals.connect(through, signals.item_scraped)
crawler.signals.connect(through, signals.item_dropped)
process.crawl(crawler)
process.start()
gaps = [b - a for a, b in zip(ticks, ticks[1:])]
with open(run["out"], "w") as out:
    json.dump({"stats": crawler.stats.get_stats(), "warnings": seen,
               "max_gap": max(gaps, default=0.0)}, out, default=str)
sys.exit(1 if process.bootstrap_failed else 0)  # as `scrapy crawl` does
'''


def _paragraphs(name: str) -> tuple[str, list[str]]:
    """A seed article's headline and story paragraphs (its own site's leftovers dropped)."""
    path = next(SEEDS.glob(f"{name}_*.txt"))
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    junk = ("Read Also", "Please", "Hence", "MENAFN provides", "Title:")
    return lines[0], [p for p in lines[1:] if len(p.split()) > 12 and not p.startswith(junk)]


def _page(title: str, paragraphs: list[str], site: str, *, template: str = "full") -> str:
    """An article page of ``site``; every page of a site has the same menu, share bar,
    newsletter box and footer (``template="lean"``: another site's smaller template)."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    head = (f"<head><title>{html.escape(title)} | {site}</title>"
            f"<meta property='og:site_name' content='{site}'></head>")
    h1 = f"<h1>{html.escape(title)}</h1>"
    if template == "lean":
        return (f"<html>{head}<body><nav><a href='/'>{site}</a> <a href='/'>Latest</a></nav>"
                f"{h1}<article>{body}<p>(Syndicated from a wire service.)</p></article>"
                f"<footer><p>Copyright {site}</p></footer></body></html>")
    menu = "".join(f"<a href='/'>{m}</a> " for m in
                   ("Home", "India", "World", "Politics", "Business", "Sport", "Opinion",
                    "Subscribe"))
    share = "".join(f"<li>{s}</li>" for s in
                    ("Share this article", "Share on Facebook", "Share on X",
                     "Share on WhatsApp", "Copy link"))
    return (
        f"<html>{head}<body><nav>{menu}</nav>{h1}<ul class='share'>{share}</ul>"
        f"<article><p>ADVERTISEMENT</p>{body}"
        f"<p>{site} is now on WhatsApp. Click here to join our channel for the latest news "
        "and updates.</p></article>"
        f"<aside><h3>Newsletter</h3><p>Sign up for the {site} morning briefing, delivered "
        "to your inbox every weekday at 7am.</p></aside>"
        f"<footer><p>© 2024 {site} Media Ltd. All rights reserved.</p>"
        "<p>About us · Contact · Privacy policy · Terms of use · Advertise with us</p>"
        "</footer></body></html>"
    )


def _serve(root: Path, pages: dict[str, str]):
    """Write ``pages`` and an index.html linking them in that order; serve them on loopback."""
    links = "".join(f"<a href='{name}'>{name}</a>" for name in pages)
    for name, content in {**pages, "index.html": f"<html><body>{links}</body></html>"}.items():
        (root / name).write_text(content, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/index.html"


def _seed_site() -> dict[str, str]:
    """Four seed articles, plus a syndicated copy of one with another site's chrome."""
    pages = {}
    for name in ("000", "001", "003", "004"):
        path = next(SEEDS.glob(f"{name}_*.txt"))
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if len(line.split()) > 6]
        title, paragraphs = lines[0], lines[1:]
        pages[f"{name}.html"] = _page(title, paragraphs, "Site One", template="lean")
        if name == "000":
            pages["000-copy.html"] = _page(
                "Lavrov and Jaishankar talk ties before Modi visit", paragraphs[:-1], "Site Two",
                template="lean",
            )
    return dict(sorted(pages.items(), reverse=True))


# Four different stories on one site (one template), in this order, with two syndicated
# copies among them: of 002 on another site (headline rewritten, last paragraph cut, a
# credit line) and of 000 on the same site in another section (headline and standfirst).
STORIES = ("000", "002", "004", "001")
COPIES = {"002-wire.html": "002.html", "000-opinion.html": "000.html"}


def _template_site() -> dict[str, str]:
    story = {name: _paragraphs(name) for name in STORIES}
    title, paragraphs = story["002"]
    wire = _page("Putin hosts Jaishankar at the Kremlin as Moscow courts New Delhi",
                 paragraphs[:-1], "Coastal Times", template="lean")
    title0, paragraphs0 = story["000"]
    opinion = _page("Why the Lavrov-Jaishankar meeting in Astana matters",
                    ["From our diplomatic desk, first published on the world page."]
                    + paragraphs0, "Harbour Herald")
    pages = {f"{name}.html": _page(*story[name], "Harbour Herald") for name in STORIES}
    return {"000.html": pages["000.html"], "002.html": pages["002.html"],
            "004.html": pages["004.html"], "002-wire.html": wire,
            "001.html": pages["001.html"], "000-opinion.html": opinion}


@pytest.fixture
def seed_site(tmp_path):
    root = tmp_path / "seed-site"
    root.mkdir()
    httpd, url = _serve(root, _seed_site())
    yield url
    httpd.shutdown()


@pytest.fixture
def template_site(tmp_path):
    root = tmp_path / "template-site"
    root.mkdir()
    httpd, url = _serve(root, _template_site())
    yield url
    httpd.shutdown()


def _crawl(tmp_path: Path, url: str, run: str, settings: dict, *, expect_rc: int = 0,
           **extra) -> tuple[list[dict], dict]:
    """Crawl ``url`` in a new process; the items it kept, and what it saw (stats, warnings,
    the longest the reactor went without running its heartbeat)."""
    script = tmp_path / "spider.py"
    script.write_text(SPIDER)
    feed, out, config = (tmp_path / f"{run}{ext}" for ext in (".json", "-out.json", "-run.json"))
    config.write_text(json.dumps({"url": url, "settings": settings, "feed": str(feed),
                                  "out": str(out), **extra}))
    done = subprocess.run([sys.executable, str(script), str(config)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == expect_rc, done.stderr[-3000:]
    # (a crashed crawl leaves its feed half-written)
    written = expect_rc == 0 and feed.exists() and feed.read_text().strip()
    items = json.loads(feed.read_text()) if written else []
    seen = json.loads(out.read_text()) if out.exists() else {"stderr": done.stderr}
    if out.exists():
        # Neither Scrapy's deprecations nor any DeprecationWarning raised in dedup or Scrapy.
        deprecations = [w for w in seen["warnings"] if w["deprecation"] and (
            w["category"] == "ScrapyDeprecationWarning"
            or any(part in w["file"] for part in ("/dedup/", "/scrapy/")))]
        assert deprecations == [], deprecations
    seen["stderr"] = done.stderr
    return items, seen


def _names(items: list[dict]) -> list[str]:
    return [item["url"].rsplit("/", 1)[1] for item in items]


def test_crawl_drops_the_syndicated_copy_and_tags_the_goa_story(tmp_path, seed_site):
    index = tmp_path / "crawl.dedup"
    items, seen = _crawl(tmp_path, seed_site, "first", {"DEDUP_INDEX": str(index)})
    urls = sorted(_names(items))
    assert urls == ["000.html", "001.html", "003.html", "004.html"]  # the copy came later
    assert seen["stats"].get("item_dropped_count") == 1
    story = {name: item["dedup_story"] for name, item in zip(_names(items), items)}
    assert story["001.html"] == story["003.html"]
    assert len({story[u] for u in urls}) == 3
    assert index.exists()

    # A second crawl with the saved index: every page is a copy of one already seen.
    again, seen = _crawl(tmp_path, seed_site, "second", {"DEDUP_INDEX": str(index)})
    assert again == []
    assert seen["stats"].get("item_dropped_count") == 5, json.dumps(seen["stats"])
    assert seen["stats"].get("dedup/already-indexed") == 5


def test_four_stories_in_one_template_are_kept_and_exactly_the_copies_dropped(
        tmp_path, template_site):
    index = tmp_path / "crawl.dedup"
    items, seen = _crawl(tmp_path, template_site, "template",
                         {"DEDUP_INDEX": str(index), "DEDUP_SAVE_EVERY": 4})
    assert _names(items) == ["000.html", "002.html", "004.html", "001.html"]
    assert seen["max_gap"] < 1.0, seen["max_gap"]  # the reactor never waited on the index
    assert [item["dedup_status"] for item in items] == ["new"] * 4
    assert len({item["dedup_story"] for item in items}) == 4
    stats = seen["stats"]
    assert (stats.get("item_dropped_count"), stats.get("dedup/near-duplicate")) == (2, 2)
    # Saved after the fourth article indexed, and the last two on close.
    assert stats.get("dedup/saves") == 2 and "dedup/save-failed" not in stats
    saved = DedupIndex.load(index)
    assert len(saved) == 6  # the copies are indexed too: a re-crawl of one is recognised
    groups = {url.rsplit("/", 1)[1]: v.group for url in saved._by_id
              for v in [saved.verdict(url)]}
    for copy, original in COPIES.items():
        assert groups[copy] == groups[original], (copy, groups)
    assert len(set(groups.values())) == 4


def test_a_crash_mid_crawl_keeps_the_last_save(tmp_path, template_site):
    index = tmp_path / "crawl.dedup"
    _crawl(tmp_path, template_site, "crash", {"DEDUP_INDEX": str(index), "DEDUP_SAVE_EVERY": 2},
           expect_rc=3, exit_after=5)
    # Five items went through (saves after the 2nd and the 4th), then the process died.
    saved = DedupIndex.load(index)
    assert sorted(url.rsplit("/", 1)[1] for url in saved._by_id) == [
        "000.html", "002-wire.html", "002.html", "004.html"]


# The asyncio reactor (Scrapy's default from 2.13) and Twisted's own (the default before):
# the pipeline awaits its worker through an asyncio future on one, a Deferred on the other.
REACTORS = ["twisted.internet.asyncioreactor.AsyncioSelectorReactor",
            "twisted.internet.epollreactor.EPollReactor"]


@pytest.mark.parametrize("reactor", REACTORS, ids=["asyncio", "epoll"])
def test_a_shared_index_waits_for_its_lock_off_the_reactor(
        tmp_path, template_site, redis_url, redis_name, reactor):
    if "epoll" in reactor and not sys.platform.startswith("linux"):
        pytest.skip("epoll is Linux's")
    settings = {"DEDUP_REDIS_URL": redis_url, "DEDUP_REDIS_NAME": redis_name,
                "TWISTED_REACTOR": reactor}
    hold = {"url": redis_url, "name": redis_name, "seconds": 3}
    items, seen = _crawl(tmp_path, template_site, "redis", settings, hold_lock=hold)
    # Another holder kept the index locked for 3 s from the start: the first item waited
    # that long on the worker thread while the reactor kept beating.
    assert seen["max_gap"] < 1.0, seen["max_gap"]
    assert _names(items) == ["000.html", "002.html", "004.html", "001.html"]
    assert seen["stats"].get("dedup/near-duplicate") == 2
    assert "dedup/busy" not in seen["stats"]


def test_an_item_that_waited_too_long_for_the_lock_is_dropped_unindexed(redis_url, redis_name):
    import redis
    from scrapy.exceptions import DropItem

    from dedup.integrations.scrapy import DedupPipeline

    pipeline = DedupPipeline(redis_url=redis_url, redis_name=redis_name, lock_wait=0.3)
    item = {"url": "https://example.com/a", "text": "Ministers met in Goa on Thursday. " * 20}

    pipeline._open()  # what open_spider does, on the worker thread

    async def crawl() -> None:
        other = redis.Redis.from_url(redis_url).lock(f"{redis_name}:lock", timeout=30)
        assert other.acquire(blocking=False)
        with pytest.raises(DropItem, match=r"example.com/a was not indexed: .*locked"):
            await pipeline.process_item(dict(item))
        assert len(pipeline.index) == 0
        other.release()
        assert (await pipeline.process_item(dict(item)))["dedup_status"] == "new"

    asyncio.run(crawl())
    pipeline._worker.shutdown()


@pytest.mark.parametrize(("settings", "error"), [
    ({"DEDUP_INDEX": "a.dedup", "DEDUP_REDIS_URL": "redis://localhost"},
     "DEDUP_INDEX and DEDUP_REDIS_URL are both set"),
    ({"DEDUP_INDEX": "a.dedup", "DEDUP_SAVE_EVERY": 0},
     r"DEDUP_SAVE_EVERY setting must be a positive whole number of items. Got 0"),
    ({"DEDUP_INDEX": "a.dedup", "DEDUP_SAVE_EVERY": "often"}, "Got 'often' instead"),
    ({"DEDUP_SAVE_EVERY": 10}, "DEDUP_SAVE_EVERY is set but DEDUP_INDEX is not"),
    ({"DEDUP_INDEX": "a.dedup", "DEDUP_LOCK_WAIT": 5},
     "DEDUP_LOCK_WAIT is set but DEDUP_REDIS_URL is not"),
    ({"DEDUP_REDIS_URL": "redis://localhost", "DEDUP_LOCK_WAIT": -1},
     "DEDUP_LOCK_WAIT setting must be a positive number of seconds"),
    ({"DEDUP_REDIS_NAME": "news"}, "DEDUP_REDIS_NAME is set but DEDUP_REDIS_URL is not"),
    ({"DEDUP_INDEX": "a.dedup", "DEDUP_SAVE_EVRY": 10},
     "Unknown setting DEDUP_SAVE_EVRY.* Did you mean DEDUP_SAVE_EVERY"),
])
def test_conflicting_settings_are_refused(settings, error):
    from dedup.integrations.scrapy import DedupPipeline

    with pytest.raises(ConfigError, match=error):
        DedupPipeline.from_crawler(_crawler(settings))


def test_a_disabled_pipeline_is_not_configured():
    from scrapy.exceptions import NotConfigured

    from dedup.integrations.scrapy import DedupPipeline

    with pytest.raises(NotConfigured):
        DedupPipeline.from_crawler(_crawler({"DEDUP_ENABLED": False, "DEDUP_INDX": "typo"}))


def _crawler(settings: dict):
    """What from_crawler reads of a crawler (Scrapy's get_crawler wants a reactor installed
    from 2.13 on)."""
    from types import SimpleNamespace

    from scrapy.settings import Settings

    return SimpleNamespace(settings=Settings(settings), stats=None)


def test_a_conflicting_setting_stops_the_crawl_before_the_first_request(
        tmp_path, template_site):
    settings = {"DEDUP_INDEX": str(tmp_path / "a.dedup"), "DEDUP_REDIS_URL": "redis://x"}
    import scrapy

    # Scrapy >= 2.15 counts a crawl that failed to start as failed (`scrapy crawl` exits 1);
    # older ones log the error and exit 0.
    failed = 1 if scrapy.version_info >= (2, 15) else 0
    items, seen = _crawl(tmp_path, template_site, "refused", settings, expect_rc=failed)
    assert items == []
    assert "ConfigError: DEDUP_INDEX and DEDUP_REDIS_URL are both set" in seen["stderr"]
    assert not seen["stats"].get("downloader/request_count")
    assert not (tmp_path / "a.dedup").exists()


def test_no_item_waits_on_the_reactor_for_the_index():
    """process_item hands the index's work to the worker thread (checked without a crawl)."""
    from dedup.integrations.scrapy import DedupPipeline

    pipeline = DedupPipeline()
    threads = []
    real_add = DedupIndex.add

    def add(self, document):
        threads.append(threading.current_thread().name)
        return real_add(self, document)

    pipeline._open()
    pipeline.index.add = add.__get__(pipeline.index)
    item = asyncio.run(pipeline.process_item({"url": "u", "text": "Ministers met in Goa. " * 20}))
    pipeline._worker.shutdown()
    assert item["dedup_status"] == "new"
    assert threads and threads[0].startswith("dedup") and threads[0] != "MainThread"


def test_a_failed_save_mid_crawl_is_counted_and_the_crawl_goes_on(tmp_path, monkeypatch):
    from collections import Counter

    from dedup import InputError
    from dedup.integrations.scrapy import DedupPipeline

    pipeline = DedupPipeline(index_path=str(tmp_path / "crawl.dedup"), save_every=1)
    pipeline.stats = type("Stats", (), {"counts": Counter(),
                                        "inc_value": lambda self, key: self.counts.update([key])})()
    pipeline._open()
    assert (tmp_path / "crawl.dedup").exists()  # written at once: the path can be written

    def full_disk(path):
        raise InputError(f"{path}: cannot save the index: [Errno 28] No space left on device")

    monkeypatch.setattr(pipeline.index, "save", full_disk)
    item = asyncio.run(pipeline.process_item({"url": "u", "text": "Ministers met. " * 30}))
    assert item["dedup_status"] == "new"
    assert pipeline.stats.counts == Counter({"dedup/save-failed": 1, "dedup/new": 1})
    with pytest.raises(InputError, match="No space left"):  # the last save on close raises
        asyncio.run(pipeline._close())
