"""The web-page benchmark (benchmarks.webpages, benchmarks.sitetemplates): the generator puts
every trap on every template, and a small run on the seeds and synthetic articles passes its
checks. Nothing here needs ../shared/data except the last test, which skips without it."""

from __future__ import annotations

import json
import re
from datetime import date
from html import escape as html_escape
from pathlib import Path

import pytest

from benchmarks import webpages
from benchmarks.sitetemplates import COMMENTS, TEMPLATES, UNSEEN_TEMPLATES, make_sites, publish
from dedup.loaders import load

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NO_DATA = f"{DATA} is absent: the labeled development data is not here"


@pytest.fixture(scope="module")
def stories() -> list[webpages.Story]:
    return webpages.synthetic_stories(24, seed=3)


@pytest.fixture(scope="module")
def pages(stories: list[webpages.Story]) -> list[webpages.Page]:
    return publish(stories, make_sites(), seed=3)


def test_every_template_carries_every_trap(stories: list[webpages.Story],
                                           pages: list[webpages.Page]) -> None:
    assert {p.site.template for p in pages} == set(TEMPLATES)
    held_out = [p for kind in UNSEEN_TEMPLATES
                for p in publish(stories[:4], make_sites(kind), seed=3)]
    assert {p.site.template for p in held_out} == set(UNSEEN_TEMPLATES)
    for page in [*pages, *held_out]:
        html = page.html
        assert ">Live<" in html and ">Print<" in html  # the menu
        assert "cookie" in html.lower()
        assert "Share" in html or "Facebook" in html
        assert "newsletter" in html.lower()
        assert page.site.name in html and "Privacy" in html  # footer
        assert sum(text in html for text in COMMENTS) >= 1
        ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html)
        assert ld and json.loads(ld.group(1).replace("<\\/", "</"))["datePublished"][:10] == (
            page.published.isoformat())
        assert re.search(r"<meta (?:property|name|itemprop)=\S+ content=\"\d{4}-\d\d-\d\d", html)
        assert "Updated" in html and (page.updated - page.published).days >= 1
        for shown in page.shown:  # other stories' headlines and snippets are on the page
            headline = shown.split("\n")[0]
            assert html_escape(headline) in html


def test_teaser_template_has_its_story_outside_article_elements(
        pages: list[webpages.Page]) -> None:
    page = next(p for p in pages if p.site.template == "teasers")
    for article in re.findall(r"<article.*?</article>", page.html, re.S):
        assert page.story.paragraphs[0][:40] not in article
    assert "article:published_time" not in page.html  # the date is only in JSON-LD


def test_each_story_is_on_one_to_three_sites_of_different_templates(
        stories: list[webpages.Story], pages: list[webpages.Page]) -> None:
    by_story: dict[str, list[webpages.Page]] = {}
    for page in pages:
        by_story.setdefault(page.story.id, []).append(page)
    assert set(by_story) == {s.id for s in stories}
    assert {len(v) for v in by_story.values()} <= {1, 2, 3}
    assert max(len(v) for v in by_story.values()) > 1
    for copies in by_story.values():
        assert len({p.site.template for p in copies}) == len(copies)
        assert len({p.site.name for p in copies}) == len(copies)
    assert len({p.id for p in pages}) == len(pages)


def test_publishing_is_deterministic(stories: list[webpages.Story]) -> None:
    first = [(p.id, p.html) for p in publish(stories[:6], make_sites(), seed=5)]
    assert first == [(p.id, p.html) for p in publish(stories[:6], make_sites(), seed=5)]


def test_jsonl_holds_the_same_articles_under_the_same_ids(
        pages: list[webpages.Page], tmp_path: Path) -> None:
    pages_dir, jsonl = webpages.write_corpus(pages[:8], tmp_path)
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [r["id"] for r in records] == [p.id for p in pages[:8]]
    docs, skipped = load(pages_dir)
    assert skipped == [] and sorted(d.id for d in docs) == sorted(r["id"] for r in records)
    for record, page in zip(records, pages[:8]):
        assert record["text"] == page.story.text and record["source"] == page.site.name
        assert record["published"] == page.published.isoformat()


def test_small_run_passes_its_checks(pages: list[webpages.Page], tmp_path: Path) -> None:
    corpus = webpages.measure_corpus("synthetic", pages, tmp_path, None, lambda _msg: None)
    check = webpages.checks(corpus)
    assert check["f1_ok"], corpus["runs"]
    assert check["links_ok"], corpus["links"]
    stats = corpus["stats"]["pages"]["all"]
    assert stats["date_published"] == stats["pages"] == len(pages)
    assert stats["stray_template"] <= stats["pages"]  # a stray heading a page at most
    assert stats["missing"] <= stats["paragraphs"] // 50


def test_a_read_more_heading_goes_with_its_list(pages: list[webpages.Page]) -> None:
    # trafilatura leaves the "Read more" list of links out but kept its heading, a line of
    # its own between the paragraphs (7 of the 9 pages of the "main" template here).
    from dedup.loaders.html import extract_page

    main = [p for p in pages if p.site.template == "main"]
    assert main
    for page in main:
        got = extract_page(page.html.encode())
        assert not isinstance(got, str) and "Read more" not in got.text.split("\n")


def test_seed_pages_link_the_goa_pair_only() -> None:
    out = webpages.seeds_check(None)
    if not out["available"]:
        pytest.skip("data/ (the seed articles) is absent")
    assert out["trafilatura"] == {"goa_linked": True, "others_apart": True, "ok": True,
                                  "skipped": 0}


def test_report_holds_no_article_text(pages: list[webpages.Page], tmp_path: Path) -> None:
    corpus = webpages.measure_corpus("synthetic", pages, tmp_path, None, lambda _msg: None)
    corpus["checks"] = webpages.checks(corpus)
    results = {"date": date.today().isoformat(), "argv": [], "note": "synthetic",
               "corpora": [corpus], "seeds": {"available": False}, "environment": "test"}
    text = webpages.markdown(results)
    assert "| pages, trafilatura |" in text
    for page in pages:
        for paragraph in page.story.paragraphs:
            assert paragraph[:40] not in text


def test_held_out_templates_are_kept_apart() -> None:
    assert not set(UNSEEN_TEMPLATES) & set(TEMPLATES)
    for kind in UNSEEN_TEMPLATES:
        assert {s.template for s in make_sites(kind)} == {kind}


def test_sets_option() -> None:
    assert webpages.parse_args([]).sets == ["dev"]
    assert webpages.parse_args(["--unseen"]).sets == list(webpages.SETS)
    assert webpages.parse_args(["--sets", "dev,tables"]).sets == ["dev", "tables"]
    with pytest.raises(SystemExit):
        webpages.parse_args(["--sets", "nope"])


@pytest.mark.skipif(not DATA.is_dir(), reason=NO_DATA)
def test_stories_from_the_labeled_data() -> None:
    stories = webpages.load_stories(DATA, limit=40)
    assert len(stories) == 40
    assert all(s.paragraphs and s.title and s.published for s in stories)
    assert {s.gold.split(":")[0] for s in stories} <= {"gvc", "ecb"}
