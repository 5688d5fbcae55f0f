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

import numpy as np

from .result import EVENT, EXACT, KIND_ORDER, NEAR, SINGLE, Cluster, Link


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


def average_linkage(
    copies: UnionFind,
    left: np.ndarray,
    right: np.ndarray,
    scores: np.ndarray,
    cluster_threshold: float,
    pair_threshold: float,
) -> tuple[UnionFind, list[tuple[int, int]]]:
    """Merge duplicate groups into stories; returns the story union-find and, per merge, the
    best document pair across it (the link that explains the merge). Pair ``k`` joins rows
    ``left[k]`` and ``right[k]`` with score ``scores[k]``.

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


__all__ = ["UnionFind", "average_linkage", "build_clusters", "EXACT", "NEAR", "EVENT", "SINGLE"]
