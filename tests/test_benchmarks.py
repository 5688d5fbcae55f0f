"""The benchmark tooling: syndication generator, per-tier scoring, baselines, report writer."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from benchmarks import baselines, evaluate, report, run
from benchmarks.calibrate import recommend
from benchmarks.sets import LabeledSet, seed_set, syndication_set
from benchmarks.syndicate import (
    jaccard,
    jaccard_pairs,
    make_sites,
    page_body,
    republish,
    shingles,
    split_paragraphs,
    straight,
    syndicate,
)
from dedup import ClusterResult, Document, Link, cluster_documents
from dedup.normalize import tokenize

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NO_DATA = f"{DATA} is absent: the labeled development data is not here"

# The seeds report four events: 001 and 003 the Goa talks; 000 (Astana), 002 and 004 (two
# Moscow visits) each another meeting of the same two ministers.
SEEDS = seed_set()


def gold_event(doc_id: str) -> str:
    """Gold event of a seed (or of a page made from one, whose id starts like the seed's)."""
    return "goa" if doc_id[:3] in ("001", "003") else doc_id[:3]


@pytest.fixture(scope="module")
def seeds() -> list[Document]:
    if SEEDS is None:
        pytest.skip("data/ (the seed articles) is absent")
    return SEEDS.documents


def signature(items: list[Any]) -> list[tuple[Any, ...]]:
    """Everything that must be reproducible about a syndication set."""
    return [(d.id, d.title, d.text, d.published, d.source, d.url, base, event)
            for d, base, event in items]


# --------------------------------------------------------------------------- syndicate


def test_syndicate_is_deterministic_for_a_seed(seeds: list[Document]) -> None:
    first = syndicate(seeds, seed=7, mean_copies=2)
    assert signature(first) == signature(syndicate(seeds, seed=7, mean_copies=2))
    assert signature(first) != signature(syndicate(seeds, seed=8, mean_copies=2))


def test_syndicate_labels_copies_with_their_base_and_event(seeds: list[Document]) -> None:
    events = {d.id: gold_event(d.id) for d in seeds}
    items = syndicate(seeds, seed=1, events=events, mean_copies=2)
    originals = [d for d, base, _ in items if d.id == base]
    assert sorted(d.id for d in originals) == sorted(d.id for d in seeds)
    assert len(items) > len(seeds)
    assert len({d.id for d, _, _ in items}) == len(items)
    for _, base, event in items:
        assert event == events[base]


def test_copies_are_near_duplicates_of_their_base(seeds: list[Document]) -> None:
    bases = {d.id: d for d in seeds}
    sites = {s.slug: s for s in make_sites(3)}
    items = [(d, b) for d, b, _ in syndicate(seeds, seed=3, mean_copies=4) if d.id != b]
    scores, deep = [], []
    for doc, base in items:
        original = bases[base]
        if doc.metadata["copy"] == "exact":
            assert tokenize(straight(doc.text)) == tokenize(straight(original.text))
            continue
        body = page_body(doc.text, sites[doc.metadata["site"]], doc.title)
        if doc.metadata["copy"] == "deep":  # its first paragraphs: held by its base
            held = shingles(body) & shingles(straight(original.text))
            deep.append(len(held) / len(shingles(body)))
            continue
        scores.append(jaccard(straight(original.text), body))
    assert len(scores) >= 10 and len(deep) >= 3
    assert min(scores) >= 0.5, "a copy's article text must stay a near-duplicate of its base"
    assert min(deep) >= 0.5, "a copy cut to its first paragraphs must stay contained in its base"
    assert min(scores) < 0.95, "copies should be edited, not verbatim"


def test_site_chrome_is_shared_by_a_sites_pages(seeds: list[Document]) -> None:
    sites = make_sites(0)
    assert len({s.fixed_chrome for s in sites}) == len(sites), "each site has its own chrome"
    site = sites[0]
    rng = random.Random(0)
    pages = [republish(d.title or "", split_paragraphs(d.text, d.title), site, rng)[1]
             for d in seeds]
    for page in pages:
        lines = {line.strip() for line in straight(page).split("\n")}
        assert {straight(line) for line in site.fixed_chrome} <= lines


def test_exact_pairs_of_jaccard_pairs_match_the_definition() -> None:
    texts = ["one two three four five six seven", "one two three four five six eight",
             "nine ten eleven twelve thirteen", "one two three four five six seven"]
    found = {(i, j): s for i, j, s in jaccard_pairs(texts, 0.01)}
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            expected = jaccard(texts[i], texts[j])
            assert found.get((i, j), 0.0) == pytest.approx(expected)


# --------------------------------------------------------------------------- chrome vs dedup


def site_pages(docs: list[Document], site_seed: int, words: int | None = None
               ) -> list[list[Document]]:
    """Every seed republished on each fake site (optionally cut to its first ``words``
    words): one list of pages per site."""
    out = []
    for site in make_sites(site_seed):
        rng = random.Random(site_seed)
        pages = []
        for d in docs:
            paragraphs = split_paragraphs(d.text, d.title)
            if words:
                paragraphs = [" ".join(" ".join(paragraphs).split()[:words])]
            title, text = republish(d.title or "", paragraphs, site, rng,
                                    headlines=[x.title or "" for x in docs])
            pages.append(Document(id=d.id, text=text, title=title, source=site.name))
        out.append(pages)
    return out


def cross_event_links(result: ClusterResult, kinds: tuple[str, ...]) -> list[Link]:
    """Links of these kinds between documents of different gold events."""
    return [link for link in result.links
            if link.kind in kinds and gold_event(link.a) != gold_event(link.b)]


def test_chrome_alone_does_not_make_two_stories_copies(seeds: list[Document]) -> None:
    for pages in site_pages(seeds, 0):
        result = cluster_documents(pages)
        assert not cross_event_links(result, ("exact", "near-duplicate")), pages[0].source


def test_chrome_alone_does_not_make_two_short_stories_copies(seeds: list[Document]) -> None:
    for pages in site_pages(seeds, 0, words=30):  # news briefs
        result = cluster_documents(pages)
        assert not cross_event_links(result, ("exact", "near-duplicate")), pages[0].source


def test_different_stories_on_one_site_are_not_clustered(seeds: list[Document]) -> None:
    for pages in site_pages(seeds, 0):
        result = cluster_documents(pages)
        for cluster in result.clusters:
            events = {gold_event(m) for m in cluster.members}
            assert len(events) == 1, f"{pages[0].source}: {cluster.members}"


# --------------------------------------------------------------------------- scoring


def link(a: str, b: str, kind: str) -> Link:
    return Link(a, b, kind, {}, {})


def test_tier_precision_judges_copies_by_base_and_events_by_story() -> None:
    result = ClusterResult(documents=4, clusters=[], links=[
        link("a", "b", "near-duplicate"),  # copies of one base: right
        link("a", "c", "near-duplicate"),  # same event, other text: wrong for the copy tier
        link("a", "c", "same-event"),      # right
        link("c", "d", "same-event"),      # wrong
    ])
    stories = {"a": 1, "b": 1, "c": 1, "d": 2}
    copies = {"a": "x", "b": "x", "c": "y", "d": "z"}
    tiers = evaluate.tier_precision(result, stories, copies)
    assert tiers["near-duplicate"] == {"links": 2, "correct": 1, "basis": "copies",
                                       "precision": 0.5}
    assert tiers["same-event"]["precision"] == 0.5
    assert tiers["exact"]["precision"] is None
    sites = {"a": "s1", "b": "s2", "c": "s1", "d": "s1"}
    with_sites = evaluate.tier_precision(result, stories, copies, sites)
    assert with_sites["near-duplicate"]["wrong_same_site"] == 1
    assert with_sites["same-event"]["wrong_same_site"] == 1
    without_copies = evaluate.tier_precision(result, stories, None)
    assert without_copies["near-duplicate"]["basis"] == "events"
    assert without_copies["near-duplicate"]["precision"] == 1.0


def test_blocked_tfidf_single_link_matches_the_dense_one() -> None:
    rng = random.Random(0)
    words = [f"w{k}" for k in range(40)]
    docs = [{"id": f"d{k}", "title": "", "text": " ".join(rng.choices(words, k=12)),
             "date": f"2024-01-{1 + k % 20:02d}" if k % 3 else None} for k in range(60)]
    dense = baselines.tfidf_single_link(docs, 0.3, 3)
    blocked = baselines.tfidf_single_link_blocked(docs, 0.3, 3, block=7)
    groups = lambda labels: sorted(sorted(k for k in labels if labels[k] == v)  # noqa: E731
                                   for v in set(labels.values()))
    assert groups(dense) == groups(blocked)


def test_recommend_takes_max_f1_and_breaks_ties_toward_the_default() -> None:
    points = [{"t": 0.3, "pairwise_f1": 0.8}, {"t": 0.4, "pairwise_f1": 0.9},
              {"t": 0.6, "pairwise_f1": 0.9}, {"t": 0.5, "pairwise_f1": 0.85}]
    assert recommend(points, "t", 0.5)["t"] in (0.4, 0.6)
    assert recommend(points, "t", 0.65)["t"] == 0.6
    assert recommend(points[:1] + points[3:], "t", 0.5)["t"] == 0.5


# --------------------------------------------------------------------------- report


@pytest.fixture(scope="module")
def tiny_results(seeds: list[Document]) -> dict[str, Any]:
    """Results of the quality part on the seeds and a small syndication set of them, with
    made-up speed figures (the real speed runs take minutes)."""
    seed_labels = LabeledSet("seeds", seeds, {d.id: gold_event(d.id) for d in seeds})
    sets = [seed_labels, syndication_set([seed_labels], bases=5, mean_copies=2)]
    quality, curves = run.quality_section(sets, quick=True, log=lambda msg: None)
    measurement = {"timed_docs": 100, "seconds": 1.0, "docs_per_s": 100.0, "peak_rss_mb": 50.0,
                   "rss_before_mb": 40.0, "ratio": 1.0, "note": "", "corpus_docs": 100}
    stages = {"reading": 0.6, "fingerprints": 0.1, "candidates": 0.1, "scoring": 0.1,
              "clustering": 0.05, "finalize": 0.05}
    speed = {"sizes": {"100": {"corpus": {"bases": "synthetic", "mean_chars": 3000}, "methods": [
        {**measurement, "method": "dedup", "extra": {"stages_s": stages}},
        {**measurement, "method": "datasketch loop", "extra": {}},
        {**measurement, "method": "floor", "docs_per_s": 400.0, "extra": {}},
    ]}}}
    return {
        "schema": 1, "date": "2000-01-01", "quick": True, "seconds": 1.0,
        "environment": {"platform": "test", "cpus": 1, "python": "3", "dedup": "0",
                        "commit": None},
        "config": {"near_duplicate_threshold": 0.5},
        "baselines": {"tfidf_threshold": 0.25, "tfidf_window_days": 3,
                      "minhash_threshold": 0.8, "minhash_perms": 128, "shingle": 5},
        "sets": [s.summary() for s in sets], "quality": quality, "curves": curves,
        "speed": speed,
    }


def test_report_writes_json_and_markdown(tiny_results: dict[str, Any], tmp_path: Path) -> None:
    written = report.write_report(tiny_results, tmp_path, "tiny")
    data = json.loads((tmp_path / "tiny.json").read_text(encoding="utf-8"))
    assert {row["method"] for row in data["quality"]["syndication"]} == set(evaluate.METHODS)
    dedup_row = data["quality"]["syndication"][0]
    assert dedup_row["copies"]["pairwise_f1"] > 0.5
    text = (tmp_path / "tiny.md").read_text(encoding="utf-8")
    for heading in ("## Quality", "### Duplicate groups", "### Precision per tier", "## Speed"):
        assert heading in text
    assert tmp_path / "tiny.json" in written and tmp_path / "tiny.md" in written
    tables = report.terminal_tables(tiny_results)
    assert len(tables) == 5


def test_report_draws_png_plots(tiny_results: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib is not installed (pip install "
                        "-e '.[bench]'): the report is written without plots")
    report.write_report(tiny_results, tmp_path, "tiny")
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["tiny-pr-near-duplicate.png", "tiny-pr-same-event.png", "tiny-speed.png",
                    "tiny-stages.png"]
    for name in pngs:
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](tiny-speed.png)" in (tmp_path / "tiny.md").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- labeled data


@pytest.mark.skipif(not DATA.is_dir(), reason=NO_DATA)
def test_syndication_set_from_labeled_data_keeps_gold_events() -> None:
    from benchmarks.sets import jsonl_set

    gvc = jsonl_set(DATA / "gvc-dev.jsonl")
    synd = syndication_set([gvc], bases=30, seed=2)
    assert synd.info["bases"] == 30 and synd.info["copies"] > 0
    originals = {d.id: d for d in gvc.documents}
    for doc in synd.documents:
        base = synd.copies[doc.id]
        assert synd.stories[doc.id] == f"gvc-dev:{gvc.stories[base]}"
        if originals[base].published:
            assert doc.published is not None and doc.published >= originals[base].published


def test_densest_month_is_the_month_most_records_were_published_in() -> None:
    from benchmarks.labeled import densest_month

    records = [{"id": "a", "date": "2016-04-02"}, {"id": "b", "date": "2016-05-01"},
               {"id": "c", "published": "2016-05-09"}, {"id": "d"},
               {"id": "e", "date": "2016-04-30"}]
    month, members = densest_month(records)
    assert month == "2016-04" and [r["id"] for r in members] == ["a", "e"]  # tie: earlier
    assert densest_month([{"id": "x"}]) is None


@pytest.mark.skipif(not (DATA / "gvc-dev.jsonl").exists(), reason=NO_DATA)
def test_batch_drift_compares_the_batch_of_a_prefix_with_the_batch_of_all() -> None:
    from benchmarks.engine import batch_drift

    (half, n, drift), (k, _, whole) = batch_drift(DATA / "gvc-dev.jsonl", (0.5, 1.0))
    assert (half, k) == (round(n / 2), n)
    assert whole == pytest.approx(1.0)  # all of them: the same batch
    assert -1.0 <= drift <= 1.0


def test_recall_marks_choose_terms_held_twice_and_add_the_venue_once() -> None:
    from types import SimpleNamespace

    import numpy as np
    import scipy.sparse as sp

    from benchmarks.recall import marks

    # columns: 0 "toledo", 1 "party", 2 "hapax" (held by row 0 only), 3 "stopper"
    body = sp.csr_matrix(np.array([[0.1, 0.5, 0.9, 0.0],
                                   [0.2, 0.6, 0.0, 0.3],
                                   [0.0, 0.4, 0.0, 0.8]], dtype=np.float32))
    words = {"toledo": 0, "party": 1, "hapax": 2, "stopper": 3}
    keys = [SimpleNamespace(key=SimpleNamespace(people=frozenset(), venue=v))
            for v in ("toledo", "toledo", None)]
    plain = marks(body, keys, words, 1, False, ()).toarray()
    assert plain.tolist() == [[0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]
    held = marks(body, keys, words, 1, True, ()).toarray()
    assert held[0].tolist() == [0, 1, 0, 0]  # the term no other row holds gives way
    venue = marks(body, keys, words, 2, False, ("venue",)).toarray()
    assert venue[0].tolist() == [1, 1, 1, 0] and venue[1].tolist() == [1, 1, 0, 1]
    assert venue.max() == 1  # "toledo", salient and the venue of row 1, is marked once


def test_recall_default_variant_reproduces_the_default_run(seeds: list[Document]) -> None:
    import dedup.pairs
    from benchmarks.recall import _Vocabulary, oracle, widened

    plain = cluster_documents(seeds)
    original = dedup.pairs.candidate_blocks
    vocabulary, found = _Vocabulary(), []
    with vocabulary.watching(), widened("default (top 24)", vocabulary, found):
        same = cluster_documents(seeds)
    assert dedup.pairs.candidate_blocks is original
    assert [c.members for c in same.clusters] == [c.members for c in plain.clusters]
    assert len(found) == 1 and found[0] > 0
    # the oracle adds every pair of one gold cluster: all the seeds in one, all pairs compared
    counts: list[int] = []
    with oracle({d.id: "one" for d in seeds}):
        cluster_documents(seeds, progress=lambda stage, done, total:
                          counts.append(done) if stage == "candidates" else None)
    assert dedup.pairs.candidate_blocks is original
    assert counts == [len(seeds) * (len(seeds) - 1) // 2]


def test_recall_never_scores_the_gold_pairs_no_source_proposed(
    seeds: list[Document], tmp_path: Path, without_fact_pairs: None,
) -> None:
    # All five seeds as one gold story: some of its pairs share nothing a candidate source
    # looks at (without the rare-fact pairs: every surname of five articles is rare), and the
    # line says how many of those would score a link if compared.
    from benchmarks.recall import never
    from dedup.config import Config

    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text, "title": d.title,
                                        "cluster": "one"}) + "\n" for d in seeds))
    line = never(path, Config())
    assert line.startswith(f"seeds.jsonl: gold pairs {len(seeds) * (len(seeds) - 1) // 2}, ")
    missed = int(line.split("never candidates ")[1].split()[0])
    assert missed > 0 and f"of them would score >= {Config().same_event_threshold}" in line


def test_date_only_rules_drop_the_date_points_of_unsupported_pairs_only() -> None:
    import dataclasses

    import numpy as np

    from benchmarks.date_only import rescored
    from benchmarks.pair_model import Scored
    from dedup.pairs import PairTable
    from dedup.scoring import DATE_POINTS, event_scores

    # pairs: same day alone (low cosine), same day + venue match, same day + high cosine,
    # date conflict alone (its negative points stay)
    cosine = np.array([0.1, 0.1, 0.5, 0.1])
    head, people = np.zeros(4), np.zeros(4)
    date, place = np.array([1, 1, 1, 3]), np.array([0, 1, 0, 0])
    ages, outcome = np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64)
    score = event_scores(cosine, head, people, date, place, ages, outcome)
    table = PairTable(np.arange(4), np.arange(1, 5), np.zeros(4), cosine, head, people, date,
                      place, score, ages=ages, outcome=outcome)
    s = Scored("x", None, [], table, {}, {}, {}, np.zeros(4, dtype=bool))
    new = rescored(s, "venue/person/age", 0.3, 0.4)
    assert np.allclose(new - score, [-DATE_POINTS["same"], 0.0, 0.0, 0.0])
    vetoed = rescored(dataclasses.replace(s, table=dataclasses.replace(
        table, score=score + 1.0)), "veto", 0.3, 0.4)
    assert vetoed[0] < 0.4 and vetoed[3] < 0.4
    assert np.allclose(vetoed[1:3], score[1:3] + 1.0)


def test_quality_rules_protagonists_tell_two_fights_of_one_boxer_apart() -> None:
    import numpy as np

    from benchmarks.pair_model import Scored
    from benchmarks.quality_rules import Texts, protagonists, protagonists_differ
    from dedup.events import EventKey
    from dedup.pairs import PairTable

    def key(*people: str) -> EventKey:
        return EventKey(date=None, published=None, people=frozenset(people),
                        orgs=frozenset(), places=frozenset(), venue=None)

    titles = ["Wladimir Klitschko stops Tony Thompson in 6th round", "",
              "Klitschko retains belts against Thompson"]
    bodies = ["Klitschko kept his titles on Saturday night.",
              "Wladimir Klitschko stopped Hasim Rahman in the seventh round. Rahman fell.",
              "Wladimir Klitschko stopped Tony Thompson in the sixth round."]
    keys = [key("klitschko", "thompson"), key("klitschko", "rahman"),
            key("klitschko", "thompson")]
    assert protagonists(keys[0], titles[0], bodies[0], True) == {"klitschko", "thompson"}
    assert protagonists(keys[2], titles[2], bodies[2], False) == {"klitschko", "thompson"}
    left, right = np.array([0, 0]), np.array([1, 2])
    z = np.zeros(2)
    table = PairTable(left, right, z, z, z, z, np.zeros(2, dtype=np.int64),
                      np.zeros(2, dtype=np.int64), z)
    texts = Texts(Scored("x", None, keys, table, {}, {}, {}, np.zeros(2, dtype=bool)),
                  titles, bodies)
    # Thompson's fight against Rahman's: each lead names a man the other never does
    assert protagonists_differ(texts, True).tolist() == [True, False]
    assert protagonists_differ(texts, False).tolist() == [True, False]


def test_quality_rules_drop_only_the_sentences_about_another_incident() -> None:
    from benchmarks.quality_rules import without_other_incidents
    from dedup.events import lead_ages

    lead = ("A 6-year-old boy died Wednesday after he was shot in Little Rock. The shooting "
            "came a day after a 2-year-old boy died after being shot in Benton.")
    kept = without_other_incidents(lead)
    assert "Little Rock" in kept and "Benton" not in kept
    assert lead_ages("", lead) == {2, 6} and lead_ages("", kept) == {6}


def test_quality_rules_stamp_titles_are_time_stamps_with_a_year_only() -> None:
    from benchmarks.quality_rules import is_stamp

    assert is_stamp("11/28/05") and is_stamp("TUESDAY, OCTOBER 11, 2011")
    assert is_stamp("21 July 2013 Last updated at 11: 11 GMT")
    assert not is_stamp("Seacom operations fully restored: 4 November 2011")
    assert not is_stamp("APR 28") and not is_stamp("Colts beat Chiefs 20-13")
