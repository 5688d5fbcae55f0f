"""Tests of dedup.cluster (union-find, average linkage, nested clusters) and of
cluster_documents' order invariance on a small synthetic corpus."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Document, cluster, cluster_documents
from dedup.cluster import UnionFind, _candidate, _ranked, average_linkage, build_clusters
from dedup.events import NO_SPAN, Span
from dedup.result import EVENT, EXACT, NEAR, SINGLE, Link


def link(a: str, b: str, kind: str) -> Link:
    return Link(a, b, kind, {}, {})


def as_sets(uf: UnionFind) -> set[frozenset[int]]:
    return {frozenset(c) for c in uf.components()}


# --------------------------------------------------------------------------------------------
# UnionFind


def test_union_find_starts_as_singletons() -> None:
    uf = UnionFind(4)
    assert as_sets(uf) == {frozenset({i}) for i in range(4)}
    assert [uf.find(i) for i in range(4)] == [0, 1, 2, 3]


def test_union_find_union_and_find() -> None:
    uf = UnionFind(6)
    uf.union(0, 1)
    uf.union(2, 3)
    uf.union(1, 3)
    assert uf.find(0) == uf.find(2) == uf.find(3)
    assert uf.find(4) != uf.find(0)
    assert as_sets(uf) == {frozenset({0, 1, 2, 3}), frozenset({4}), frozenset({5})}
    assert uf.size[uf.find(0)] == 4


def test_union_find_union_is_idempotent_and_returns_root() -> None:
    uf = UnionFind(3)
    root = uf.union(0, 1)
    assert uf.union(1, 0) == root == uf.find(0) == uf.find(1)
    assert uf.union(2, 2) == 2
    assert len(uf.components()) == 2


def test_union_find_long_chain() -> None:
    uf = UnionFind(100)
    for i in range(99):
        uf.union(i, i + 1)
    assert len({uf.find(i) for i in range(100)}) == 1


# --------------------------------------------------------------------------------------------
# build_clusters


def test_build_clusters_nests_duplicate_groups_in_story_clusters() -> None:
    ids = ["d3", "a1", "c2", "b9", "e0", "f5"]
    links = [
        link("a1", "b9", EXACT),
        link("b9", "c2", NEAR),
        link("c2", "d3", EVENT),
    ]
    clusters = build_clusters(ids, links)
    assert [c.members for c in clusters] == [["a1", "b9", "c2", "d3"], ["e0"], ["f5"]]
    story = clusters[0]
    assert story.id == "a1"  # the smallest member id
    assert story.kind == EVENT  # its loosest link
    assert story.groups == [["a1", "b9", "c2"], ["d3"]]
    assert clusters[1].kind == clusters[2].kind == SINGLE
    assert clusters[1].groups == [["e0"]]


def test_build_clusters_kind_is_loosest_link() -> None:
    ids = ["a", "b", "c", "x", "y", "p", "q", "r"]
    links = [
        link("a", "b", EXACT),
        link("b", "c", EXACT),
        link("x", "y", EXACT),
        link("y", "x", NEAR),
        link("p", "q", NEAR),
        link("q", "r", EVENT),
    ]
    kinds = {c.id: c.kind for c in build_clusters(ids, links)}
    assert kinds == {"a": EXACT, "x": NEAR, "p": EVENT}


def test_build_clusters_sorted_by_size_then_id() -> None:
    ids = ["z", "y", "m", "n", "o", "b", "c", "a"]
    links = [link("m", "n", EVENT), link("n", "o", EVENT), link("b", "c", NEAR)]
    clusters = build_clusters(ids, links)
    assert [c.id for c in clusters] == ["m", "b", "a", "y", "z"]
    # Same result whatever the order of ids and links.
    again = build_clusters(list(reversed(ids)), list(reversed(links)))
    assert again == clusters


def test_build_clusters_groups_sorted_by_size_then_first_id() -> None:
    ids = ["a", "b", "c", "d", "e"]
    links = [link("d", "e", EXACT), link("a", "d", EVENT), link("a", "b", EVENT),
             link("b", "c", EVENT)]
    (cluster,) = build_clusters(ids, links)
    assert cluster.groups == [["d", "e"], ["a"], ["b"], ["c"]]


def test_build_clusters_from_story_union_find() -> None:
    ids = ["a", "b", "c"]
    stories = UnionFind(3)
    stories.union(0, 2)
    clusters = build_clusters(ids, [link("a", "c", EVENT)], stories)
    assert [c.members for c in clusters] == [["a", "c"], ["b"]]


# --------------------------------------------------------------------------------------------
# average_linkage


def linkage(copies: UnionFind, triples, cluster_threshold: float, pair_threshold: float):
    """average_linkage over (i, j, score) triples."""
    left, right, scores = (np.array(col) for col in zip(*triples)) if triples else ([], [], [])
    return average_linkage(copies, left, right, scores, cluster_threshold, pair_threshold)


# The merge loop as first written: every pair in Python dicts, no pruning. The pruned,
# vectorised version must merge the same groups in the same order.
def reference_average_linkage(
    copies: UnionFind,
    scores: Iterable[tuple[int, int, float]],
    cluster_threshold: float,
    pair_threshold: float,
) -> tuple[UnionFind, list[tuple[int, int]]]:
    """Merge duplicate groups into stories; returns the story union-find and, per merge, the
    best document pair across it (the link that explains the merge)."""
    n = len(copies.parent)
    stories = UnionFind(n)
    for i in range(n):
        stories.union(i, copies.find(i))
    total: dict[int, dict[int, float]] = {}
    best: dict[int, dict[int, tuple[float, int, int]]] = {}
    for i, j, s in scores:
        a, b = stories.find(i), stories.find(j)
        if a == b:
            continue
        total.setdefault(a, {})[b] = total.get(a, {}).get(b, 0.0) + s
        total.setdefault(b, {})[a] = total[a][b]
        cand = (s, min(i, j), max(i, j))
        if cand > best.get(a, {}).get(b, (float("-inf"), 0, 0)):
            best.setdefault(a, {})[b] = cand
            best.setdefault(b, {})[a] = cand
    size = {root: stories.size[root] for root in total}
    groups = {root: 1 for root in total}  # duplicate groups per story

    def average(a: int, b: int) -> float:
        return total[a][b] / (size[a] * size[b])

    heap = [(-average(a, b), a, b) for a in total for b in total[a] if a < b]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in total or b not in total.get(a, {}) or abs(average(a, b) + neg) > 1e-12:
            continue  # stale entry
        if -neg < cluster_threshold:
            break
        pair_score, i, j = best[a][b]
        if groups[a] == 1 and groups[b] == 1 and pair_score < pair_threshold:
            continue
        root = stories.union(a, b)
        gone = b if root == a else a
        merges.append((i, j))
        for k, value in total.pop(gone).items():
            if k == root:
                continue
            total[root][k] = total[root].get(k, 0.0) + value
            total[k][root] = total[root][k]
            del total[k][gone]
            cand = best[gone][k]
            if cand > best[root].get(k, (float("-inf"), 0, 0)):
                best[root][k] = best[k][root] = cand
            del best[k][gone]
        total[root].pop(gone, None)
        best[root].pop(gone, None)
        best.pop(gone)
        size[root] = size.pop(gone) + size[root]
        groups[root] = groups.pop(gone) + groups[root]
        for k in total[root]:
            heapq.heappush(heap, (-average(root, k), min(root, k), max(root, k)))
    return stories, merges


def linkage_cases(nodes: int, copies: int, pairs: int, spans: bool = False):
    """(n, copy pairs, (i, j, score) triples[, a span per row]) over rows ``0..n-1``."""
    def case(n: int):
        parts = [
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=copies),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1),
                          st.sampled_from([-0.2, 0.0, 0.1, 0.25, 0.3, 0.45, 0.6, 0.9])),
                max_size=pairs,
            ),
        ]
        if spans:
            parts.append(st.lists(st.one_of(st.just(NO_SPAN), st.sampled_from([0, 1, 20, 40]).map(
                lambda day: Span(day, day + 1))), min_size=n, max_size=n))
        return st.tuples(*parts)
    return st.integers(2, nodes).flatmap(case)


@settings(max_examples=300, deadline=None)
@given(linkage_cases(14, 6, 30), st.sampled_from([0.2, 0.25, 0.35]))
def test_average_linkage_matches_the_unpruned_loop(case, cluster_threshold: float) -> None:
    n, copy_pairs, triples = case
    pairs = {}
    for i, j, s in triples:  # one score per pair, as candidate pairs are distinct
        if i != j:
            pairs[(min(i, j), max(i, j))] = s
    triples = [(i, j, s) for (i, j), s in sorted(pairs.items())]

    def copies() -> UnionFind:
        uf = UnionFind(n)
        for i, j in copy_pairs:
            uf.union(i, j)
        return uf

    expected_stories, expected_merges = reference_average_linkage(
        copies(), triples, cluster_threshold, 0.4
    )
    stories, merges = linkage(copies(), triples, cluster_threshold, 0.4)
    assert as_sets(stories) == as_sets(expected_stories)
    assert merges == expected_merges


@settings(max_examples=300, deadline=None)
@given(linkage_cases(16, 8, 40, spans=True), st.sampled_from([0.2, 0.25, 0.35]))
def test_small_linkage_twin_of_the_numpy_columns(case, cluster_threshold: float) -> None:
    """Up to _PYTHON_LINKAGE pairs, average_linkage makes its columns in Python (a crawler
    index's region); the same input through the numpy columns gives the same stories and
    merges, spans included, pairs in any order and repeated."""
    n, copy_pairs, triples, spans = case

    def run(python_up_to: int) -> tuple[set[frozenset[int]], list[tuple[int, int]]]:
        copies = UnionFind(n)
        for i, j in copy_pairs:
            copies.union(i, j)
        left, right, scores = ((np.array(col) for col in zip(*triples)) if triples
                               else (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)))
        before = cluster._PYTHON_LINKAGE
        cluster._PYTHON_LINKAGE = python_up_to
        try:
            stories, merges = average_linkage(copies, left, right, scores, cluster_threshold,
                                              0.4, spans, 3)
        finally:
            cluster._PYTHON_LINKAGE = before
        return as_sets(stories), merges

    assert run(10**9) == run(-1)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([-0.5, 0.0, 0.25, 0.5]), st.integers(0, 3),
                          st.integers(0, 3)), max_size=40))
def test_ranked_triples_compare_as_the_triples(triples) -> None:
    """The merge loop holds a rank per pair of groups for its best pair (score, rows): ranks
    order as the triples do, equal only for equal triples, and give the triple back."""
    score, first, second = (np.array(column, dtype=dtype) for column, dtype in zip(
        zip(*triples) if triples else ((), (), ()), (np.float64, np.int32, np.int32)))
    candidates, rank = _ranked(score, first, second)
    ranks = rank.tolist()
    for k, triple in enumerate(triples):
        assert _candidate(candidates, ranks[k]) == triple
        for m, other in enumerate(triples):
            assert (ranks[k] < ranks[m]) == (triple < other)
            assert (ranks[k] == ranks[m]) == (triple == other)


def test_average_linkage_chain_joins_when_average_reaches_threshold() -> None:
    # a=0, b=1, c=2; a-b 0.6, b-c 0.6, a-c never compared (counts 0).
    # Step 1: {a},{b} average 0.6 >= 0.25 and the pair 0.6 >= 0.4 -> merge {a,b} (a-b first:
    #         ties broken by the smaller ids).
    # Step 2: {a,b} vs {c}: (0.6 + 0) / (2 * 1) = 0.3 >= 0.25 -> merge: one story {a,b,c}.
    stories, merges = linkage(UnionFind(3), [(0, 1, 0.6), (1, 2, 0.6)], 0.25, 0.4)
    assert as_sets(stories) == {frozenset({0, 1, 2})}
    assert merges == [(0, 1), (1, 2)]


def test_average_linkage_chain_refused_when_average_too_low() -> None:
    # Same chain, cluster threshold 0.35: {a,b} vs {c} averages 0.3 < 0.35, so c stays out,
    # although the single b-c pair scores 0.6 (single linkage would have chained it in).
    stories, merges = linkage(UnionFind(3), [(0, 1, 0.6), (1, 2, 0.6)], 0.35, 0.4)
    assert as_sets(stories) == {frozenset({0, 1}), frozenset({2})}
    assert merges == [(0, 1)]


def test_average_linkage_lone_groups_need_a_strong_pair() -> None:
    # Two lone documents with average 0.3 >= cluster threshold 0.2 but the pair 0.3 < 0.4.
    stories, merges = linkage(UnionFind(2), [(0, 1, 0.3)], 0.2, 0.4)
    assert as_sets(stories) == {frozenset({0}), frozenset({1})}
    assert merges == []


def test_average_linkage_duplicate_group_counts_as_one_group() -> None:
    # a, b are copies (one group of size 2); c scores 0.5 with a and is never compared with b:
    # average (0.5 + 0) / (2 * 1) = 0.25 >= 0.2, and both sides are single groups so the best
    # pair must reach 0.4: 0.5 does. The merge is explained by the pair (a, c).
    copies = UnionFind(3)
    copies.union(0, 1)
    stories, merges = linkage(copies, [(0, 2, 0.5)], 0.2, 0.4)
    assert as_sets(stories) == {frozenset({0, 1, 2})}
    assert merges == [(0, 2)]


def test_average_linkage_pairs_inside_a_group_are_ignored() -> None:
    copies = UnionFind(2)
    copies.union(0, 1)
    stories, merges = linkage(copies, [(0, 1, 0.9)], 0.2, 0.4)
    assert as_sets(stories) == {frozenset({0, 1})}
    assert merges == []


def test_average_linkage_best_pair_explains_merge() -> None:
    # Groups {0,1} and {2}: pairs 0-2 (0.45) and 1-2 (0.7): average 0.575, best pair (1, 2).
    copies = UnionFind(3)
    copies.union(0, 1)
    _, merges = linkage(copies, [(0, 2, 0.45), (1, 2, 0.7)], 0.2, 0.4)
    assert merges == [(1, 2)]


# --------------------------------------------------------------------------------------------
# cluster_documents: order invariance on a small corpus

STORY = (
    "Flood waters forced hundreds of families from their homes in Chiang Mai on Tuesday, "
    "after three days of heavy monsoon rain swelled the Ping River beyond its banks.\n\n"
    "Provincial governor Nirat Phongsitthaworn said rescue teams in rubber boats had reached "
    "most of the stranded residents by the evening, and that temporary shelters had opened in "
    "schools and temples across the city.\n\n"
    "Local traders said the water rose faster than during the floods of 2011, when the old "
    "market district was submerged for more than a week and many shops never reopened.\n\n"
    "The meteorological department warned that more rain was expected over the northern "
    "provinces until the weekend, and urged people living near the river to move valuables to "
    "higher floors and follow the instructions of local officials."
)
TITLE = "Floods force hundreds from homes in Chiang Mai"
# The same text on another site: masthead, ads, typographic apostrophes, comment box.
SITE_COPY = (
    "MY DAILY NEWS PORTAL\nADVERTISEMENT\n" + TITLE + "\n\n"
    + STORY.replace("Provincial", "ADVERTISEMENT\n\nProvincial").replace("'", "\u2019")
    + "\n\nRead Also: Ten things to do this weekend\n\nLeave a Comment\n\nDisclaimer:\n"
    "Comments are the views of readers and not of this website.\n"
)
EDITED = (
    STORY.replace("hundreds of families", "about 400 families")
    .replace("by the evening", "by Tuesday evening")
    .replace("schools and temples", "schools, temples and halls")
)
EVENT_A = (
    "Chancellor Olaf Scholz and President Emmanuel Macron met in Strasbourg on Monday to "
    "discuss a joint plan for battery factories, officials said.\n\n"
    "The two leaders agreed to share funding for research centres and to speed up permits for "
    "new plants along the Rhine, according to a statement released after the talks."
)
EVENT_B = (
    "Emmanuel Macron welcomed Olaf Scholz in Strasbourg on Monday for talks that ended with a "
    "pledge to build more electric car batteries in Europe.\n\n"
    "Macron told reporters the agreement would create jobs on both sides of the border, while "
    "Scholz said the factories should be running within five years."
)
OTHER_LIBRARY = (
    "The city library will extend its opening hours from next month, the council announced, "
    "after a survey found that students wanted quiet space to work in the evenings. The change "
    "will cost little because volunteers have offered to staff the reading rooms."
)
OTHER_ORCHID = (
    "A rare orchid has flowered for the first time in forty years at the botanical garden, "
    "drawing crowds of visitors who queued for hours to photograph its pale yellow petals "
    "before they wilt at the end of the week."
)
CORPUS = [
    Document("story-original", TITLE + "\n\n" + STORY, title=TITLE, published="2024-08-20"),
    Document("story-copy", SITE_COPY, title=TITLE, published="2024-08-20"),
    Document("story-edited", TITLE + "\n\n" + EDITED, title=TITLE, published="2024-08-21"),
    Document("event-a", EVENT_A, title="Scholz and Macron agree battery plan",
             published="2024-03-11T18:00:00Z"),
    Document("event-b", EVENT_B, title="Macron hosts Scholz for battery talks",
             published="2024-03-12"),
    Document("other-library", OTHER_LIBRARY, title="Library to open later",
             published="2024-05-02"),
    Document("other-orchid", OTHER_ORCHID, title="Rare orchid blooms", published="2024-06-09"),
]


@pytest.fixture(scope="module")
def corpus_result():
    return cluster_documents(CORPUS)


def test_corpus_every_document_once(corpus_result) -> None:
    members = [m for c in corpus_result.clusters for m in c.members]
    assert sorted(members) == sorted(d.id for d in CORPUS)
    grouped = [m for c in corpus_result.clusters for g in c.groups for m in g]
    assert sorted(grouped) == sorted(members)
    assert corpus_result.documents == len(CORPUS)


def test_corpus_clusters_and_tiers(corpus_result) -> None:
    by_id = {c.id: c for c in corpus_result.clusters}
    story = by_id["story-copy"]
    assert story.members == ["story-copy", "story-edited", "story-original"]
    assert story.groups == [["story-copy", "story-edited", "story-original"]]  # one text
    assert story.kind == NEAR
    event = by_id["event-a"]
    assert event.members == ["event-a", "event-b"]
    assert event.groups == [["event-a"], ["event-b"]]  # two write-ups, two texts
    assert event.kind == EVENT
    assert by_id["other-library"].kind == by_id["other-orchid"].kind == SINGLE

    kinds = {(link.a, link.b): link.kind for link in corpus_result.links}
    assert kinds[("story-copy", "story-original")] == EXACT
    assert kinds[("story-edited", "story-original")] == NEAR
    assert kinds[("event-a", "event-b")] == EVENT


def test_corpus_event_link_evidence(corpus_result) -> None:
    (event,) = [link for link in corpus_result.links if link.kind == EVENT]
    facts = event.evidence
    assert facts["date"] == {"relation": "same", "value": "2024-03-11"}
    assert set(facts["people"]) == {"Macron", "Scholz"}
    assert facts["place"]["relation"] == "match"
    assert "Strasbourg" in facts["place"]["value"]
    assert facts["why"].startswith("same event:")


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_corpus_order_invariance(corpus_result, seed: int) -> None:
    docs = list(CORPUS)
    random.Random(seed).shuffle(docs)
    shuffled = cluster_documents(docs)
    assert shuffled.clusters == corpus_result.clusters
    assert shuffled.links == corpus_result.links
    assert shuffled.to_dict() == corpus_result.to_dict()


def test_corpus_reversed_order(corpus_result) -> None:
    assert cluster_documents(list(reversed(CORPUS))).to_dict() == corpus_result.to_dict()


# -------------------------------------------------------------------------------------------
# StoryGraph: the crawler index's stories, grown with the batch's merge rule


def _random_graph(seed: int, n: int = 14):
    import random

    from dedup.store import Edge

    rng = random.Random(seed)
    edges = []
    for row in range(1, n):
        mine = {}
        for other in rng.sample(range(row), min(row, rng.randint(0, 4))):
            copy = int(rng.random() < 0.1)
            mine[other] = Edge(round(rng.uniform(-0.2, 0.9), 2), 0.0, copy)
        edges.append(mine)
    return [{}] + edges


def _ids(seed: int, n: int = 14) -> list[str]:
    """Ids whose order is not the arrival order (the batch settles rows in id order)."""
    import random

    rows = list(range(n))
    random.Random(seed + 1000).shuffle(rows)
    return [f"doc-{k:02d}" for k in rows]


def _batch_stories(graph, upto: int) -> list[set[int]]:
    """The batch's clustering (settle, rows in id order) of the first ``upto`` rows' pairs."""
    from dedup.cluster import settle

    rows = sorted(range(upto), key=lambda r: graph.ids[r])
    rank = {r: k for k, r in enumerate(rows)}
    triples = sorted((min(rank[r], rank[o]), max(rank[r], rank[o]), e.score, e.copy > 0)
                     for r in range(upto) for o, e in graph.edges[r].items() if o < r < upto)
    left, right, scores, copy = (np.array(c) for c in zip(*triples)) if triples else (
        np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool))
    _, stories, _ = settle(upto, left, right, scores, copy, 0.25, 0.4,
                           [graph.spans[r] for r in rows])
    return [{rows[k] for k in component} for component in stories.components()]


@pytest.mark.parametrize("seed", range(40))
def test_the_story_graph_holds_the_batch_clustering_after_every_article(seed: int) -> None:
    """Keep settling: after each article, the stories are the batch's for the pairs so far,
    whatever the arrival order (an article may split or join stories an earlier one made)."""
    from dedup.cluster import StoryGraph

    graph = StoryGraph(0.25, 0.4)
    ids = _ids(seed)
    for row, edges in enumerate(_random_graph(seed)):
        before = (list(graph.story), {k: dict(v) for k, v in graph.links.items()})
        growth = graph.plan(ids[row], edges)
        assert (list(graph.story), {k: dict(v) for k, v in graph.links.items()}) == before
        graph.grow(growth)
        held = {}
        for r, s in enumerate(graph.story):
            held.setdefault(s, set()).add(r)
        assert sorted(map(sorted, held.values())) == sorted(
            map(sorted, _batch_stories(graph, row + 1)))
    for row, edges in enumerate(_random_graph(seed)):
        for other, e in edges.items():
            if e.copy:  # copies share a group, and so a story
                assert graph.group[row] == graph.group[other]
                assert graph.story[row] == graph.story[other]
    for root, members in graph.story_members.items():
        assert root == min(members) and all(graph.story[m] == root for m in members)


@pytest.mark.parametrize("seed", range(10))
def test_a_story_graph_restored_from_its_pairs_is_the_same(seed: int) -> None:
    from dedup.cluster import StoryGraph

    graph = StoryGraph(0.25, 0.4)
    pairs = []
    ids = _ids(seed)
    for row, edges in enumerate(_random_graph(seed)):
        graph.grow(graph.plan(ids[row], edges))
        pairs += [(row, other, e) for other, e in edges.items()]
    again = StoryGraph(0.25, 0.4)
    again.restore(ids, graph.group, graph.story, pairs)
    assert {k: sorted(v) for k, v in again.story_members.items()} == {
        k: sorted(v) for k, v in graph.story_members.items()}
    assert {a: {b: round(t, 9) for b, t in linked.items()} for a, linked in again.links.items()} \
        == {a: {b: round(t, 9) for b, t in linked.items()} for a, linked in graph.links.items()}
    assert again.strong == graph.strong
    extra = {0: _random_graph(seed)[1].get(0) or _random_graph(seed + 1)[1].get(0)}
    extra = {k: v for k, v in extra.items() if v is not None}
    assert again.plan("zz", extra).story_of == graph.plan("zz", extra).story_of


@pytest.mark.parametrize("seed", range(40))
def test_pairs_linked_between_held_rows_settle_as_the_batch(seed: int) -> None:
    """StoryGraph.link (the index's refresh): pairs between rows held already, copies among
    them, taken later, and held pairs forgotten, leave the stories the batch's clustering of
    the pairs held then, and the groups' sums those of a graph restored from those pairs."""
    import random

    from dedup.cluster import StoryGraph

    rng = random.Random(seed + 7)
    graph = StoryGraph(0.25, 0.4)
    ids = _ids(seed, 30)
    later: list[list[tuple[int, int, object]]] = []
    for row, edges in enumerate(_random_graph(seed, 30)):
        now = {o: e for o, e in edges.items() if rng.random() < 0.5}
        graph.grow(graph.plan(ids[row], now))
        later.append([(row, o, e) for o, e in edges.items() if o not in now])
    rng.shuffle(later)
    for pairs in later:
        held = [(r, o) for r in range(len(graph.story)) for o, e in graph.edges[r].items()
                if o < r and not e.copy]
        dropped = rng.sample(held, min(len(held), rng.randint(0, 2)))
        graph.link(pairs, dropped)
        stories: dict[int, set[int]] = {}
        for r, s in enumerate(graph.story):
            stories.setdefault(s, set()).add(r)
        assert sorted(map(sorted, stories.values())) == sorted(
            map(sorted, _batch_stories(graph, len(graph.story))))
        again = StoryGraph(0.25, 0.4)
        again.restore(ids, graph.group, graph.story,
                      [(r, o, e) for r in range(len(ids)) for o, e in graph.edges[r].items()
                       if o < r])
        assert {a: {b: round(t, 9) for b, t in linked.items() if round(t, 9)}
                for a, linked in again.links.items()} == {
            a: {b: round(t, 9) for b, t in linked.items() if round(t, 9)}
            for a, linked in graph.links.items()}
        assert again.strong == graph.strong
        assert {k: sorted(v) for k, v in again.group_members.items()} == {
            k: sorted(v) for k, v in graph.group_members.items()}
    for root, members in graph.story_members.items():
        assert root == min(members) and all(graph.story[m] == root for m in members)


@pytest.mark.parametrize("seed", range(5))
def test_pairs_linked_into_a_component_too_large_to_settle_keep_the_sums(seed: int) -> None:
    """Past SETTLE_ROWS, StoryGraph.link settles only the stories it touches (and those
    linked most strongly, as fit): the groups' sums, strong sets and members are still
    those of a graph restored from the pairs held, and every story is held whole."""
    import random

    from dedup.cluster import SETTLE_ROWS, StoryGraph
    from dedup.store import Edge

    rng = random.Random(seed)
    n = 3 * SETTLE_ROWS
    graph = StoryGraph(0.25, 0.4)
    later = []
    for row in range(n):
        edges = {o: Edge(round(rng.uniform(0.2, 0.9), 2), 0.0, int(rng.random() < 0.03))
                 for o in rng.sample(range(row), min(row, 6))}
        now = {o: e for o, e in edges.items() if rng.random() < 0.6}
        graph.grow(graph.plan(f"d{row:03d}", now))
        later.append([(row, o, e) for o, e in edges.items() if o not in now])
    rng.shuffle(later)
    for pairs in later[:40]:
        graph.link(pairs)
    again = StoryGraph(0.25, 0.4)
    again.restore(graph.ids, graph.group, graph.story,
                  [(r, o, e) for r in range(n) for o, e in graph.edges[r].items() if o < r])
    assert {a: {b: round(t, 9) for b, t in linked.items()} for a, linked in again.links.items()} \
        == {a: {b: round(t, 9) for b, t in linked.items()} for a, linked in graph.links.items()}
    assert again.strong == graph.strong
    assert {k: sorted(v) for k, v in again.story_members.items()} == {
        k: sorted(v) for k, v in graph.story_members.items()}
    for r in range(n):
        for o, e in graph.edges[r].items():
            if e.copy:
                assert graph.story[r] == graph.story[o]


# --------------------------------------------------------------------------------------------
# Confident dates that conflict: never one story, even when a third article links to both


def test_mergeable_refuses_a_conflict_whatever_the_score() -> None:
    from dedup.cluster import mergeable

    assert mergeable(0.9, 1, 1, 0.9, 0.25, 0.4)
    assert not mergeable(0.9, 1, 1, 0.9, 0.25, 0.4, conflict=True)


def _days(*days: int | None) -> list[tuple[int, int]]:
    from dedup.events import NO_SPAN, Span

    return [NO_SPAN if d is None else Span(d, d) for d in days]


def test_average_linkage_does_not_chain_across_a_date_conflict() -> None:
    # 0 and 2 state dates ten days apart; 1 (no confident date) links strongly to both.
    triples = [(0, 1, 0.9), (1, 2, 0.9), (0, 2, 0.5)]
    left, right, scores = (np.array(col) for col in zip(*triples))
    free, _ = average_linkage(UnionFind(3), left, right, scores, 0.25, 0.4)
    assert free.find(0) == free.find(2)
    stories, _ = average_linkage(UnionFind(3), left, right, scores, 0.25, 0.4,
                                 _days(100, None, 110), 3)
    assert stories.find(0) != stories.find(2)
    assert stories.find(1) in (stories.find(0), stories.find(2))


def test_story_graph_keeps_the_batch_rule_for_dates() -> None:
    from dedup.cluster import StoryGraph
    from dedup.store import Edge

    graph = StoryGraph(0.25, 0.4, tolerance=3)
    spans = _days(100, None, 110)
    pairs = [{}, {0: Edge(0.9, 0.0, 0)}, {0: Edge(0.5, 0.0, 0), 1: Edge(0.9, 0.0, 0)}]
    for row, edges in enumerate(pairs):
        graph.grow(graph.plan(f"d{row}", edges, spans[row]))
    assert graph.story[0] != graph.story[2]
    again = StoryGraph(0.25, 0.4, tolerance=3)
    again.restore(graph.ids, graph.group, graph.story,
                  [(r, o, e) for r, edges in enumerate(pairs) for o, e in edges.items()], spans)
    assert again.spans == graph.spans
    # an article linking both strongly still cannot join the two dates that conflict
    growth = again.plan("d3", {0: Edge(0.9, 0.0, 0), 2: Edge(0.9, 0.0, 0)}, spans[1])
    assert growth.story_of[0] != growth.story_of[2]


def test_copies_join_even_when_their_dates_disagree() -> None:
    from dedup.cluster import StoryGraph
    from dedup.store import Edge

    graph = StoryGraph(0.25, 0.4, tolerance=3)
    spans = _days(100, 110)
    graph.grow(graph.plan("d0", {}, spans[0]))
    graph.grow(graph.plan("d1", {0: Edge(0.9, 0.9, 1)}, spans[1]))
    assert graph.group[1] == graph.group[0]


# Three write-ups: a (shot "on Friday night"), c (shot "on Monday night", ten days later)
# and b (no day of its own) that shares names with both.
_CHAIN = [
    ("a", "Marcus Delgado shot dead on Carrow Street", "2016-04-23",
     "Marcus Delgado, 24, was shot and killed on Carrow Street in Hollowbrook on Friday night. "
     "Detective Alana Whitcombe said the gunman fled in a grey sedan."),
    ("b", "Hollowbrook police seek gunman in Carrow Street killing", "2016-04-30",
     "Police in Hollowbrook are still looking for the gunman who killed Marcus Delgado on "
     "Carrow Street. Whitcombe asked witnesses to call the tip line about the grey sedan."),
    ("c", "Marcus Delgado wounded in Carrow Street shooting", "2016-05-03",
     "Marcus Delgado, 24, was shot and wounded on Carrow Street in Hollowbrook on Monday night. "
     "Detective Alana Whitcombe said a grey sedan was seen leaving."),
]


def _chain_docs():
    from dedup import Document

    return [Document(id=i, title=t, published=p, text=x) for i, t, p, x in _CHAIN]


def test_batch_and_index_never_join_confident_dates_that_conflict() -> None:
    from dedup import DedupIndex, cluster_documents

    result = cluster_documents(_chain_docs())
    of = result.cluster_of()
    assert of["a"].id != of["c"].id
    index = DedupIndex()
    verdicts = index.add_many(_chain_docs())
    assert verdicts[2].story != verdicts[0].story


def test_explain_names_the_date_conflict_that_kept_two_apart() -> None:
    from dedup.explain import explain_pair

    e = explain_pair(_chain_docs(), "a", "c")
    assert e.clustering["held_apart_by"] == "dates"
    assert e.clustering["dates"] == {"a": "2016-04-22", "b": "2016-05-02", "tolerance_days": 3}
    assert "kept apart by their dates" in e.verdict["why"]


def test_two_block_addresses_that_cannot_be_one_place_keep_two_stories_apart() -> None:
    from dedup import Document, cluster_documents
    from dedup.explain import explain_pair

    docs = [
        Document(id="lancer", title="Boy shot in Portsmouth", published="2016-02-28",
                 text="PORTSMOUTH, Va. - A 7-year-old boy was shot in the 700 block of Lancer "
                      "Drive on Sunday morning. Detective Misty Holloway said his mother drove "
                      "him to Maryview Medical Center."),
        Document(id="moregate", title="Juvenile shot in the leg in Portsmouth",
                 published="2016-02-28",
                 text="PORTSMOUTH, Va. - A juvenile was shot in the leg in the 4200 block of "
                      "Moregate Lane on Sunday morning. Detective Misty Holloway said he was "
                      "taken to Maryview Medical Center."),
    ]
    of = cluster_documents(docs).cluster_of()
    assert of["lancer"].id != of["moregate"].id
    e = explain_pair(docs, "lancer", "moregate")
    assert e.clustering["held_apart_by"] == "address"
    assert e.clustering["addresses"] == {"a": ["700 block of drive lancer"],
                                         "b": ["4200 block of lane moregate"]}
    assert "kept apart by their addresses" in e.verdict["why"]


def test_a_saved_index_keeps_what_its_stories_state_with_confidence(tmp_path) -> None:
    from dedup import DedupIndex

    index = DedupIndex()
    index.add_many(_chain_docs()[:1])
    index.save(tmp_path / "index.dedup")
    again = DedupIndex.load(tmp_path / "index.dedup")
    from dedup.events import NO_SPAN

    assert again._stories.spans == index._stories.spans != [NO_SPAN]
    key = again._corpus.records[0].key
    assert key.date.confident and key.date.lo.isoformat() == "2016-04-22"
    # the article that states another day still cannot join the loaded story
    verdict = again.add(_chain_docs()[2])
    assert verdict.story != "a"


def test_a_block_address_survives_a_saved_record() -> None:
    from dedup import Document
    from dedup.analysis import prepare
    from dedup.store import record_from, record_json

    record = prepare(Document(id="x", title="Boy shot", published="2016-02-28",
                              text="A boy was shot in the 700 block of Lancer Drive on Sunday."))
    again = record_from(record_json(record))
    assert again.key.block == record.key.block == (700, frozenset({"lancer", "drive"}))
    assert again.key.date.confident == record.key.date.confident


_ROUNDUPS = [
    ("sat", "5 Dead, 17 Wounded In Weekend Shootings", "2014-05-31",
     "CHICAGO - Five people were killed and at least 17 others wounded in separate shootings "
     "across the city since Friday evening, police said. The latest fatal shooting happened "
     "early Saturday in the Austin neighborhood on the West Side."),
    ("sun", "3 Dead, 22 Wounded In Weekend Shootings", "2014-06-01",
     "CHICAGO - Gunfire left three men dead and 22 people hurt over the weekend in separate "
     "shootings across the city, according to police. A man was found dead Sunday morning "
     "in the Austin neighborhood on the West Side after shots rang out."),
]


def test_two_round_ups_are_never_one_story_in_the_batch_and_the_index() -> None:
    from dedup import DedupIndex, Document, cluster_documents
    from dedup.explain import explain_pair

    docs = [Document(id=i, title=t, published=p, text=x) for i, t, p, x in _ROUNDUPS]
    assert all(d.key.roundup for d in _prepared(docs))
    of = cluster_documents(docs).cluster_of()
    assert of["sat"].id != of["sun"].id
    index = DedupIndex()
    first, second = index.add_many(docs)
    assert first.story != second.story
    e = explain_pair(docs, "sat", "sun")
    assert e.clustering["held_apart_by"] == "round-up"
    assert "round-ups" in e.verdict["why"]


def _prepared(docs):
    from dedup.analysis import prepare

    return [prepare(d) for d in docs]


def test_a_round_up_survives_a_saved_record() -> None:
    from dedup import Document
    from dedup.analysis import prepare
    from dedup.store import record_from, record_json

    i, t, p, x = _ROUNDUPS[0]
    record = prepare(Document(id=i, title=t, published=p, text=x))
    assert record.key.roundup and record_from(record_json(record)).key.roundup
    assert record_from(record_json(record)).key.streets == record.key.streets


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39),
                                              st.floats(0, 1)), max_size=120))
def test_strong_components_in_python_equal_scipy(n: int, pairs: list) -> None:
    """average_linkage joins the strong pairs of groups in Python below a size and with
    scipy above it: both give the same stories and merges."""
    import dedup.cluster as cluster

    pairs = [(min(a, b) % n, max(a, b) % n, s) for a, b, s in pairs if a % n != b % n]
    left = np.array([a for a, _, _ in pairs], dtype=np.int64)
    right = np.array([b for _, b, _ in pairs], dtype=np.int64)
    scores = np.array([s for _, _, s in pairs], dtype=np.float64)
    outcomes = []
    for limit in (cluster._PYTHON_COMPONENTS, -1):  # Python, then scipy for every size
        saved, cluster._PYTHON_COMPONENTS = cluster._PYTHON_COMPONENTS, limit
        try:
            stories, merges = average_linkage(UnionFind(n), left, right, scores, 0.3, 0.5)
        finally:
            cluster._PYTHON_COMPONENTS = saved
        outcomes.append(([stories.find(i) for i in range(n)], merges))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 40), st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39),
                                              st.sampled_from([0.1, 0.25, 0.3, 0.45, 0.6])),
                                    max_size=120),
       st.lists(st.tuples(st.integers(0, 39), st.integers(0, 39)), max_size=8))
def test_the_merge_loop_gives_the_same_stories_a_few_components_at_a_time(
        n: int, pairs: list, copy_pairs: list) -> None:
    """average_linkage runs its merge loop over whole components of the strong pairs of
    groups, a few at a time (one loop over all of them held a large run's peak): one
    component at a time gives the stories and merges of one loop over all."""
    import dedup.cluster as cluster

    scored = {(min(a, b) % n, max(a, b) % n): s for a, b, s in pairs if a % n != b % n}
    left = np.array([a for a, _ in scored], dtype=np.int64)
    right = np.array([b for _, b in scored], dtype=np.int64)
    scores = np.array(list(scored.values()), dtype=np.float64)

    def copies() -> UnionFind:
        uf = UnionFind(n)
        for i, j in copy_pairs:
            uf.union(i % n, j % n)
        return uf

    outcomes = []
    for limit in (cluster._MERGE_PAIRS, 1):  # all in one loop, then a component a loop
        saved, cluster._MERGE_PAIRS = cluster._MERGE_PAIRS, limit
        try:
            stories, merges = average_linkage(copies(), left, right, scores, 0.3, 0.5)
        finally:
            cluster._MERGE_PAIRS = saved
        outcomes.append(([stories.find(i) for i in range(n)], sorted(merges)))
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0][1]) == n - len({stories.find(i) for i in range(n)}) - sum(
        1 for i in range(n) if copies().find(i) != i)
