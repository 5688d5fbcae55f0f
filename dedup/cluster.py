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
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .analysis import Prepared
from .config import Config
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
from .memory import give_back_memory
from .pairs import PairTable, ScoredPairs, exact_numbers, features, row_dtype
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
    so it never exceeds the best of them, and clusters merge only along such strong pairs of
    groups. The pairs of groups that no chain of strong pairs joins are dropped before the
    (Python) merge loop, with numpy: the loop holds the components of the strong pairs.
    """
    n = len(copies.parent)
    stories = UnionFind(n)
    for i in range(n):
        stories.union(i, copies.find(i))
    if len(left) <= _PYTHON_LINKAGE:
        merges = _small_linkage(stories, _rows(left).tolist(), _rows(right).tolist(),
                                np.asarray(scores, dtype=np.float64).tolist(),
                                cluster_threshold, pair_threshold, spans, tolerance)
        return stories, merges
    roots = np.fromiter((stories.find(i) for i in range(n)), dtype=np.int64, count=n)
    # Every column of all pairs below is a transient of a large run's peak: rows as narrow
    # as they fit, each let go as soon as it is read.
    rows = row_dtype(n)
    group = roots.astype(rows)
    left, right = _rows(left), _rows(right)
    a, b = group[left], group[right]
    across = a != b
    a, b = a[across], b[across]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    del a, b
    code = lo.astype(np.int64) * max(n, 1)
    del lo
    code += hi
    del hi
    keys, inverse = distinct_inverse(code, rows if len(code) < 2**31 else np.int64)
    del code
    scores = np.asarray(scores, dtype=np.float64)[across]
    sums = np.bincount(inverse, weights=scores, minlength=len(keys))
    group_size = np.bincount(roots, minlength=n)
    key_lo, key_hi = (keys // max(n, 1)).astype(rows), (keys % max(n, 1)).astype(rows)
    del keys
    averages = sums / (group_size[key_lo] * group_size[key_hi])
    strong = averages >= cluster_threshold
    # Two groups that no chain of strong pairs joins are never in one story, and the pairs
    # between them never weigh in a merge: only pairs within one component are kept.
    component = _components(n, key_lo, key_hi, strong)
    keep = component[key_lo] == component[key_hi]
    # Best pair per pair of groups: the largest (score, first row, second row).
    left, right = left[across], right[across]
    del across
    first, second = np.minimum(left, right), np.maximum(left, right)
    del left, right
    order = np.lexsort((second, first, scores, inverse))
    ends = inverse[order]
    del inverse
    last = np.flatnonzero(ends[1:] != ends[:-1])
    del ends
    kept = np.flatnonzero(keep)
    del keep
    top = np.append(order[last], order[-1:])[kept] if len(order) else order
    del order, last  # the best pair of each kept pair of groups, in key order
    # The kept pairs of groups by component (each in key order): clusters merge only within
    # a component, and a component's merges do not depend on the others', so the merge loop
    # runs over a few components at a time and holds only their dictionaries.
    by_component = np.argsort(component[key_lo[kept]], kind="stable")
    kept = kept[by_component]
    top = top[by_component]
    label = component[key_lo[kept]]
    del component, by_component
    columns = (key_lo[kept], key_hi[kept], sums[kept], scores[top], first[top], second[top],
               averages[kept], strong[kept])
    del scores, first, second, top, sums, averages, strong
    in_kept = np.zeros(n, dtype=bool)
    in_kept[columns[0]] = in_kept[columns[1]] = True
    span = _story_spans(roots, spans, in_kept, tolerance)
    del in_kept
    bounds = [0]
    for start in np.flatnonzero(label[1:] != label[:-1]).tolist():
        if start + 1 - bounds[-1] >= _MERGE_PAIRS:
            bounds.append(start + 1)
    bounds.append(len(label))
    merges: list[tuple[int, int]] = []
    for lo_, hi_ in zip(bounds, bounds[1:]):
        if hi_ > lo_:
            _merge_loop(stories, merges, span, [c[lo_:hi_] for c in columns],
                        cluster_threshold, pair_threshold, tolerance)
    return stories, merges


def _story_spans(roots: Sequence[int], spans: Sequence[Span] | None, in_kept: Sequence[bool],
                 tolerance: int) -> dict[int, Span]:
    """What each duplicate group (by its root, ``roots[row]``) states with confidence, where
    anything: its rows' ``spans`` joined, for the groups ``in_kept`` (those in a kept pair of
    groups); a group whose copies disagree decides nothing and has none."""
    span: dict[int, Span] = {}
    if spans is None:
        return span
    for row, days in enumerate(spans):
        root = int(roots[row])
        if days != NO_SPAN and in_kept[root]:
            span[root] = joined_span(span.get(root, NO_SPAN), days)
    for root, days in list(span.items()):
        if self_conflict(days, tolerance):  # copies that disagree decide nothing
            del span[root]
    return span


# Up to this many pairs, :func:`average_linkage` makes its columns in Python
# (:func:`_small_linkage`): numpy's fixed cost per call was most of the time of a crawler
# index's region (a few rows, tens of pairs).
_PYTHON_LINKAGE = 256


def _small_linkage(
    stories: UnionFind, left: list[int], right: list[int], scores: list[float],
    cluster_threshold: float, pair_threshold: float, spans: Sequence[Span] | None,
    tolerance: int,
) -> list[tuple[int, int]]:
    """:func:`average_linkage` of a few pairs (``stories``: the duplicate groups joined
    already), its columns made in Python: the same sums (added in the same order), averages,
    best pairs, components of strong pairs and spans; then the same merge loop. Returns the
    merges."""
    n = len(stories.parent)
    roots = [stories.find(i) for i in range(n)]
    sums: dict[tuple[int, int], float] = {}
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for i, j, score in zip(left, right, scores):
        a, b = roots[i], roots[j]
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        sums[key] = sums.get(key, 0.0) + score
        cand = (score, i, j) if i < j else (score, j, i)
        if key not in best or cand > best[key]:
            best[key] = cand
    size = stories.size
    averages = {key: total / (size[key[0]] * size[key[1]]) for key, total in sums.items()}
    # Only pairs of groups that a chain of strong pairs joins (as _components keeps them).
    joined = UnionFind(n)
    strong = [key for key, average in averages.items() if average >= cluster_threshold]
    for a, b in strong:
        joined.union(a, b)
    kept = [key for key in sums if joined.find(key[0]) == joined.find(key[1])]
    in_kept = [False] * n
    for a, b in kept:
        in_kept[a] = in_kept[b] = True
    span = _story_spans(roots, spans, in_kept, tolerance)
    distinct = sorted({best[key] for key in kept})
    rank = {triple: k for k, triple in enumerate(distinct)}
    candidates = ([t[0] for t in distinct], [t[1] for t in distinct], [t[2] for t in distinct])
    heap = [(-averages[key], *key) for key in strong]
    merges: list[tuple[int, int]] = []
    _merge(stories, merges, span, [key[0] for key in kept], [key[1] for key in kept],
           [sums[key] for key in kept], [rank[best[key]] for key in kept], candidates, heap,
           cluster_threshold, pair_threshold, tolerance)
    return merges


# The merge loop of :func:`average_linkage` takes whole components of this many pairs of
# groups or more at a time (a large run's dictionaries of all of them were its peak).
_MERGE_PAIRS = 65536


def _merge_loop(
    stories: UnionFind, merges: list[tuple[int, int]], span: dict[int, Span],
    columns: list[np.ndarray], cluster_threshold: float, pair_threshold: float,
    tolerance: int,
) -> None:
    """:func:`average_linkage`'s merges of the pairs of groups ``columns`` (whole components
    of them: first and second group, sum of scores, best pair's score and rows, average,
    strong), appended to ``merges``, the stories joined in ``stories``."""
    key_lo, key_hi, sums, best_score, best_first, best_second, averages, strong = columns
    # Each pair of groups' best pair as its rank among the distinct (score, first row,
    # second row) of these pairs of groups: ranks compare as those triples do, and a number
    # a pair of groups is held in the dictionaries instead of a tuple of three (about 115
    # bytes less a pair of groups; a large run's largest component was its linking peak).
    candidates, rank = _ranked(best_score, best_first, best_second)
    # To start, the strong pairs of groups (average(a, b), as numpy divides it); every one is
    # kept, as it joins its own two groups.
    heap = list(zip((-averages[strong]).tolist(), key_lo[strong].tolist(),
                    key_hi[strong].tolist()))
    # the columns as Python lists: no numpy scalar per pair of groups
    _merge(stories, merges, span, key_lo.tolist(), key_hi.tolist(), sums.tolist(),
           rank.tolist(), candidates, heap, cluster_threshold, pair_threshold, tolerance)


def _merge(
    stories: UnionFind, merges: list[tuple[int, int]], span: dict[int, Span],
    lo_: list[int], hi_: list[int], sums: list[float], rank: list[int],
    candidates: tuple[Sequence[float], Sequence[int], Sequence[int]],
    heap: list[tuple[float, int, int]], cluster_threshold: float, pair_threshold: float,
    tolerance: int,
) -> None:
    """The merge loop over pairs of groups ``(lo_[k], hi_[k])`` with sums of scores
    ``sums[k]`` and best pairs of rank ``rank[k]`` among ``candidates`` (:func:`_ranked`),
    from ``heap``: (-average, first group, second group) of each strong pair of groups."""
    # a dict per group, made once (not a new empty one per setdefault)
    total: dict[int, dict[int, float]] = {g: {} for g in set(lo_).union(hi_)}
    best: dict[int, dict[int, int]] = {g: {} for g in total}
    for ga, gb, value, cand in zip(lo_, hi_, sums, rank):
        total[ga][gb] = total[gb][ga] = value
        best[ga][gb] = best[gb][ga] = cand
    size = {root: stories.size[root] for root in total}
    groups = {root: 1 for root in total}  # duplicate groups per story

    # The heap holds an entry (-average, a, b) for every pair of clusters that may merge,
    # at its average or above it: a merge pushes the pairs whose sums it changed (the
    # neighbours of the cluster that goes) and those refused before (a merge may lift the
    # refusal); the others' averages only fell (the cluster grew), so their entries are
    # pushed again at their new averages when they come up. Each merge costs the pairs it
    # changes, not every pair of the merged cluster: a dense graph does not make the loop
    # quadratic. Entries come up in the order of their averages as they are.
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    refused: dict[int, set[int]] = {}
    while heap:
        neg, a, b = pop(heap)
        if a not in total or b not in total[a]:
            continue  # a cluster that merged since
        now = total[a][b] / (size[a] * size[b])  # the average between the two
        if abs(now + neg) > 1e-12:  # an average that changed since
            if now < -neg and now >= cluster_threshold:
                push(heap, (-now, a, b))
            continue
        pair_score, i, j = _candidate(candidates, best[a][b])
        conflict = spans_conflict(span.get(a, NO_SPAN), span.get(b, NO_SPAN), tolerance)
        if not mergeable(-neg, groups[a], groups[b], pair_score, cluster_threshold,
                         pair_threshold, conflict=conflict):
            refused.setdefault(a, set()).add(b)
            refused.setdefault(b, set()).add(a)
            continue
        root = stories.union(a, b)
        gone = b if root == a else a
        merges.append((i, j))
        changed = (refused.pop(root, set()) | refused.pop(gone, set())) - {root, gone}
        for k in changed:
            refused[k].discard(root)
            refused[k].discard(gone)
        mine, best_mine, best_gone = total[root], best[root], best.pop(gone)
        for k, value in total.pop(gone).items():
            if k == root:
                continue
            changed.add(k)
            theirs = total[k]
            mine[k] = theirs[root] = mine.get(k, 0.0) + value
            del theirs[gone]
            cand = best_gone[k]
            if k not in best_mine or cand > best_mine[k]:
                best_mine[k] = best[k][root] = cand
            del best[k][gone]
        mine.pop(gone, None)
        best_mine.pop(gone, None)
        size[root] = grown = size.pop(gone) + size[root]
        groups[root] = groups.pop(gone) + groups[root]
        if gone in span or root in span:
            span[root] = joined_span(span.pop(gone, NO_SPAN), span.get(root, NO_SPAN))
        for k in changed:
            if k in mine and (avg := mine[k] / (grown * size[k])) >= cluster_threshold:
                push(heap, (-avg, root, k) if root < k else (-avg, k, root))


def _ranked(score: np.ndarray, first: np.ndarray, second: np.ndarray
            ) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The distinct triples ``(score[k], first[k], second[k])`` in increasing order (as
    three columns), and each triple's rank among them: ``rank[k] < rank[m]`` exactly where
    triple ``k`` < triple ``m``, equal ranks for equal triples."""
    order = np.lexsort((second, first, score))
    score, first, second = score[order], first[order], second[order]
    new = np.empty(len(order), dtype=bool)
    new[:1] = True
    new[1:] = (score[1:] != score[:-1]) | (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return (score[new], first[new], second[new]), rank


def _candidate(candidates: tuple[np.ndarray, np.ndarray, np.ndarray], rank: int
               ) -> tuple[float, int, int]:
    """The triple of :func:`_ranked` of rank ``rank``: (score, first row, second row)."""
    score, first, second = candidates
    return float(score[rank]), int(first[rank]), int(second[rank])


def _rows(values: Any) -> np.ndarray:
    """Row numbers as an integer array: ``values`` itself where it is one (no copy)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return values
    return np.asarray(values, dtype=np.int64)


def distinct_inverse(values: np.ndarray, index: type = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``, the inverse as ``index`` (wide enough
    for ``len(values)``), holding fewer transient columns: about 24 bytes a value at
    its peak, not 41 (a large run's pairs)."""
    order = np.argsort(values)
    ordered = values[order]
    new = np.empty(len(values), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    distinct = ordered[new]
    del ordered
    numbers = np.cumsum(new, dtype=index)
    del new
    numbers -= 1
    inverse = np.empty(len(values), dtype=index)
    inverse[order] = numbers
    return distinct, inverse


# Up to this many strong pairs of groups, :func:`_components` joins them in Python;
# past it, with scipy (whose fixed cost, about 0.15 ms a call, is most of a small region's).
_PYTHON_COMPONENTS = 2048


def _components(n: int, lo: np.ndarray, hi: np.ndarray, strong: np.ndarray) -> np.ndarray:
    """For each node of ``0..n-1``, its connected component of the ``strong`` pairs
    ``(lo[k], hi[k])`` (a label: equal labels, one component)."""
    a, b = lo[strong], hi[strong]
    if len(a) > _PYTHON_COMPONENTS:
        _, component = connected_components(
            sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)
        return component
    joined = UnionFind(n)
    for x, y in zip(a.tolist(), b.tolist()):
        joined.union(x, y)
    component = np.arange(n)
    for x in set(a.tolist()) | set(b.tolist()):  # the others are alone
        component[x] = joined.find(x)
    return component


@dataclass
class Growth:
    """What adding one article does to the groups and stories (see :meth:`StoryGraph.plan`):
    the region it re-settles, and where each of the region's rows goes."""

    row: int  # the new article's row
    id: str  # its id (rows are settled in id order, as the batch settles them)
    edges: dict[int, Any]  # its pairs: {row: edge with .score and .copy}
    span: Span  # what it states with confidence (see events.sure_span)
    groups: list[int]  # the duplicate groups it copies (their first rows before it came)
    region: list[int]  # the rows re-settled, the new one included
    group_of: dict[int, int]  # per region row: the first row of its duplicate group
    story_of: dict[int, int]  # per region row: the first row of its story
    links: dict[int, float]  # its duplicate group's sums of pair scores with the others
    strong: set[int]  # the groups its duplicate group averages cluster_threshold with

    @property
    def group(self) -> int:
        return self.group_of[self.row]

    @property
    def story(self) -> int:
        return self.story_of[self.row]


SETTLE_ROWS = 64
"""The most rows the crawler index settles again for one article (:class:`StoryGraph`):
past it, only the stories the article touches are, as many as fit (its copies' first)."""


class StoryGraph:
    """The crawler index's duplicate groups and stories, kept settled: after each article
    they are what the batch's clustering (:func:`settle`) makes of the pairs scored so far.

    Clusters only ever merge along *strong* group pairs (an average score between the two
    duplicate groups of ``cluster_threshold`` or more: the average between two clusters is a
    weighted mean of their groups' averages), so :func:`average_linkage` over all rows is,
    story for story, :func:`average_linkage` over each component of the strong pairs alone
    (rows in id order, the batch's tie-breaking). A new article changes the averages of its
    own duplicate group only; :meth:`plan` finds the components it touches (the one it joins,
    and those the groups it copies belonged to, which its copy may split) and settles them
    again with :func:`settle`: its work is that region's pairs, never the whole index.

    ``edges``: per row, its scored pairs ``{other: edge}`` (an edge has ``.score`` and
    ``.copy``, a copy when above 0), in both directions; :meth:`grow` appends to it.
    """

    def __init__(
        self, cluster_threshold: float, pair_threshold: float,
        tolerance: int = SURE_CONFLICT_DAYS,
    ) -> None:
        self.cluster_threshold = cluster_threshold
        self.pair_threshold = pair_threshold
        self.tolerance = tolerance
        self.ids: list[str] = []  # row -> id (the batch settles rows in id order)
        self.spans: list[Span] = []  # row -> what it states with confidence
        self.edges: list[dict[int, Any]] = []
        self.group: list[int] = []  # row -> first row of its duplicate group
        self.story: list[int] = []  # row -> first row of its story
        self.group_members: dict[int, list[int]] = {}
        self.story_members: dict[int, list[int]] = {}
        self.links: dict[int, dict[int, float]] = {}  # group -> {group: sum of pair scores}
        self.strong: dict[int, set[int]] = {}  # group -> the groups it averages enough with

    def __len__(self) -> int:
        return len(self.story)

    # Borderline averages may round differently here and in settle(): the search for the
    # region counts as strong a pair a hair below the threshold (a larger region settles the same).
    _SLACK = 1e-9

    def _strong(self, total: float, a: int, b: int) -> bool:
        return total >= self._strong_limit(a) * b

    def _strong_limit(self, a: int) -> float:
        """What a group of ``a`` rows must sum with a group of one row to be strong (with
        one of ``b`` rows: that times ``b``)."""
        return (self.cluster_threshold - self._SLACK) * a

    def _component(self, starts: Iterable[int], strong: Any, rows: int) -> set[int] | None:
        """The groups joined to ``starts`` by strong pairs (``strong(g)``: g's strong
        neighbours), or None once they hold more than :data:`SETTLE_ROWS` rows (``rows``:
        those of ``starts``)."""
        seen = set(starts)
        todo = list(seen)
        while todo:
            for h in strong(todo.pop()):
                if h not in seen:
                    rows += len(self.group_members[h])
                    if rows > SETTLE_ROWS:
                        return None
                    seen.add(h)
                    todo.append(h)
        return seen

    def plan(self, doc_id: str, edges: dict[int, Any], span: Span = NO_SPAN) -> Growth:
        """What adding the next row, ``doc_id`` with pairs ``edges`` ({row: edge}) and
        confident facts ``span`` (:func:`dedup.events.sure_span`), would do; nothing changes."""
        row = len(self.story)
        groups = sorted({self.group[o] for o, e in edges.items() if e.copy > 0})
        merged = set(groups)
        sizes = self.group_members
        # The new group's sums with the others: its copies' sums, and the article's pairs.
        mine: dict[int, float] = {}
        for g in groups:
            for h, total in self.links[g].items():
                if h not in merged:
                    mine[h] = mine.get(h, 0.0) + total
        for o, e in edges.items():
            h = self.group[o]
            if h not in merged:
                mine[h] = mine.get(h, 0.0) + e.score
        size = 1 + sum(len(sizes[g]) for g in groups)
        limit = self._strong_limit(size)  # self._strong(total, size, len(sizes[h])), inline
        # (a group has a row or more: a total below the limit is never strong)
        strong = {h for h, total in mine.items()
                  if total >= limit and total >= limit * len(sizes[h])}
        new = -1  # the new group, while it has no number

        def now(g: int) -> Iterable[int]:
            if g == new:
                return strong
            theirs = self.strong[g]
            if merged.isdisjoint(theirs) and g not in strong:
                return theirs
            return (theirs - merged) | ({new} if g in strong else set())

        # The components its copies were in (its copy may split them), and the one it joins.
        before = self._component(groups, self.strong.__getitem__, size - 1) if groups else set()
        found = None if before is None else self._component(
            {new} | (before - merged), now, size + sum(len(sizes[g]) for g in before - merged))
        if found is None:  # too large to settle whole: the stories it touches, at most
            # SETTLE_ROWS rows of them (its copies' stories first, then those it links to
            # most strongly); the others stay as they are
            linked: dict[int, float] = {}
            for h in strong:
                linked[self.story[h]] = linked.get(self.story[h], 0.0) + mine[h]
            stories = self._fill(sorted({self.story[g] for g in merged}), linked, 1)
            region = [row, *(r for s in stories for r in self.story_members[s])]
        else:
            region = [row, *(r for g in found if g != new for r in sizes[g]),
                      *(r for g in groups for r in sizes[g])]
        growth = Growth(row, doc_id, edges, span, groups, region, {}, {}, mine, strong)
        if len(region) == 1:  # alone: nothing to settle
            growth.group_of[row] = growth.story_of[row] = row
            return growth
        return self._settle(growth)

    def _fill(self, stories: list[int], linked: dict[int, float], rows: int) -> list[int]:
        """``stories`` (whose rows, with ``rows`` more, are a region to settle), and then the
        stories ``linked`` to it, the most strongly first (``linked``: the story's sum of
        scores with the region), as long as the region stays within :data:`SETTLE_ROWS`."""
        stories = list(stories)
        rows += sum(len(self.story_members[s]) for s in stories)
        for s in sorted(linked, key=lambda s: (-linked[s], s)):
            if s not in stories and rows + len(self.story_members[s]) <= SETTLE_ROWS:
                stories.append(s)
                rows += len(self.story_members[s])
        return stories

    def _forget_sums(self, groups: Iterable[int]) -> None:
        """Let go of the sums and strong pairs of ``groups`` (groups merging into one, whose
        sums are then given anew), on both sides of each."""
        for g in groups:
            for h in self.links.pop(g):
                if h in self.links:
                    self.links[h].pop(g, None)
            for h in self.strong.pop(g):
                if h in self.strong:
                    self.strong[h].discard(g)

    def _restory(self, region: Iterable[int], story_of: dict[int, int]) -> None:
        """The region's rows (whole stories, settled anew) in the stories ``story_of`` gives."""
        for r in region:
            self.story_members.pop(self.story[r], None)
        for r in sorted(region):
            s = self.story[r] = story_of[r]
            self.story_members.setdefault(s, []).append(r)

    def _settle(self, growth: Growth) -> Growth:
        """Settle the region's rows with the batch's :func:`settle` (rows in id order)."""
        row, ids = growth.row, self.ids
        rows = sorted(growth.region, key=lambda r: (growth.id if r == row else ids[r], r))
        rank = {r: k for k, r in enumerate(rows)}
        # Each pair once: an older row's pairs with the later rows of the region (by rank),
        # and the new row's (not in the older rows' yet) with all of them.
        left, right, pairs = [], [], []
        for k, r in enumerate(rows):
            if r == row:
                continue
            mine = self.edges[r]
            # whichever is fewer: the row's pairs (a row of a dense story has hundreds),
            # or the region's later rows (each looked up in its pairs)
            if len(mine) > len(rows) - k:
                later = [(j, mine[o]) for j, o in enumerate(rows[k + 1:], k + 1) if o in mine]
            else:
                later = [(j, e) for o, e in mine.items() if (j := rank.get(o, -1)) > k]
            left.extend([k] * len(later))
            right.extend([j for j, _ in later])
            pairs.extend([e for _, e in later])
        k = rank.get(row, -1)  # -1: no new row (resettle)
        for o in growth.edges.keys() & rank.keys():
            j = rank[o]
            left.append(min(j, k))
            right.append(max(j, k))
            pairs.append(growth.edges[o])
        lo, hi = np.array(left, dtype=np.int64), np.array(right, dtype=np.int64)
        order = np.lexsort((hi, lo))
        scores = np.array([e.score for e in pairs], dtype=np.float64)
        copies = np.array([e.copy for e in pairs]) > 0
        spans = [growth.span if r == row else self.spans[r] for r in rows]
        copy_sets, stories, _ = settle(
            len(rows), lo[order], hi[order], scores[order], copies[order],
            self.cluster_threshold, self.pair_threshold, spans, self.tolerance,
        )
        for find, into in ((copy_sets.find, growth.group_of), (stories.find, growth.story_of)):
            first: dict[int, int] = {}
            for k, r in enumerate(rows):
                root = find(k)
                first[root] = min(first.get(root, r), r)
            for k, r in enumerate(rows):
                into[r] = first[find(k)]
        return growth

    def grow(self, growth: Growth) -> None:
        """Add the next row as ``growth`` (from :meth:`plan`, with nothing added since) says."""
        row = growth.row
        self.ids.append(growth.id)
        self.spans.append(growth.span)
        self.edges.append(dict(growth.edges))
        for o, e in growth.edges.items():
            self.edges[o][row] = e
        self.group.append(row)
        self.story.append(row)
        group = growth.group
        # The new group's sums, under its first row; its copies' sums leave. The group that
        # keeps its number (the first of its copies', where it copies) has its sums replaced
        # in place: the new sums hold every other group it had a sum with.
        members = sorted([row, *(r for g in growth.groups for r in self.group_members.pop(g))])
        self._forget_sums([g for g in growth.groups if g != group])
        if group in self.strong:
            for h in self.strong[group] - growth.strong:
                self.strong[h].discard(group)
        for h, total in growth.links.items():
            self.links[h][group] = total
        for h in growth.strong:
            self.strong[h].add(group)
        self.links[group] = dict(growth.links)
        self.strong[group] = set(growth.strong)
        self.group_members[group] = members
        for r in members:
            self.group[r] = group
        self._restory(growth.region, growth.story_of)  # whole stories, settled anew

    def link(self, pairs: Sequence[tuple[int, int, Any]],
             dropped: Sequence[tuple[int, int]] = ()) -> None:
        """Take scored pairs ``(row, other, edge)`` between rows held already (pairs not held
        yet), forget the pairs ``dropped`` (held, not copies), and settle again the stories
        that changes, as :meth:`plan` settles an article's: the groups the pairs join by copy
        merged, the sums of the groups they touch counted again, and the components of strong
        pairs those groups were in and are in now settled with :func:`settle` (past
        :data:`SETTLE_ROWS` rows, the stories they touch, and those most strongly linked to
        them as fit)."""
        if not pairs and not dropped:
            return
        touched = {self.group[r] for a, b, *_ in (*pairs, *dropped) for r in (a, b)}
        size = sum(len(self.group_members[g]) for g in touched)
        before = self._component(touched, self.strong.__getitem__, size)
        stories = {self.story[g] for g in touched}
        joined = UnionFind(len(self.story))
        for a, b in dropped:
            del self.edges[a][b], self.edges[b][a]
        for a, b, e in pairs:
            self.edges[a][b] = self.edges[b][a] = e
            if e.copy > 0:
                joined.union(self.group[a], self.group[b])
        now: dict[int, list[int]] = {}  # the touched groups, as they are after the copies
        for g in touched:
            now.setdefault(joined.find(g), []).append(g)
        for old in now.values():
            group = min(old)
            members = sorted(r for g in old for r in self.group_members.pop(g))
            self._forget_sums(old)
            self.group_members[group] = members
            self.links[group], self.strong[group] = {}, set()
            for r in members:
                self.group[r] = group
        touched = {min(old) for old in now.values()}
        for g in sorted(touched):  # the sums of each touched group, counted again
            sums: dict[int, float] = {}
            for r in self.group_members[g]:
                for o, e in self.edges[r].items():
                    h = self.group[o]
                    if h != g:
                        sums[h] = sums.get(h, 0.0) + e.score
            for h, total in sums.items():
                self.links[g][h] = self.links[h][g] = total
                if self._strong(total, len(self.group_members[g]), len(self.group_members[h])):
                    self.strong[g].add(h)
                    self.strong[h].add(g)
        size = sum(len(self.group_members[g]) for g in touched)
        after = self._component(touched, self.strong.__getitem__, size)
        if before is not None and after is not None:
            region = sorted({r for g in before | after
                             for r in self.group_members[self.group[g]]})
        else:  # too large to settle whole: the stories touched, and those linked as fit
            linked: dict[int, float] = {}
            for g in touched:
                for h in self.strong[g]:
                    linked[self.story[h]] = linked.get(self.story[h], 0.0) + self.links[g][h]
            region = [r for s in self._fill(sorted(stories), linked, 0)
                      for r in self.story_members[s]]
        growth = self._settle(Growth(-1, "", {}, NO_SPAN, [], region, {}, {}, {}, set()))
        self._restory(region, growth.story_of)  # whole stories, settled anew

    def restore(self, ids: list[str], group: list[int], story: list[int],
                edges: Iterable[tuple[int, int, Any]], spans: Sequence[Span] = ()) -> None:
        """Take back a saved state: each row's id, group and story roots, every scored pair
        ``(row, other, edge)`` and each row's confident facts (none where not given)."""
        self.ids, self.group, self.story = list(ids), list(group), list(story)
        self.spans = list(spans) or [NO_SPAN] * len(ids)
        self.edges = [{} for _ in ids]
        for roots, members in ((self.group, self.group_members), (self.story, self.story_members)):
            members.clear()
            for row, root in enumerate(roots):
                members.setdefault(root, []).append(row)
        self.links = {root: {} for root in self.group_members}
        for row, other, edge in edges:
            self.edges[row][other] = self.edges[other][row] = edge
            a, b = self.group[row], self.group[other]
            if a != b:
                self.links[a][b] = self.links[a].get(b, 0.0) + edge.score
                self.links[b][a] = self.links[b].get(a, 0.0) + edge.score
        size = {root: len(members) for root, members in self.group_members.items()}
        self.strong = {g: {h for h, total in linked.items() if self._strong(total, size[g], size[h])}
                       for g, linked in self.links.items()}

    def resettle(self, edges: Iterable[tuple[int, int, Any]]) -> None:
        """Replace every scored pair with ``edges`` (``(row, other, edge)``) and settle all
        rows from them, as the batch does."""
        growth = Growth(-1, "", {}, NO_SPAN, [], list(range(len(self.ids))), {}, {}, {}, set())
        self.restore(self.ids, list(range(len(self.ids))), list(range(len(self.ids))), edges,
                     self.spans)
        self._settle(growth)
        self.restore(self.ids, [growth.group_of[r] for r in range(len(self.ids))],
                     [growth.story_of[r] for r in range(len(self.ids))],
                     [(r, o, e) for r, mine in enumerate(self.edges) for o, e in mine.items()
                      if o < r], self.spans)


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
    pairs = ScoredPairs.of(table, exact_numbers(exact), config, keep_all=True)
    return link_scored(ids, exact, keys, pairs, weight, config)


def link_scored(
    ids: list[str], exact: list[str], keys: list[EventKey], pairs: ScoredPairs,
    weight: dict[str, float], config: Config,
) -> tuple[UnionFind, list[Link]]:
    """:func:`link_rows` on pairs scored and judged by the copy rule already (sorted, rows
    in id order): the links' evidence is read from ``pairs.detail``."""
    n = len(ids)
    _, stories, merges = settle(
        n, pairs.left, pairs.right, pairs.score, pairs.copy,
        config.cluster_threshold, config.same_event_threshold,
        [sure_span(key) for key in keys],
    )
    detail = pairs.detail
    pair_index = detail.left.astype(np.int64) * max(n, 1) + detail.right

    def link(i: int, j: int, kind: str) -> Link:
        k = int(np.searchsorted(pair_index, i * max(n, 1) + j))
        return _link(ids[i], ids[j], kind, features(detail, k, keys, weight, config))

    links = [link(i, j, EXACT if exact[i] == exact[j] else NEAR)
             for i, j in zip(pairs.left[pairs.copy].tolist(), pairs.right[pairs.copy].tolist())]
    links.extend(link(i, j, EVENT) for i, j in merges)
    links.sort(key=lambda link: (link.a, link.b))
    return stories, links


def cluster_scored(
    corpus: Corpus, keys: list[EventKey], table: PairTable | ScoredPairs,
    weight: dict[str, float], *, skipped: Sequence[Skipped] = (),
    report: Progress | None = None,
) -> ClusterResult:
    """Link and cluster the scored candidate pairs of a corpus (:func:`score_candidates`, or
    :func:`~dedup.pairs.score_lean`'s pairs): copies by :func:`dedup.copies.copy_rule`,
    stories by :func:`dedup.cluster.settle`. ``table`` is renumbered in place
    (:meth:`~dedup.pairs.PairTable.renumber`: its rows in id order), not copied, and
    :class:`ScoredPairs` are emptied once read (:meth:`~dedup.pairs.ScoredPairs.release`):
    pass a copy to keep them as they were."""
    config = corpus.config
    report = report or (lambda stage, done, total: None)
    n = len(corpus.records)
    prepared = corpus.records
    # From here on rows are in id order, so that ties between equal scores and the order of
    # the two articles in a link's evidence never depend on the input order.
    order = sorted(range(n), key=lambda i: prepared[i].id)
    rank = np.empty(n, dtype=row_dtype(n))  # the renumbered rows as narrow as they fit
    rank[order] = np.arange(n)
    pairs = table if isinstance(table, ScoredPairs) else ScoredPairs.of(
        table, exact_numbers([p.exact for p in prepared]), config, keep_all=True)
    del table
    pairs.renumber(rank)
    prepared = [prepared[i] for i in order]
    ids = [p.id for p in prepared]
    keys = [keys[i] for i in order]
    stories, links = link_scored(ids, [p.exact for p in prepared], keys, pairs, weight, config)
    pairs.release()  # read no more: not held while the result is built
    give_back_memory()  # what the linking let go of
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
