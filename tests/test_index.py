"""The incremental index: verdicts, batch consistency, persistence, threads, expiry."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from dedup import Document, InputError, cluster_documents
from dedup import index as index_module
from dedup.index import DedupIndex
from dedup.loaders import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GVC = ROOT.parent / "shared" / "data" / "gvc-dev.jsonl"

STORY = (
    "Firefighters battled a large blaze at the Riverside paper mill in Millbrook on Tuesday "
    "night, officials said. Fire chief Dana Whitfield said three workers were treated for smoke "
    "inhalation and the plant will stay closed while inspectors look for the cause. Residents "
    "near the mill were told to keep their windows shut overnight as smoke drifted across town."
)
OTHER = (
    "The city council of Lakeside approved a new budget for road repairs on Monday after a long "
    "debate. Mayor Priya Raman said the plan doubles spending on potholes and adds two new bike "
    "lanes downtown, paid for by a small increase in parking fees."
)


def _seeds() -> list[Document]:
    docs, skipped = load(DATA)
    assert not skipped
    return docs


def _clusters(result) -> list[list[str]]:
    return [c.members for c in result.clusters]


def test_first_article_is_new_and_its_copy_is_exact():
    index = DedupIndex()
    first = index.add(Document(id="a", text=STORY, title="Fire at paper mill"))
    assert first.status == "new"
    assert (first.story, first.group) == ("a", "a")
    copy = index.add(Document(id="b", text=STORY, title="Fire at paper mill"))
    assert copy.status == "exact"
    assert copy.matches == ("a",)
    assert copy.original == "a"
    assert (copy.story, copy.group) == ("a", "a")


def test_edited_copy_is_a_near_duplicate_and_unrelated_story_is_new():
    index = DedupIndex()
    index.add(Document(id="a", text=STORY, title="Fire at paper mill"))
    edited = STORY.replace("three workers", "3 workers") + "\nADVERTISEMENT\nRead Also: Other news"
    verdict = index.add(Document(id="b", text=edited, title="Blaze hits Millbrook mill"))
    assert verdict.status == "near-duplicate"
    assert verdict.scores["jaccard"] >= 0.5
    assert index.add(Document(id="c", text=OTHER, title="Council passes budget")).status == "new"


def test_check_does_not_insert():
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    assert index.check(Document(id="b", text=STORY)).status == "exact"
    assert "b" not in index
    assert len(index) == 1


def test_a_recrawl_gets_its_stored_verdict_and_changes_nothing(tmp_path):
    # The README's crawler loop failed on a re-crawled URL (ValueError).
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    first = index.add(Document(id="b", text=STORY))
    again = index.add(Document(id="b", text=OTHER))
    assert (again.status, again.matches, again.original, again.recrawl) == (
        "exact", ("a",), "a", True)
    assert first.recrawl is False and len(index) == 2
    index.save(tmp_path / "i.dedup")
    assert DedupIndex.load(tmp_path / "i.dedup").add(Document(id="b", text=STORY)) == again
    with pytest.raises(InputError, match="not in the index"):
        index.verdict("zzz")


def test_load_with_other_settings_is_a_clear_error(tmp_path):
    from dedup import Config, ConfigError

    index = DedupIndex(Config(window_days=7))
    index.add(Document(id="a", text=STORY))
    index.save(tmp_path / "i.dedup")
    assert DedupIndex.load(tmp_path / "i.dedup").config.window_days == 7
    assert DedupIndex.load(tmp_path / "i.dedup", config=Config(window_days=7)).config.window_days == 7
    with pytest.raises(ConfigError, match="window_days=7 \\(asked 30\\)"):
        DedupIndex.load(tmp_path / "i.dedup", config=Config())


def test_seeds_through_add_link_the_goa_pair_only():
    index = DedupIndex()
    verdicts = {d.id: index.add(d) for d in _seeds()}
    goa = [i for i in verdicts if i.startswith(("001", "003"))]
    assert verdicts[goa[1]].status == "same-event"
    assert verdicts[goa[1]].matches == (goa[0],)
    assert verdicts[goa[1]].evidence["date"]["value"] == "2023-05-04"
    others = [v for i, v in verdicts.items() if not i.startswith(("001", "003"))]
    assert all(v.status == "new" for v in others)


def test_index_result_equals_batch_on_seeds():
    docs = _seeds()
    index = DedupIndex()
    index.add_many(docs)
    assert index.result().to_dict() == cluster_documents(docs).to_dict()


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_index_result_equals_batch_on_gvc_in_publication_order():
    records = [json.loads(line) for line in GVC.open(encoding="utf-8")]
    records.sort(key=lambda r: (r["date"] or "", r["id"]))
    docs = [Document(id=r["id"], text=r["text"], title=r["title"], published=r["date"])
            for r in records]
    index = DedupIndex()
    index.add_many(docs)
    assert _clusters(index.result()) == _clusters(cluster_documents(docs))
    assert [c.groups for c in index.result().clusters] == [
        c.groups for c in cluster_documents(docs).clusters
    ]


def test_save_and_load_round_trip(tmp_path):
    docs = _seeds()
    index = DedupIndex()
    index.add_many(docs[:3])
    path = tmp_path / "seeds.dedup"
    index.save(path)
    loaded = DedupIndex.load(path)
    assert loaded.stats() == index.stats()
    fresh = DedupIndex()
    fresh.add_many(docs[:3])
    for doc in docs[3:]:
        assert loaded.add(doc).to_dict() == fresh.add(doc).to_dict()
    assert loaded.result().to_dict() == fresh.result().to_dict()


def test_a_crash_during_save_keeps_the_previous_index(tmp_path, monkeypatch):
    path = tmp_path / "index.dedup"
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    index.save(path)
    before = path.read_bytes()
    index.add(Document(id="b", text=OTHER))

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-save")

    monkeypatch.setattr("dedup.store.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        index.save(path)
    assert path.read_bytes() == before
    assert DedupIndex.load(path).stats()["documents"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["index.dedup"]


@pytest.mark.parametrize("content", [b"", b"not an index", b"SQLite format 3\x00garbage" * 10])
def test_loading_something_else_says_so(tmp_path, content):
    path = tmp_path / "other.db"
    path.write_bytes(content)
    with pytest.raises(InputError, match="not a dedup index"):
        DedupIndex.load(path)


def test_loading_another_sqlite_file_says_so(tmp_path):
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a dedup index"):
        DedupIndex.load(path)


def test_missing_index_file_names_the_path(tmp_path):
    with pytest.raises(InputError, match="missing.dedup"):
        DedupIndex.load(tmp_path / "missing.dedup")


def test_concurrent_adds_lose_nothing():
    index = DedupIndex()
    docs = [Document(id=f"copy-{i}", text=STORY) for i in range(8)]
    docs += [Document(id=f"other-{i}", text=f"{OTHER} Item number {i} of the agenda.")
             for i in range(8)]
    verdicts: list = []
    lock = threading.Lock()

    def worker(chunk):
        for doc in chunk:
            v = index.add(doc)
            with lock:
                verdicts.append(v)

    threads = [threading.Thread(target=worker, args=(docs[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(v.id for v in verdicts) == sorted(d.id for d in docs)
    copies = [v for v in verdicts if v.id.startswith("copy-")]
    assert sum(v.status == "new" for v in copies) == 1
    assert all(v.status == "exact" for v in copies if v.status != "new")
    assert len(index) == len(docs)


def test_expire_forgets_old_articles():
    index = DedupIndex()
    index.add(Document(id="old", text=STORY, published="2024-01-01"))
    index.add(Document(id="new", text=OTHER, published="2024-03-01"))
    assert index.expire("2024-02-01") == 1
    assert index.stats()["documents"] == 1
    again = index.check(Document(id="again", text=STORY, published="2024-03-02"))
    assert again.status == "new"
    with pytest.raises(ValueError, match="'before' parameter"):
        index.expire("soon")


def test_a_copy_that_joins_two_groups_reports_the_merged_group():
    x = " ".join(f"alpha{i} beta{i} gamma{i}" for i in range(40))
    y = " ".join(f"delta{i} eps{i} zeta{i}" for i in range(40))
    z = " ".join(f"eta{i} theta{i} iota{i}" for i in range(40))
    index = DedupIndex()
    index.add(Document(id="a", text=f"{x} {y}", published="2024-01-01"))
    index.add(Document(id="b", text=f"{y} {z}", published="2024-01-02"))
    joined = index.add(Document(id="c", text=f"{x} {y} {z}", published="2024-01-03"))
    assert joined.status == "near-duplicate"
    assert set(joined.matches) == {"a", "b"}
    # c copies both a and b: one group now, whose first and earliest article is a.
    assert (joined.group, joined.story, joined.original) == ("a", "a", "a")
    later = index.add(Document(id="d", text=f"{x} {y} {z}", published="2024-01-04"))
    assert (later.group, later.original) == ("a", "a")


@pytest.mark.parametrize("name", ["a#b.dedup", "c?d.dedup", "e%20f.dedup"])
def test_odd_file_names_save_and_load(tmp_path, name):
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    index.save(tmp_path / name)
    assert DedupIndex.load(tmp_path / name).stats()["documents"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_saving_where_it_cannot_write_is_an_input_error(tmp_path):
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    with pytest.raises(InputError, match="cannot save the index"):
        index.save(tmp_path / "missing-folder" / "index.dedup")


def test_check_changes_nothing_that_save_writes(tmp_path):
    # check() numbered the new words of every article it looked at; save() then wrote them.
    index = DedupIndex()
    index.add(Document(id="a", text=STORY))
    index.save(tmp_path / "before.dedup")
    words = len(index._corpus.vocabulary)
    verdict = index.check(Document(id="b", text=OTHER + " Zyxwv Qwertyuiop Jaishankar."))
    assert verdict.status == "new"
    assert len(index._corpus.vocabulary) == words
    index.save(tmp_path / "after.dedup")
    import sqlite3

    def dump(path):
        with sqlite3.connect(path) as db:
            return [db.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                    for t in ("vocabulary", "docs", "words", "edges", "sites", "site_lines")]

    assert dump(tmp_path / "before.dedup") == dump(tmp_path / "after.dedup")
    # and a word first seen by check() is numbered afresh, consistently, by a later add()
    again = index.add(Document(id="b", text=OTHER + " Zyxwv Qwertyuiop Jaishankar."))
    assert again.status == verdict.status
    assert index.check(Document(id="c", text=OTHER + " Zyxwv Qwertyuiop Jaishankar.")).status in (
        "exact", "near-duplicate")


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_held_stories_are_the_batch_clustering_of_the_pairs_scored():
    """Keep settling: once every article is in, the stories the index holds are what the
    batch's clustering (cluster.settle, rows in id order) makes of the pairs it scored,
    whatever the arrival order. Fed in publication order, GVC dev used to end with 6 pairs
    of articles in one story that the batch's clustering of the same pairs kept apart."""
    import numpy as np

    from dedup.cluster import settle
    from dedup.events import sure_span

    records = [json.loads(line) for line in GVC.open(encoding="utf-8")]
    records.sort(key=lambda r: (r["date"] or "", r["id"]))
    docs = [Document(id=r["id"], text=r["text"], title=r["title"], published=r["date"],
                     source=r.get("source"), url=r.get("url")) for r in records]
    index = DedupIndex()
    index.add_many(docs)
    state = index.state()
    rows = sorted(range(len(state.rows)), key=lambda r: state.rows[r].record.id)
    rank = {r: k for k, r in enumerate(rows)}
    triples = sorted((min(rank[a], rank[b]), max(rank[a], rank[b]), e.score, e.copy > 0)
                     for a, b, e in state.edges)
    left, right, scores, copy = (np.array(column) for column in zip(*triples))
    _, stories, _ = settle(len(rows), left, right, scores, copy, 0.25, 0.4,
                           [sure_span(state.rows[r].record.key) for r in rows])
    batch = {frozenset(state.rows[rows[k]].record.id for k in c) for c in stories.components()}
    held: dict[str, set[str]] = {}
    for doc_id, story in index.stories().items():
        held.setdefault(story, set()).add(doc_id)
    assert {frozenset(members) for members in held.values()} == batch
    assert any(len(members) > 1 for members in batch)


def test_people_overlap_of_all_candidates_at_once_is_the_pairwise_rule():
    """The index scores the people overlap of an article with all its candidates in one
    numpy pass; it must be scoring.people_similarity with the weights of now (the new
    article's names counted once more), pair by pair, common words dropped."""
    from dedup.events import drop_common_names
    from dedup.scoring import entity_weight, people_similarity

    names = ["Dana Whitfield", "Priya Raman", "Marcus Delgado", "Alana Whitcombe"]
    docs = [
        Document(id=f"d{k}", title=f"Report {k}",
                 text=f"{names[k % 4]} met {names[(k + 1) % 4]} in Millbrook on Tuesday. "
                      f"The council said Whitfield and the mayor spoke. {STORY if k % 2 else OTHER}")
        for k in range(12)
    ]
    docs[3:5] = [Document(id=f"rain{k}", title="Rain", text="heavy rain fell across the region "
                          "on tuesday and several roads were closed for hours.") for k in (3, 4)]
    index = DedupIndex()
    index.add_many(docs[:-1])
    a = index._analyse(docs[-1], learn=False)
    key = drop_common_names(a.record.key, index._corpus.common_words)
    rows = np.arange(len(index._corpus.records))
    n = len(rows) + 1
    got = index._people(key, rows, n)
    df: dict[str, int] = {}
    for record in index._corpus.records:
        for name in record.key.people | record.key.orgs:
            df[name] = df.get(name, 0) + 1
    expected = []
    for r in rows.tolist():
        other = drop_common_names(index._corpus.records[r].key, index._corpus.common_words)
        weight = {k: entity_weight(df.get(k, 0) + (k in key.people | key.orgs), n)
                  for k in key.people | key.orgs | other.people | other.orgs}
        expected.append(people_similarity(key, other, weight)[0])
    assert got == pytest.approx(expected, abs=1e-12)
    assert any(value > 0 for value in expected) and any(value == 0 for value in expected)


def _gvc_docs() -> list[Document]:
    records = [json.loads(line) for line in GVC.open(encoding="utf-8")]
    records.sort(key=lambda r: (r["date"] or "", r["id"]))
    return [Document(id=r["id"], text=r["text"], title=r["title"], published=r["date"])
            for r in records]


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_after_settle_the_held_stories_are_the_batch_clusters():
    """settle(): every pair chosen and scored again with the statistics of now, so the
    stories held are the batch's (without sources, the analyses are the batch's too). Fed
    in publication order, GVC dev ends 36 articles past its last automatic settling (at 400) with
    stories the batch did not make."""
    docs = _gvc_docs()
    index = DedupIndex()
    index.add_many(docs)
    index.settle()
    held: dict[str, set[str]] = {}
    for doc_id, story in index.stories().items():
        held.setdefault(story, set()).add(doc_id)
    batch = cluster_documents(docs)
    assert sorted(map(sorted, held.values())) == sorted(c.members for c in batch.clusters)
    verdict = index.add(Document(id="late", text=docs[0].text, title=docs[0].title))
    assert verdict.status == "exact" and verdict.original == docs[0].id


def test_resettle_sizes_grow_by_the_named_factor(monkeypatch):
    assert sorted(index_module.resettle_sizes()) == [50, 100, 200, 400, 800, 1600, 3200, 6400]
    monkeypatch.setattr(index_module, "RESETTLE_GROWTH", 1.5)
    monkeypatch.setattr(index_module, "RESETTLE_UNTIL", 400)
    assert sorted(index_module.resettle_sizes()) == [50, 75, 112, 168, 252, 378]


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_streaming_statistics_settle_as_the_index_doubles():
    """At 50, 100, 200 ... articles the index re-chooses and re-scores every pair as the
    batch does: right after the 400th article, the stories held are the batch's clusters
    of those 400 articles."""
    docs = _gvc_docs()[:400]
    index = DedupIndex()
    index.add_many(docs)
    held: dict[str, set[str]] = {}
    for doc_id, story in index.stories().items():
        held.setdefault(story, set()).add(doc_id)
    assert sorted(map(sorted, held.values())) == sorted(
        c.members for c in cluster_documents(docs).clusters)


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_add_scores_each_pair_as_the_batch_over_the_articles_so_far():
    """Past the last settling, add() scores an article's pairs with the statistics of now:
    the batch's scores of those pairs over the articles indexed so far, the new one counted
    (its terms in the IDF of the articles it shares them with, the words it makes common
    words dropped from the people), each pair's score and copy flag alike."""
    from dedup.copies import copy_rule
    from dedup.pairs import score_candidates
    from dedup.pipeline import scored_keys

    docs = _gvc_docs()
    index = DedupIndex()
    index.add_many(docs[:400])
    compared = 0
    for t, doc in enumerate(docs[400:], start=400):
        index.add(doc)
        if t % 3:
            continue
        corpus = index._corpus
        table, _ = score_candidates(corpus, corpus.records, scored_keys(corpus), index.config,
                                    lambda *a: None)
        mine = table.right == t
        exact = index._exact.values
        same = exact[table.left[mine]] == exact[t]
        copies = np.where(same, 2, copy_rule(same, table.jaccard[mine], table.containment[mine],
                                             table.shorter[mine], table.head_cosine[mine],
                                             index.config))
        batch = dict(zip(table.left[mine].tolist(), zip(table.score[mine].tolist(), copies)))
        for other, edge in index._edges[t].items():
            if other < t and other in batch:
                compared += 1
                assert edge.score == pytest.approx(batch[other][0], abs=1e-5)
                assert edge.copy == batch[other][1]
    assert compared > 20


def _refresh_case() -> list[Document]:
    """50 articles, ``a`` and ``b`` among them (rows 30 and 31), which share two rare words
    but are each blocked on three words of their own, then 40 articles that hold those six
    words: as they come, the six grow common and the two shared words become ``a``'s and
    ``b``'s heaviest (with three salient terms)."""
    import random

    rng = random.Random(3)

    def words(k: int) -> str:
        return " ".join("".join(rng.choice("bcdfghjklmnpqrstvwz") + rng.choice("aeiou")
                                for _ in range(4)) for _ in range(k))

    alpha, beta = "quorvalen mistrabel dunoferat", "zelkorith plavenudo trigomesh"
    docs = [Document(f"w{k:02d}", f"{words(40)}.") for k in range(48)]
    docs[30:30] = [Document("a", f"{alpha} {alpha} xenothrax yttrabond."),
                   Document("b", f"{beta} {beta} xenothrax yttrabond.")]
    docs += [Document(f"f{k:02d}", f"{words(20)} {alpha} {beta} {words(20)}.")
             for k in range(40)]
    return docs


def test_a_pair_that_becomes_a_candidate_as_statistics_move_is_held(monkeypatch):
    """The refresh (REFRESH_PER_ADD): while the index is small, each add chooses the blocking
    terms of older articles again and takes the pairs the candidate rules now give them,
    scored as the batch over the articles so far: ``a`` and ``b`` are no candidates at the
    settle at 50 articles, are candidates once their own words grew common, and are then
    one story, as in the batch, before the next settle (at 100 articles)."""
    from dedup.config import Config

    docs = _refresh_case()
    assert len(docs) < 100
    config = Config(salient_terms=3)
    index = DedupIndex(config)
    index.add_many(docs[:50])
    a, b = index._by_id["a"], index._by_id["b"]
    assert a not in index._edges[b]
    index.add_many(docs[50:])
    assert a in index._edges[b] and b in index._edges[a]
    assert index.stories()["a"] == index.stories()["b"]
    batch = {m: c.id for c in cluster_documents(docs, config).clusters for m in c.members}
    assert batch["a"] == batch["b"]
    monkeypatch.setattr(index_module, "REFRESH_PER_ADD", 0)  # without it: held apart
    index = DedupIndex(config)
    index.add_many(docs)
    assert index._by_id["a"] not in index._edges[index._by_id["b"]]
    assert index.stories()["a"] != index.stories()["b"]


def test_nothing_is_refreshed_past_resettle_until(monkeypatch):
    """Past RESETTLE_UNTIL an add() refreshes no older article and the index keeps no
    per-row blocking terms for it."""
    monkeypatch.setattr(index_module, "RESETTLE_UNTIL", 60)
    docs = _refresh_case()
    index = DedupIndex()
    refreshed: list[int] = []
    monkeypatch.setattr(DedupIndex, "_refresh", lambda self, row, body, salient: refreshed.append(
        len(self._corpus.records)))
    index.add_many(docs[:70])
    assert refreshed and max(refreshed) <= 60
    assert index._blocked is None


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_refreshed_pairs_are_scored_as_the_batch_over_the_articles_so_far(monkeypatch):
    """The pairs the refresh takes between older articles are scored with the statistics of
    now: the batch's scores of those pairs over the articles indexed so far (each indexed
    article counted once), score and copy flag alike. (Four articles a add, every chosen
    pair scored again: many pairs to compare; the scoring is the default refresh's.)"""
    from dedup.copies import copy_rule
    from dedup.fingerprint import pair_containments
    from dedup.pairs import pair_measures, score_pairs
    from dedup.pipeline import scored_keys
    from dedup.similarity import tfidf

    monkeypatch.setattr(index_module, "REFRESH_PER_ADD", 4)
    monkeypatch.setattr(index_module, "REFRESH_PAIRS", "all")
    docs = _gvc_docs()
    index = DedupIndex()
    linked: list[tuple[int, int, object]] = []
    link = index._stories.link

    def capture(pairs, dropped=()):
        linked.extend(pairs)
        return link(pairs, dropped)

    index._stories.link = capture
    index.add_many(docs[:60])
    compared = 0
    for doc in docs[60:]:
        linked.clear()
        index.add(doc)
        if not linked:
            continue
        corpus = index._corpus
        signatures, shingles = corpus.finish()
        body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
        left = np.array([o for _, o, _ in linked])
        right = np.array([r for r, _, _ in linked])
        jaccard, cosine, head = pair_measures(signatures, shingles, body, heads, left, right)
        table, _ = score_pairs(scored_keys(corpus), left, right, jaccard, cosine, head,
                               index.config)
        contained, shorter = pair_containments(signatures, corpus.leads(), shingles, left,
                                               right)
        exact = index._exact.values
        same = exact[left] == exact[right]
        copies = np.where(same, 2, copy_rule(same, jaccard, contained, shorter, head,
                                             index.config))
        for k, (_, _, edge) in enumerate(linked):
            compared += 1
            assert edge.score == pytest.approx(float(table.score[k]), abs=1e-5)
            assert edge.copy == copies[k]
    assert compared > 500


def test_common_with_names_the_words_an_article_makes_common():
    from dedup.config import Config
    from dedup.corpus import Corpus

    corpus = Corpus(Config())
    ids = [corpus.vocabulary.add(w) for w in ("glass", "harbor", "tide")]
    corpus._count_lower([np.array(ids[:2])])
    assert corpus.common_with(np.array(ids)) == {"glass", "harbor"}
    corpus._count_lower([np.array(ids[:1])])
    assert corpus.common_with(np.array(ids)) == {"harbor"}  # glass is common already
    assert corpus.common_with(np.array([10_000])) == frozenset()


@pytest.mark.skipif(not GVC.exists(), reason="../shared/data/gvc-dev.jsonl is absent")
def test_a_loaded_index_blocks_as_the_live_one(tmp_path):
    """The index chooses every article's blocking terms again at 50, 100, 200, ... articles
    (the streaming statistics settle); a saved index, loaded, chooses them as the live one
    did at those sizes, so both propose the same candidates for the next article."""
    docs = _gvc_docs()[:120]
    live = DedupIndex()
    live.add_many(docs)
    live.save(tmp_path / "i.dedup")
    loaded = DedupIndex.load(tmp_path / "i.dedup")

    def postings(index: DedupIndex) -> dict[str, list[int]]:
        words = index._corpus.vocabulary.words
        return {words[col]: list(rows) for col, rows in index._sources._postings.items()
                if len(rows)}

    assert postings(loaded) == postings(live)
