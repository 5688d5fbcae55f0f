"""Typed links to nested clusters.

Duplicate groups are the connected components of exact and near-duplicate links: copies of one
text. Story clusters grow from those groups by **average linkage** over the same-event scores of
the candidate pairs (a pair never compared counts 0): two clusters merge while the average
score between them reaches ``cluster_threshold``; two lone groups need one pair scoring
``same_event_threshold`` or more. Average linkage keeps a chain of loose look-alikes from
gluing two events together, as single linkage would. Each merge records the best pair across
it as the link that explains it. Ids and order are deterministic.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import Prepared
from .config import Config
from .copies import copy_rule
from .corpus import Corpus
from .documents import Progress, Skipped
from .events import (
    NO_SPAN,
    SURE_CONFLICT_DAYS,
    EventKey,
    Span,
    joined_span,
    self_conflict,
    spans_conflict,
    sure_span,
)
from .pairs import PairTable, features
from .result import EVENT, EXACT, KIND_ORDER, NEAR, SINGLE, Cluster, ClusterResult, Link
from .scoring import PairFeatures, evidence


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        return ra

    def components(self) -> list[list[int]]:
        groups: dict[int, list[int]] = {}
        for x in range(len(self.parent)):
            groups.setdefault(self.find(x), []).append(x)
        return list(groups.values())


def mergeable(
    average: float, groups_a: int, groups_b: int, best_pair: float,
    cluster_threshold: float, pair_threshold: float, *, conflict: bool = False,
) -> bool:
    """The merge rule of story clusters, one for the batch and the crawler index: two
    clusters merge when the average score between them (pairs never compared count 0)
    reaches ``cluster_threshold``; two lone duplicate groups also need one pair scoring
    ``pair_threshold``. Never when ``conflict``: an article of one states its event's date
    with confidence and an article of the other states another, or they give block
    addresses that cannot be one place (see :func:`dedup.events.span_conflict`), whatever
    their texts share."""
    if conflict or average < cluster_threshold:
        return False
    return not (groups_a == 1 and groups_b == 1 and best_pair < pair_threshold)


def average_linkage(
    copies: UnionFind,
    left: np.ndarray,
    right: np.ndarray,
    scores: np.ndarray,
    cluster_threshold: float,
    pair_threshold: float,
    spans: Sequence[Span] | None = None,
    tolerance: int = SURE_CONFLICT_DAYS,
) -> tuple[UnionFind, list[tuple[int, int]]]:
    """Merge duplicate groups into stories; returns the story union-find and, per merge, the
    best document pair across it (the link that explains the merge). Pair ``k`` joins rows
    ``left[k]`` and ``right[k]`` with score ``scores[k]``. ``spans[i]`` is what row ``i``
    states with confidence (:func:`dedup.events.sure_span`; nothing by default): two
    clusters whose spans conflict (dates more than ``tolerance`` days apart, block addresses
    that cannot be one place) never merge, so a story never holds two such articles, even
    when a third links to both.

    Only groups with a pair of groups averaging ``cluster_threshold`` or more can ever merge:
    the average between two clusters is a weighted mean of the averages between their groups,
    so it never exceeds the best of them. The pairs of all other groups are dropped before
    the (Python) merge loop, with numpy.
    """
    n = len(copies.parent)
    stories = UnionFind(n)
    for i in range(n):
        stories.union(i, copies.find(i))
    roots = np.fromiter((stories.find(i) for i in range(n)), dtype=np.int64, count=n)
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    scores = np.asarray(scores, dtype=np.float64)
    a, b = roots[left], roots[right]
    across = a != b
    left, right, scores, a, b = left[across], right[across], scores[across], a[across], b[across]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keys, inverse = np.unique(lo * max(n, 1) + hi, return_inverse=True)
    inverse = inverse.ravel()
    sums = np.bincount(inverse, weights=scores, minlength=len(keys))
    group_size = np.bincount(roots, minlength=n)
    key_lo, key_hi = keys // max(n, 1), keys % max(n, 1)
    strong = sums / (group_size[key_lo] * group_size[key_hi]) >= cluster_threshold
    active = np.zeros(n, dtype=bool)
    active[key_lo[strong]] = active[key_hi[strong]] = True
    keep = active[key_lo] & active[key_hi]
    # Best pair per pair of groups: the largest (score, first row, second row).
    first, second = np.minimum(left, right), np.maximum(left, right)
    order = np.lexsort((second, first, scores, inverse))
    last = np.flatnonzero(np.diff(np.append(inverse[order], len(keys))) != 0)
    top = order[last]  # one per key, in key order
    total: dict[int, dict[int, float]] = {}
    best: dict[int, dict[int, tuple[float, int, int]]] = {}
    for k in np.flatnonzero(keep).tolist():
        ga, gb = int(key_lo[k]), int(key_hi[k])
        value = float(sums[k])
        total.setdefault(ga, {})[gb] = value
        total.setdefault(gb, {})[ga] = value
        t = top[k]
        cand = (float(scores[t]), int(first[t]), int(second[t]))
        best.setdefault(ga, {})[gb] = cand
        best.setdefault(gb, {})[ga] = cand
    size = {root: stories.size[root] for root in total}
    groups = {root: 1 for root in total}  # duplicate groups per story
    span: dict[int, Span] = {}  # story -> what it states with confidence, where anything
    if spans is not None:
        for row, days in enumerate(spans):
            root = int(roots[row])
            if days != NO_SPAN and root in total:
                span[root] = joined_span(span.get(root, NO_SPAN), days)
        for root, days in list(span.items()):
            if self_conflict(days, tolerance):  # copies that disagree decide nothing
                del span[root]

    def average(a: int, b: int) -> float:
        return total[a][b] / (size[a] * size[b])

    # Pairs below the threshold would only end the loop: the heap starts with the others
    # (merges push their clusters' new averages as they happen).
    heap = [(-avg, a, b) for a in total for b in total[a] if a < b
            and (avg := average(a, b)) >= cluster_threshold]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in total or b not in total.get(a, {}) or abs(average(a, b) + neg) > 1e-12:
            continue  # stale entry
        if -neg < cluster_threshold:
            break
        pair_score, i, j = best[a][b]
        conflict = spans_conflict(span.get(a, NO_SPAN), span.get(b, NO_SPAN), tolerance)
        if not mergeable(-neg, groups[a], groups[b], pair_score, cluster_threshold,
                         pair_threshold, conflict=conflict):
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
        if gone in span or root in span:
            span[root] = joined_span(span.pop(gone, NO_SPAN), span.get(root, NO_SPAN))
        for k in total[root]:
            heapq.heappush(heap, (-average(root, k), min(root, k), max(root, k)))
    return stories, merges


@dataclass
class Growth:
    """What adding one article does to the stories (see :meth:`StoryGraph.plan`)."""

    group: int  # the first row of its duplicate group
    story: int  # the first row of its story
    groups: list[int]  # the duplicate groups it joins (their first rows)
    stories: list[int]  # the stories it joins, in merge order (their first rows)
    links: dict[int, list]  # its story's links to the others: root -> [sum, best pair]
    size: int
    copy_groups: int
    span: Span = NO_SPAN  # what its story states with confidence (see events.sure_span)


class StoryGraph:
    """Duplicate groups and stories grown one article at a time, for the crawler index, with
    the batch's merge rule (:func:`mergeable`).

    Per story it keeps its members, how many duplicate groups it holds, and its links: for
    each story it has pairs with, the sum of their scores and its best pair. A new article
    first joins the groups it copies (and so their stories); then its story merges, one at a
    time, with the linked story of the highest average while the rule allows. Stories it does
    not touch keep their averages, so they have nothing new to merge: the work per article is
    its pairs and the links of the stories it joins, never a pass over a whole story.

    The batch (:func:`average_linkage`) takes merges in order of average over all clusters at
    once; here they come in arrival order, so the two can differ where an article arrives
    before the ones that would have joined it otherwise (``benchmarks.engine`` measures it).
    """

    def __init__(
        self, cluster_threshold: float, pair_threshold: float,
        tolerance: int = SURE_CONFLICT_DAYS,
    ) -> None:
        self.cluster_threshold = cluster_threshold
        self.pair_threshold = pair_threshold
        self.tolerance = tolerance
        self.span: dict[int, Span] = {}  # story -> what it states with confidence, if any
        self.group: list[int] = []  # row -> first row of its duplicate group
        self.story: list[int] = []  # row -> first row of its story
        self.group_members: dict[int, list[int]] = {}
        self.story_members: dict[int, list[int]] = {}
        self.copy_groups: dict[int, int] = {}  # story -> its duplicate groups
        self.links: dict[int, dict[int, list]] = {}  # story -> {story: [sum, (score, a, b)]}

    def __len__(self) -> int:
        return len(self.story)

    def plan(
        self, edges: dict[int, tuple[float, bool]], span: Span = NO_SPAN
    ) -> Growth:
        """What adding the next row with ``edges`` ({row: (score, is copy)}) and confident
        facts ``span`` (:func:`dedup.events.sure_span`) would do; nothing changes."""
        row = len(self.story)
        groups = sorted({self.group[o] for o, (_, copy) in edges.items() if copy})
        joined = sorted({self.story[g] for g in groups})
        for s in joined:  # the copies it joins come what may
            span = joined_span(span, self.span.get(s, NO_SPAN))
        inside = set(joined)
        size = 1 + sum(len(self.story_members[s]) for s in joined)
        copy_groups = 1 + sum(self.copy_groups[s] for s in joined) - len(groups)
        acc: dict[int, list] = {}
        for s in joined:
            for other, (total, best) in self.links[s].items():
                if other not in inside:
                    _add_link(acc, other, total, best)
        for other, (score, _) in edges.items():
            s = self.story[other]
            if s not in inside:
                _add_link(acc, s, score, (score, other, row))
        merged: list[int] = []
        while acc:
            pick = None
            for s, (total, best) in acc.items():
                average = total / (size * len(self.story_members[s]))
                conflict = spans_conflict(span, self.span.get(s, NO_SPAN), self.tolerance)
                if mergeable(average, copy_groups, self.copy_groups[s], best[0],
                             self.cluster_threshold, self.pair_threshold, conflict=conflict):
                    if pick is None or (average, -s) > (pick[0], -pick[1]):
                        pick = (average, s)
            if pick is None:
                break
            s = pick[1]
            merged.append(s)
            inside.add(s)
            size += len(self.story_members[s])
            copy_groups += self.copy_groups[s]
            span = joined_span(span, self.span.get(s, NO_SPAN))
            del acc[s]
            for other, (total, best) in self.links[s].items():
                if other not in inside:
                    _add_link(acc, other, total, best)
        stories = joined + merged
        return Growth(
            group=min([*groups, row]), story=min([*stories, row]), groups=groups,
            stories=stories, links=acc, size=size, copy_groups=copy_groups, span=span,
        )

    def grow(self, growth: Growth) -> None:
        """Add the next row as ``growth`` (from :meth:`plan`, with nothing added since) says."""
        row = len(self.story)
        self.group.append(row)
        self.story.append(row)
        self.group_members[row] = [row]
        self.story_members[row] = [row]
        self.copy_groups[row] = 1
        self.links[row] = {}
        for roots, members, into, joined in (
            (self.group, self.group_members, growth.group, growth.groups),
            (self.story, self.story_members, growth.story, growth.stories),
        ):
            for old in [*joined, row]:
                if old == into:
                    continue
                for member in members[old]:
                    roots[member] = into
                members[into].extend(members.pop(old))
        gone = {*growth.stories, row} - {growth.story}
        for old in gone:
            self.copy_groups.pop(old, None)
            self.links.pop(old, None)
            self.span.pop(old, None)
        if growth.span != NO_SPAN:
            self.span[growth.story] = growth.span
        self.copy_groups[growth.story] = growth.copy_groups
        self.links[growth.story] = growth.links
        for other, link in growth.links.items():
            theirs = self.links[other]
            for old in gone | {growth.story}:
                theirs.pop(old, None)
            theirs[growth.story] = link

    def restore(self, group: list[int], story: list[int],
                edges: Iterable[tuple[int, int, float]],
                spans: Sequence[Span] = ()) -> None:
        """Take back a saved state: each row's group and story roots, every scored pair
        ``(row, other, score)`` and each row's confident days (none where not given)."""
        self.group, self.story = list(group), list(story)
        self.span = {}
        for row, days in enumerate(spans):
            if days != NO_SPAN:
                root = self.story[row]
                self.span[root] = joined_span(self.span.get(root, NO_SPAN), days)
        for roots, members in ((self.group, self.group_members), (self.story, self.story_members)):
            members.clear()
            for row, root in enumerate(roots):
                members.setdefault(root, []).append(row)
        self.copy_groups = {root: len({self.group[r] for r in rows})
                            for root, rows in self.story_members.items()}
        self.links = {root: {} for root in self.story_members}
        for row, other, score in edges:
            a, b = self.story[row], self.story[other]
            if a != b:
                pair = (score, min(row, other), max(row, other))
                _add_link(self.links[a], b, score, pair)
                _add_link(self.links[b], a, score, pair)


def _add_link(links: dict[int, list], story: int, total: float, best: tuple) -> None:
    link = links.get(story)
    if link is None:
        links[story] = [total, best]
    else:
        link[0] += total
        if best > link[1]:
            link[1] = best


def settle(
    n: int, left: np.ndarray, right: np.ndarray, scores: np.ndarray, is_copy: np.ndarray,
    cluster_threshold: float, pair_threshold: float,
    spans: Sequence[Span] | None = None, tolerance: int = SURE_CONFLICT_DAYS,
) -> tuple[UnionFind, UnionFind, list[tuple[int, int]]]:
    """The one clustering rule, for the batch run (all documents) and for the crawler index
    (the documents a new article is connected to): duplicate groups are the connected
    components of the copy pairs (``is_copy``), and stories grow from them by
    :func:`average_linkage`, never joining confident dates that conflict (``spans``,
    ``tolerance``). Rows ``0..n-1`` must be in id order (ties between equal scores
    go to the lower rows). Returns the copies, the stories and the merges."""
    copies = UnionFind(n)
    for k in np.flatnonzero(is_copy).tolist():
        copies.union(int(left[k]), int(right[k]))
    stories, merges = average_linkage(
        copies, left, right, scores, cluster_threshold, pair_threshold, spans, tolerance
    )
    return copies, stories, merges


def build_clusters(
    ids: list[str], links: list[Link], stories: UnionFind | None = None
) -> list[Cluster]:
    """Story clusters of ``ids`` (from ``stories``, else from ``links``), each holding its
    duplicate groups. Clusters are sorted by size (largest first) then id; members and groups
    by id; a cluster's id is its smallest member id and its kind its loosest link."""
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    copies = UnionFind(len(ids))
    if stories is None:
        stories = UnionFind(len(ids))
        for link in links:
            stories.union(index[link.a], index[link.b])
    for link in links:
        if link.kind in (EXACT, NEAR):
            copies.union(index[link.a], index[link.b])
    kinds: dict[int, set[str]] = {}
    for link in links:
        kinds.setdefault(stories.find(index[link.a]), set()).add(link.kind)

    clusters = []
    for component in stories.components():
        members = sorted(ids[i] for i in component)
        by_group: dict[int, list[str]] = {}
        for i in component:
            by_group.setdefault(copies.find(i), []).append(ids[i])
        groups = sorted((sorted(g) for g in by_group.values()), key=lambda g: (-len(g), g[0]))
        present = kinds.get(stories.find(component[0]), set())
        kind = SINGLE if len(members) == 1 else max(present, key=KIND_ORDER.index)
        clusters.append(Cluster(id=members[0], kind=kind, members=members, groups=groups))
    clusters.sort(key=lambda c: (-len(c.members), c.id))
    return clusters


__all__ = ["StoryGraph", "UnionFind", "average_linkage", "build_clusters", "mergeable", "settle", "EXACT", "NEAR", "EVENT", "SINGLE"]


def _link(a: str, b: str, kind: str, feats: PairFeatures) -> Link:
    scores, facts = evidence(feats, kind)
    first, second = sorted((a, b))
    return Link(first, second, kind, scores, facts)


def link_rows(
    ids: list[str], exact: list[str], keys: list[EventKey], table: PairTable,
    weight: dict[str, float], config: Config,
) -> tuple[UnionFind, list[Link]]:
    """The links and stories of rows ``0..n-1`` in id order (``ids``, their exact-copy keys
    ``exact``, their scored event keys ``keys``) and their scored pairs ``table`` (rows in
    that order): copies by :func:`dedup.copies.copy_rule`, stories by :func:`settle`; the
    links sorted by id. Rows whose pairs never reach the merge threshold nor the copy rule
    with any row outside them (a connected component of such pairs: :mod:`dedup.spark`)
    come out the same when given alone as among all rows."""
    n = len(ids)
    exact_ids = np.unique(exact, return_inverse=True)[1] if n else np.zeros(0, dtype=np.int64)
    same_text = exact_ids[table.left] == exact_ids[table.right]
    copy = copy_rule(same_text, table.jaccard, table.containment, table.shorter,
                     table.head_cosine, config)
    _, stories, merges = settle(
        n, table.left, table.right, table.score, copy,
        config.cluster_threshold, config.same_event_threshold,
        [sure_span(key) for key in keys],
    )
    links: list[Link] = []
    for k in np.flatnonzero(copy):
        i, j = int(table.left[k]), int(table.right[k])
        feats = features(table, k, keys, weight, config)
        links.append(_link(ids[i], ids[j], EXACT if same_text[k] else NEAR, feats))
    pair_index = table.left * max(n, 1) + table.right
    for i, j in merges:
        k = int(np.searchsorted(pair_index, i * max(n, 1) + j))
        links.append(_link(ids[i], ids[j], EVENT, features(table, k, keys, weight, config)))
    links.sort(key=lambda link: (link.a, link.b))
    return stories, links


def cluster_scored(
    corpus: Corpus, keys: list[EventKey], table: PairTable, weight: dict[str, float], *,
    skipped: Sequence[Skipped] = (), report: Progress | None = None,
) -> ClusterResult:
    """Link and cluster the scored candidate pairs of a corpus (:func:`score_candidates`):
    copies by :func:`dedup.copies.copy_rule`, stories by :func:`dedup.cluster.settle`."""
    config = corpus.config
    report = report or (lambda stage, done, total: None)
    n = len(corpus.records)
    prepared = corpus.records
    # From here on rows are in id order, so that ties between equal scores and the order of
    # the two articles in a link's evidence never depend on the input order.
    order = sorted(range(n), key=lambda i: prepared[i].id)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    table = table.renumbered(rank)
    prepared = [prepared[i] for i in order]
    ids = [p.id for p in prepared]
    keys = [keys[i] for i in order]
    stories, links = link_rows(ids, [p.exact for p in prepared], keys, table, weight, config)
    result = cluster_result(prepared, keys, links, stories, config, skipped)
    report("clustering", n, n)
    return result


def cluster_result(
    prepared: Sequence[Prepared], keys: Sequence[EventKey], links: list[Link],
    stories: UnionFind, config: Config, skipped: Sequence[Skipped] = (),
) -> ClusterResult:
    """The result of a run: the records ``prepared`` and their scored ``keys`` in id order,
    the ``links`` (sorted by id) and the ``stories`` over those rows."""
    ids = [p.id for p in prepared]
    clusters = build_clusters(ids, links, stories)
    details = {
        p.id: {
            "source": p.source,
            "published": p.published,
            "event": key.to_dict(),  # as scored: the people without the corpus's common words
            "text": p.text.to_dict() if p.text else None,
        }
        for p, key in zip(prepared, keys)
    }
    return ClusterResult(
        documents=len(prepared),
        clusters=clusters,
        links=links,
        skipped=list(skipped),
        warnings=[w for p in prepared for w in p.warnings],
        titles={p.id: p.title for p in prepared},
        details=details,
        config=config,
    )
