"""Web pages against JSONL: does reading stories from their web pages cost anything?

    python -m benchmarks.webpages [--articles N] [--seed S] [--out DIR] [--unseen]
                                  [--old-ref REF] [--no-write]

The labeled articles of ``../shared/data`` (GVC dev and ECB+ dev, with gold ``cluster``
labels) are published as web pages on fake news sites (:mod:`benchmarks.sitetemplates`: four
templates, each with navigation, a cookie banner, a share bar, a newsletter box, comments,
"trending"/"read more" lists or teaser cards, a footer, JSON-LD and meta dates and an
"Updated:" byline), every story on one to three sites. The same pages are also written as one
JSONL file (one record per page: id, title, text, published, source, url). Both are clustered
with dedup's default configuration and scored against the gold stories; then:

* the page run's F1 must be within 0.02 of the JSONL run's;
* no link may be made by template text: links between different gold stories that the page
  run makes and the JSONL run does not are counted and listed;
* the five seeds of ``data/``, rendered as pages, must give the Goa pair (001, 003) linked and
  the other three apart;
* stray lines (lines of the extracted text that are not in the article), article paragraphs
  missing from it, and the date taken as ``published`` are counted per template, for the
  trafilatura extraction and the old hand-written one (read from git, ``--old-ref``).

ECB+ has no dates: each of its topics gets one synthetic date (both of the topic's events),
the same in the pages and the JSONL. ``--unseen`` adds the same measures on the templates
kept out of development (:data:`benchmarks.sitetemplates.UNSEEN_TEMPLATES`), each apart;
``--sets dev,tables`` measures only the corpora named (``wpblog`` and ``richtext`` are the
final held-out check: measure them once, at the end, not while developing). Pages and JSONL go to a temporary folder (``--out DIR`` keeps
them; ``benchmarks/corpora/`` is git-ignored); the report, with no article text in it, goes to
``benchmarks/results/webpages-<date>.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.metrics import all_scores
from benchmarks.sitetemplates import (
    TEMPLATES,
    Page,
    Story,
    make_sites,
    publish,
    render_page,
)
from dedup import Config, Document, cluster_documents
from dedup.documents import Skipped
from dedup.loaders import load
from dedup.loaders.html import extract_page

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO.parent / "shared" / "data"
RESULTS = REPO / "benchmarks" / "results"
SEEDS_DIR = REPO / "data"
# The last commit whose dedup/loaders.py holds the hand-written extractor (for comparison).
OLD_REF = "252f5cb"
F1_TOLERANCE = 0.02
# The corpora ``--sets`` can name: the development templates, then each held-out template.
SETS = {
    "dev": "Four site templates",
    "tables": "Held-out template `tables` (failed its first check, then seen)",
    "hashed": "Held-out template `hashed` (second check; kept template lines, then seen)",
    "wpblog": "Held-out template `wpblog` (final check)",
    "richtext": "Held-out template `richtext` (final check)",
}

# Publication dates of the seed articles (the files carry none): Astana, Goa (IANS, next day),
# Moscow (December 2023), Goa (PTI), Moscow (August 2025).
SEED_DATES = {"000": date(2024, 7, 4), "001": date(2023, 5, 5), "002": date(2023, 12, 28),
              "003": date(2023, 5, 4), "004": date(2025, 8, 21)}
SEED_EVENT = {"001": "goa", "003": "goa"}


# --------------------------------------------------------------------------- stories


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _headline(text: str, words: int = 14) -> str:
    """A headline for an article without one: its first sentence, cut to ``words`` words."""
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    cut = first.split()[:words]
    return " ".join(cut).rstrip(".,;:") or "Untitled"


def load_stories(data_dir: Path = DATA_DIR, limit: int | None = None,
                 seed: int = 0) -> list[Story]:
    """GVC dev and ECB+ dev articles as stories (``limit``: a sample of that many, both sets
    in proportion); empty when the folder is absent."""
    stories: list[Story] = []
    gvc, ecb = data_dir / "gvc-dev.jsonl", data_dir / "ecbplus-dev.jsonl"
    if gvc.is_file():
        for record in _records(gvc):
            title = " ".join(str(record.get("title") or "").split()) or _headline(record["text"])
            paragraphs = _lines(record["text"])
            if paragraphs and paragraphs[0] == title:
                paragraphs = paragraphs[1:]
            published = date.fromisoformat(record["date"][:10]) if record.get("date") else None
            stories.append(Story(f"gvc-{record['id']}", title, tuple(paragraphs), published,
                                 f"gvc:{record['cluster']}"))
    if ecb.is_file():
        topic_day: dict[str, date] = {}
        for record in _records(ecb):
            topic = str(record.get("group"))
            if topic not in topic_day:
                day_rng = random.Random(f"ecb-topic-{topic}")
                topic_day[topic] = date(2008, 1, 1) + timedelta(days=day_rng.randrange(6 * 365))
            title = _headline(record["text"])
            stories.append(Story(f"ecb-{record['id']}", title, tuple(_lines(record["text"])),
                                 topic_day[topic], f"ecb:{record['cluster']}"))
    stories = [s for s in stories if s.paragraphs]
    if limit is not None and limit < len(stories):
        stories = sorted(random.Random(f"sample-{seed}").sample(stories, limit),
                         key=lambda s: s.id)
    return stories


def _records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seed_stories(folder: Path = SEEDS_DIR) -> list[Story]:
    """The five seeds of ``data/`` as stories (gold: 001 and 003 one event, others apart)."""
    if not folder.is_dir():
        return []
    documents, _ = load(folder)
    out = []
    for doc in documents:
        prefix = doc.id[:3]
        paragraphs = _lines(doc.text)
        if paragraphs and doc.title and paragraphs[0] == " ".join(doc.title.split()):
            paragraphs = paragraphs[1:]
        out.append(Story(f"seed-{doc.id.rsplit('.', 1)[0]}", doc.title or "Untitled",
                         tuple(paragraphs), SEED_DATES.get(prefix),
                         SEED_EVENT.get(prefix, prefix)))
    return out


def synthetic_stories(count: int, seed: int = 0) -> list[Story]:
    """Synthetic articles (:func:`benchmarks.corpus.synthetic_bases`), each its own story."""
    from benchmarks.corpus import synthetic_bases

    rng = random.Random(f"webpages-synthetic-{seed}")
    return [Story(f"synthetic-{k:03d}", a.title, tuple(a.paragraphs),
                  date(2024, 3, 1) + timedelta(days=rng.randrange(60)), f"synthetic-{k:03d}")
            for k, a in enumerate(synthetic_bases(count, seed))]


# --------------------------------------------------------------------------- corpus on disk


def jsonl_record(page: Page) -> dict[str, Any]:
    """The page's article as one JSONL record (same id as the page)."""
    return {"id": page.id, "title": page.story.title, "text": page.story.text,
            "published": page.published.isoformat(), "source": page.site.name, "url": page.url}


def write_corpus(pages: Sequence[Page], folder: Path) -> tuple[Path, Path]:
    """``folder/pages/<site>/<story>.html`` and ``folder/articles.jsonl``."""
    pages_dir = folder / "pages"
    for page in pages:
        path = pages_dir / page.id
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.html, encoding="utf-8")
    jsonl = folder / "articles.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for page in pages:
            handle.write(json.dumps(jsonl_record(page), ensure_ascii=False) + "\n")
    return pages_dir, jsonl


# --------------------------------------------------------------------------- the old extractor


def old_loaders(ref: str = OLD_REF) -> ModuleType | None:
    """main's ``dedup/loaders.py`` as of ``ref`` (the hand-written extractor), imported from a
    copy read with git; None when git or the commit is not at hand."""
    try:
        source = subprocess.run(["git", "show", f"{ref}:dedup/loaders.py"], cwd=REPO,
                                capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    spec = importlib.util.spec_from_loader("dedup_old_loaders", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    exec(compile(source, f"{ref}:dedup/loaders.py", "exec"), module.__dict__)  # noqa: S102
    return module


# --------------------------------------------------------------------------- measures

_TOKEN = re.compile(r"[^\W_]+")


def _words(text: str) -> str:
    """Case-folded words joined by single spaces, framed by spaces (for whole-word search)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " " + " ".join(_TOKEN.findall(folded)) + " "


@dataclass
class LineStats:
    """Lines of the extracted texts of some pages, against their articles.

    A *stray* line is a line of the extracted text that is not in the article (headline and
    paragraphs, compared as case-folded words): either text of the *other* stories the page
    shows (teaser cards, "trending" and "read more" lists) or the page's *template* (menus,
    bylines, banners, share bars, comments, newsletter boxes, footers). *Missed* paragraphs
    are the article's paragraphs not found in the extracted text.
    """

    pages: int = 0
    lines: int = 0
    stray: int = 0
    stray_other_stories: int = 0
    stray_template: int = 0
    paragraphs: int = 0
    missing: int = 0
    skipped: int = 0
    date_published: int = 0
    date_updated: int = 0
    date_other: int = 0
    date_none: int = 0
    title_ok: int = 0
    template_lines: dict[str, int] = field(default_factory=dict)

    def add(self, page: Page, item: Document | Skipped | None) -> None:
        self.pages += 1
        story = page.story
        self.paragraphs += len(story.paragraphs)
        if not isinstance(item, Document):
            self.skipped += 1
            self.missing += len(story.paragraphs)
            self.date_none += 1
            return
        article = _words(story.title + "\n" + story.text)
        shown = _words("\n".join(page.shown))
        for line in item.text.split("\n"):
            words = _words(line)
            if not words.strip():
                continue
            self.lines += 1
            if words in article:
                continue
            self.stray += 1
            if words in shown:
                self.stray_other_stories += 1
            else:
                self.stray_template += 1
                key = " ".join(line.split())[:60]
                self.template_lines[key] = self.template_lines.get(key, 0) + 1
        got = _words(item.text)
        self.missing += sum(1 for p in story.paragraphs if _words(p) not in got)
        published = (item.published or "")[:10]
        if not published:
            self.date_none += 1
        elif published == page.published.isoformat():
            self.date_published += 1
        elif published == page.updated.isoformat():
            self.date_updated += 1
        else:
            self.date_other += 1
        if _words(item.title or "") == _words(story.title):
            self.title_ok += 1

    def row(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "template_lines"}

    def frequent_template_lines(self, at_least: int = 4, k: int = 10) -> list[tuple[str, int]]:
        """The template lines met on at least ``at_least`` pages: chrome repeats, a story is on
        three pages at most (the report also drops any line that holds a story's words)."""
        common = [(line, n) for line, n in self.template_lines.items() if n >= at_least]
        return sorted(common, key=lambda kv: (-kv[1], kv[0]))[:k]


def line_stats(pages: Sequence[Page], items: dict[str, Document | Skipped],
               key: Callable[[Page], str]) -> dict[str, LineStats]:
    """Line and date statistics per ``key(page)`` (the template), plus ``"all"``."""
    out: dict[str, LineStats] = {}
    for page in pages:
        item = items.get(page.id)
        for name in (key(page), "all"):
            out.setdefault(name, LineStats()).add(page, item)
    return out


def time_extraction(pages: Sequence[Page],
                    extract: Callable[[bytes, str], Any]) -> tuple[dict[str, float], list[Any]]:
    """Milliseconds per page of ``extract(bytes, id)`` (bytes in memory: no file reading),
    and what it returned for each page."""
    times, outputs = [], []
    for page in pages:
        data = page.html.encode("utf-8")
        start = time.perf_counter()
        outputs.append(extract(data, page.id))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    timing = {"mean_ms": statistics.fmean(times) if times else 0.0,
              "p50_ms": times[len(times) // 2] if times else 0.0,
              "p95_ms": times[int(len(times) * 0.95)] if times else 0.0}
    return timing, outputs


# --------------------------------------------------------------------------- clustering


@dataclass
class Run:
    """One clustering of the corpus: its documents, skipped inputs, labels and scores."""

    name: str
    documents: dict[str, Document | Skipped]
    pred: dict[str, str]
    links: list[Any]
    scores: dict[str, float | int]
    skipped: int


def cluster_run(name: str, items: Iterable[Document | Skipped], gold: dict[str, str],
                id_of: Callable[[Document | Skipped], str] | None = None) -> Run:
    """Cluster the documents with the default configuration; score the story clusters
    against ``gold`` (a skipped page is a cluster of its own)."""
    documents: dict[str, Document | Skipped] = {}
    for item in items:
        key = id_of(item) if id_of else (item.id if isinstance(item, Document) else item.path)
        documents[key] = item
    docs = [d for d in documents.values() if isinstance(d, Document)]
    result = cluster_documents(docs, Config())
    pred: dict[str, str] = {}
    for cluster in result.clusters:
        for member in cluster.members:
            pred[member] = cluster.id
    for key in gold:
        pred.setdefault(key, f"skipped:{key}")
    scores = all_scores(gold, {k: pred[k] for k in gold})
    skipped = sum(1 for key in gold if not isinstance(documents.get(key), Document))
    return Run(name, documents, pred, list(result.links), scores, skipped)


def template_links(run: Run, reference: Run, gold: dict[str, str]) -> dict[str, Any]:
    """Links between different gold stories that ``run`` makes and ``reference`` does not:
    explicit links (with their evidence) and wrongly joined pairs."""
    links = []
    for link in run.links:
        if gold.get(link.a) != gold.get(link.b) and reference.pred[link.a] != reference.pred[link.b]:
            ev = link.evidence
            links.append({"a": link.a, "b": link.b, "kind": link.kind,
                          "score": round(link.scores.get("score", 0.0), 3),
                          "people": list(ev.get("people", []))[:5],
                          "date": (ev.get("date") or {}).get("relation"),
                          "place": (ev.get("place") or {}).get("relation")})
    members: dict[str, list[str]] = {}
    for key, label in run.pred.items():
        if key in gold:
            members.setdefault(label, []).append(key)
    pairs = 0
    for group in members.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if gold[a] != gold[b] and reference.pred[a] != reference.pred[b]:
                    pairs += 1
    return {"links": links, "pairs": pairs}


# --------------------------------------------------------------------------- seeds


def seeds_check(old: ModuleType | None, seed: int = 0) -> dict[str, Any]:
    """The seeds rendered as pages (each on another template) and clustered: the Goa pair
    (001, 003) must be linked and the other three apart, for each extractor."""
    stories = seed_stories()
    if not stories:
        return {"available": False}
    sites = make_sites()
    by_template = {s.template: s for s in sites}
    rng = random.Random(f"seeds-{seed}")
    pages = []
    for k, story in enumerate(stories):
        site = by_template[sorted(TEMPLATES)[k % len(TEMPLATES)]]
        pages.append(render_page(story, site, story.published or date(2024, 1, 1), rng,
                                 stories, TEMPLATES[site.template]))
    out: dict[str, Any] = {"available": True}
    with tempfile.TemporaryDirectory(prefix="dedup-seed-pages-") as folder:
        pages_dir, _ = write_corpus(pages, Path(folder))
        loaders = {"trafilatura": load}
        if old is not None:
            loaders["old extractor"] = old.load
        for name, loader in loaders.items():
            documents, skipped = loader(pages_dir)
            gold = {p.id: p.story.gold for p in pages}
            run = cluster_run(name, [*documents, *skipped], gold,
                              id_of=lambda item: item.id if isinstance(item, Document)
                              else str(Path(item.path).relative_to(pages_dir)))
            by_seed = {p.story.id[5:8]: run.pred[p.id] for p in pages}
            goa = by_seed.get("001") is not None and by_seed.get("001") == by_seed.get("003")
            others = [by_seed[k] for k in ("000", "002", "004") if k in by_seed]
            apart = len(set(others)) == len(others) and not (set(others) & {by_seed.get("001")})
            out[name] = {"goa_linked": goa, "others_apart": apart, "ok": goa and apart,
                         "skipped": run.skipped}
    return out


# --------------------------------------------------------------------------- one corpus


def measure_corpus(label: str, pages: Sequence[Page], folder: Path,
                   old: ModuleType | None, log: Callable[[str], None]) -> dict[str, Any]:
    """Write the pages and their JSONL, extract and cluster them every way, and measure."""
    pages_dir, jsonl = write_corpus(pages, folder)
    gold = {p.id: p.story.gold for p in pages}
    log(f"{label}: {len(pages)} pages of {len({p.story.id for p in pages})} stories "
        f"({len(set(gold.values()))} gold stories) in {pages_dir}")

    def rel(item: Document | Skipped) -> str:
        if isinstance(item, Document):
            return item.id
        return str(Path(item.path).relative_to(pages_dir))

    start = time.perf_counter()
    documents, skipped = load(pages_dir)
    load_seconds = time.perf_counter() - start
    runs = {"jsonl": cluster_run("JSONL", [*load(jsonl)[0]], gold)}
    runs["pages"] = cluster_run("pages, trafilatura", [*documents, *skipped], gold, rel)
    timing: dict[str, dict[str, float]] = {}
    timing["trafilatura"], outputs = time_extraction(pages, lambda data, _id: extract_page(data))
    timing["trafilatura"]["load_ms"] = load_seconds * 1000 / max(1, len(pages))
    extractors: dict[str, int] = {}
    for got in outputs:
        kind = got.extractor if not isinstance(got, str) else "skipped"
        extractors[kind] = extractors.get(kind, 0) + 1
    if old is not None:
        old_docs, old_skipped = old.load(pages_dir)
        runs["old"] = cluster_run("pages, old extractor", [*old_docs, *old_skipped], gold, rel)
        timing["old extractor"], _ = time_extraction(
            pages, lambda data, page_id: old._html_document(data, page_id, page_id))
    template_of = {p.id: p.site.template for p in pages}
    stats = {name: line_stats(pages, run.documents, lambda p: template_of[p.id])
             for name, run in runs.items() if name != "jsonl"}
    links = {name: template_links(run, runs["jsonl"], gold)
             for name, run in runs.items() if name != "jsonl"}
    by_id = {p.id: p for p in pages}
    for name, found in links.items():  # could template text have made the link at all?
        for link in found["links"]:
            link["stray_lines"] = [_stray_lines(by_id[k], runs[name].documents.get(k))
                                   for k in (link["a"], link["b"])]
    return {
        "label": label, "pages": len(pages), "stories": len({p.story.id for p in pages}),
        "gold_stories": len(set(gold.values())),
        "templates": sorted({p.site.template for p in pages}),
        "runs": {name: {"name": run.name, "scores": run.scores, "skipped": run.skipped}
                 for name, run in runs.items()},
        "stats": {name: {k: v.row() for k, v in per.items()} for name, per in stats.items()},
        "stray_examples": {name: _no_article_text(per["all"].frequent_template_lines(), pages)
                           for name, per in stats.items()},
        "links": links, "timing": timing, "extractors": extractors,
    }


def _stray_lines(page: Page, item: Document | Skipped | None) -> int:
    """The lines of a page's extracted text that are not its article's (template text or
    other stories'): a link between two pages with none was not made by template text."""
    stats = LineStats()
    stats.add(page, item)
    return stats.stray


def _no_article_text(lines: list[tuple[str, int]],
                     pages: Sequence[Page]) -> list[tuple[str, int]]:
    """The lines that hold no words of any story on the pages (the report shows them)."""
    stories = {p.story.id: p.story for p in pages}.values()
    text = _words("\n".join(f"{s.title}\n{s.text}" for s in stories))
    return [(line, n) for line, n in lines if _words(line) not in text]


# --------------------------------------------------------------------------- checks and report


def checks(corpus: dict[str, Any]) -> dict[str, Any]:
    """F1 of the pages within :data:`F1_TOLERANCE` of the JSONL's; no template links."""
    runs = corpus["runs"]
    f1_pages = runs["pages"]["scores"]["pairwise_f1"]
    f1_jsonl = runs["jsonl"]["scores"]["pairwise_f1"]
    return {"f1_gap": f1_jsonl - f1_pages, "f1_ok": abs(f1_jsonl - f1_pages) <= F1_TOLERANCE,
            "template_links": len(corpus["links"]["pages"]["links"]),
            # of them, links where either page's text holds a line that is not its article's
            # (the others cannot have been made by template text: average linkage placed the
            # same texts otherwise, as small differences elsewhere in the corpus shift it)
            "template_links_with_stray": sum(
                1 for link in corpus["links"]["pages"]["links"]
                if any(link.get("stray_lines", [1]))),
            "template_pairs": corpus["links"]["pages"]["pairs"],
            "links_ok": not corpus["links"]["pages"]["links"]
            and not corpus["links"]["pages"]["pairs"]}


def _f(value: float) -> str:
    return f"{value:.3f}"


def markdown(results: dict[str, Any]) -> str:
    """The report: no article text (only ids, counts, scores and chrome lines)."""
    lines = [f"# Web pages against JSONL ({results['date']})", "",
             f"`python -m benchmarks.webpages {' '.join(results['argv'])}`".replace(" `", "`"),
             "", results["note"], ""]
    for corpus in results["corpora"]:
        lines += [f"## {corpus['label']}", "",
                  f"{corpus['pages']} pages of {corpus['stories']} articles "
                  f"({corpus['gold_stories']} gold stories), templates: "
                  f"{', '.join(corpus['templates'])}. Default configuration.", "",
                  "| run | skipped | P | R | F1 | B³ P | B³ R | B³ F1 | wrong links not in JSONL |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, run in corpus["runs"].items():
            s = run["scores"]
            extra = "" if name == "jsonl" else (
                f"{len(corpus['links'][name]['links'])} links, {corpus['links'][name]['pairs']} pairs")
            lines.append(f"| {run['name']} | {run['skipped']} | {_f(s['pairwise_precision'])} | "
                         f"{_f(s['pairwise_recall'])} | **{_f(s['pairwise_f1'])}** | "
                         f"{_f(s['bcubed_precision'])} | {_f(s['bcubed_recall'])} | "
                         f"{_f(s['bcubed_f1'])} | {extra or '-'} |")
        check = corpus["checks"]
        lines += ["", f"- F1 gap (JSONL − pages): {check['f1_gap']:+.3f} "
                      f"({'within' if check['f1_ok'] else 'NOT within'} {F1_TOLERANCE})",
                  f"- links between different gold stories that the page run makes and the "
                  f"JSONL run does not (made by template text): {check['template_links']} "
                  f"links, {check['template_pairs']} wrongly joined pairs "
                  f"({'none' if check['links_ok'] else 'SOME'}); links between pages of "
                  f"which one holds a line that is not its article's: "
                  f"{check['template_links_with_stray']}",
                  f"- extraction: {corpus['extractors']}", ""]
        lines += ["| extractor | template | pages | lines | stray lines | of them other stories | "
                  "of them template | paragraphs missed | skipped | date = published | = updated "
                  "| other | none | title ok |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, per in corpus["stats"].items():
            label = "trafilatura" if name == "pages" else "old extractor"
            for template, st in sorted(per.items(), key=lambda kv: (kv[0] == "all", kv[0])):
                lines.append(
                    f"| {label} | {template} | {st['pages']} | {st['lines']} | {st['stray']} | "
                    f"{st['stray_other_stories']} | {st['stray_template']} | "
                    f"{st['missing']} of {st['paragraphs']} | {st['skipped']} | "
                    f"{st['date_published']} | {st['date_updated']} | {st['date_other']} | "
                    f"{st['date_none']} | {st['title_ok']} |")
        lines += ["", "Time per page (bytes in memory → fields): " + "; ".join(
            f"{name} mean {t['mean_ms']:.1f} ms, p50 {t['p50_ms']:.1f} ms, p95 {t['p95_ms']:.1f} ms"
            for name, t in corpus["timing"].items()), ""]
        for name, examples in corpus["stray_examples"].items():
            label = "trafilatura" if name == "pages" else "old extractor"
            if examples:
                lines.append(f"Most frequent template lines in the text, {label} (on 4 pages "
                             "or more; first 60 characters): "
                             + "; ".join(f"`{text}` ×{n}" for text, n in examples[:8]))
                lines.append("")
        for name, found in corpus["links"].items():
            label = "trafilatura" if name == "pages" else "old extractor"
            if found["links"]:
                lines.append(f"Links between different gold stories made by the page run only, "
                             f"{label} ({len(found['links'])}; first 15):")
                lines.append("")
                for link in found["links"][:15]:
                    lines.append(f"- `{link['a']}` ↔ `{link['b']}` {link['kind']} score "
                                 f"{link['score']}, people {link['people']}, date "
                                 f"{link['date']}, place {link['place']}, stray lines in "
                                 f"the two texts {link.get('stray_lines')}")
                lines.append("")
    seeds = results["seeds"]
    lines += ["## Seeds as pages", ""]
    if not seeds.get("available"):
        lines.append("data/ is absent.")
    for name, seed in seeds.items():
        if name == "available":
            continue
        lines.append(f"- {name}: Goa pair linked: {seed['goa_linked']}; other three apart: "
                     f"{seed['others_apart']}; skipped {seed['skipped']}")
    lines += ["", f"Environment: {results['environment']}", ""]
    return "\n".join(lines)


def run(args: argparse.Namespace, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Build, extract, cluster and measure; the results dict."""
    stories = load_stories(Path(args.data), args.articles, args.seed)
    note = "Stories: GVC dev and ECB+ dev (gold `cluster`)."
    if not stories:
        stories = synthetic_stories(args.synthetic, args.seed)
        note = (f"{Path(args.data)} is absent: {len(stories)} synthetic articles, each its own "
                "story.")
    old = None if args.old_ref == "none" else old_loaders(args.old_ref)
    if old is None and args.old_ref != "none":
        log(f"the old extractor ({args.old_ref}) is not at hand: compared with nothing")
    corpora = []
    keep = Path(args.out) if args.out else None
    with tempfile.TemporaryDirectory(prefix="dedup-webpages-") as temp:
        base = keep or Path(temp)
        if keep and keep.exists():
            shutil.rmtree(keep)
        sets = [(label, make_sites(False if sub == "dev" else sub), sub)
                for sub, label in SETS.items() if sub in args.sets]
        for label, sites, sub in sets:
            pages = publish(stories, sites, args.seed)
            corpus = measure_corpus(label, pages, base / sub, old, log)
            corpus["checks"] = checks(corpus)
            corpora.append(corpus)
    results = {"date": date.today().isoformat(), "argv": args.argv, "note": note,
               "corpora": corpora, "seeds": seeds_check(old, args.seed),
               "environment": _environment()}
    return results


def _environment() -> str:
    import platform

    try:
        from importlib.metadata import version

        traf = version("trafilatura")
    except Exception:  # noqa: BLE001 - informational only
        traf = "?"
    return f"Python {platform.python_version()}, trafilatura {traf}, {platform.machine()}"


def print_summary(results: dict[str, Any], log: Callable[[str], None] = print) -> None:
    """The headline figures on the terminal."""
    for corpus in results["corpora"]:
        log(f"\n{corpus['label']}: {corpus['pages']} pages")
        for run in corpus["runs"].values():
            s = run["scores"]
            log(f"  {run['name']:<24} skipped {run['skipped']:>4}  P {_f(s['pairwise_precision'])}"
                f"  R {_f(s['pairwise_recall'])}  F1 {_f(s['pairwise_f1'])}  B3 F1 "
                f"{_f(s['bcubed_f1'])}")
        for name, per in corpus["stats"].items():
            st = per["all"]
            log(f"  {name:<6} stray lines {st['stray']:>6} of {st['lines']:>6} (other stories "
                f"{st['stray_other_stories']}, template {st['stray_template']}); paragraphs "
                f"missed {st['missing']} of {st['paragraphs']}; date=published "
                f"{st['date_published']}, =updated {st['date_updated']}, other "
                f"{st['date_other']}, none {st['date_none']}")
        for name, found in corpus["links"].items():
            log(f"  {name:<6} wrong links not in the JSONL run: {len(found['links'])} links, "
                f"{found['pairs']} wrongly joined pairs")
        check = corpus["checks"]
        log(f"  F1 gap {check['f1_gap']:+.3f} ({'ok' if check['f1_ok'] else 'FAIL'}); template "
            f"links {check['template_links']}, pairs {check['template_pairs']} "
            f"({'ok' if check['links_ok'] else 'FAIL'}); links between pages with a stray "
            f"line {check['template_links_with_stray']}")
        for name, t in corpus["timing"].items():
            log(f"  {name}: {t['mean_ms']:.1f} ms/page (p50 {t['p50_ms']:.1f}, p95 "
                f"{t['p95_ms']:.1f})")
    for name, seed in results["seeds"].items():
        if name != "available":
            log(f"seeds, {name}: {'ok' if seed['ok'] else 'FAIL'} {seed}")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.webpages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DATA_DIR), help="labeled JSONL folder")
    parser.add_argument("--articles", type=int, default=None,
                        help="a sample of this many articles (default: all)")
    parser.add_argument("--synthetic", type=int, default=60,
                        help="synthetic articles when the data folder is absent")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="keep the pages and JSONL in this folder")
    parser.add_argument("--unseen", action="store_true",
                        help="also measure the templates kept out of development (all of them)")
    parser.add_argument("--sets", default=None,
                        help=f"comma-separated corpora to measure, of {', '.join(SETS)} "
                             "(default: dev; with --unseen: all)")
    parser.add_argument("--old-ref", default=OLD_REF,
                        help="git commit of the old extractor ('none': no comparison)")
    parser.add_argument("--no-write", action="store_true", help="do not write the report")
    parser.add_argument("--report", default=None,
                        help="write the report there (default: benchmarks/results/"
                             "webpages-<date>.md)")
    args = parser.parse_args(argv)
    args.argv = list(argv if argv is not None else sys.argv[1:])
    if args.sets is None:
        args.sets = list(SETS) if args.unseen else ["dev"]
    else:
        args.sets = [name.strip() for name in args.sets.split(",") if name.strip()]
        unknown = sorted(set(args.sets) - set(SETS))
        if unknown:
            parser.error(f"unknown --sets {', '.join(unknown)} (known: {', '.join(SETS)})")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args, log=lambda msg: print(msg, file=sys.stderr))
    print_summary(results)
    if not args.no_write:
        path = Path(args.report) if args.report else RESULTS / f"webpages-{results['date']}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(markdown(results), encoding="utf-8")
        print(f"report: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
