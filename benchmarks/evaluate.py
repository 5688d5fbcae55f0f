"""Score :mod:`dedup` and the baselines on labeled sets, per tier, and sweep the thresholds.

For each set (:class:`benchmarks.sets.LabeledSet`) and method:

* **stories**: pairwise P/R/F1, B-cubed and ARI of the predicted story clusters against the gold
  stories (:func:`benchmarks.metrics.all_scores`);
* **copies**: the same against the gold duplicate groups, where the set has them; dedup's
  prediction is its duplicate groups (``result.clusters[*].groups``), a baseline's its one
  labeling;
* **tiers** (dedup only): per link kind, how many of ``result.links`` are right. An exact or
  near-duplicate link is right when it joins copies of one text (gold duplicate groups); where
  the set has none, when it joins one gold event, an upper bound (``basis: "events"``). A
  same-event link is right when it joins documents of one gold event.

Baselines, one setting for all sets: exact hash; datasketch MinHash-LSH (word 5-shingles,
128 permutations, threshold 0.8); TF-IDF cosine single link within a 3-day publication window
at the fixed threshold :data:`benchmarks.baselines.TFIDF_THRESHOLD` (0.25).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from benchmarks import baselines, quality
from benchmarks.metrics import all_scores
from benchmarks.sets import LabeledSet
from benchmarks.syndicate import jaccard_pairs
from dedup import ClusterResult, Config, cluster_documents

TFIDF_THRESHOLD = baselines.TFIDF_THRESHOLD
TFIDF_WINDOW_DAYS = baselines.TFIDF_WINDOW_DAYS
MINHASH_THRESHOLD = 0.8
MINHASH_PERMS = 128
SHINGLE = 5

NEAR_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
EVENT_SCALES = (0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 2.0)
QUICK_NEAR_THRESHOLDS = (0.3, 0.5, 0.7, 0.9)
QUICK_EVENT_SCALES = (0.5, 0.75, 1.0, 1.5)

DEDUP = "dedup"
EXACT_HASH = "exact hash"
MINHASH = f"minhash-lsh {MINHASH_THRESHOLD}"
TFIDF = f"tfidf {TFIDF_THRESHOLD} +{TFIDF_WINDOW_DAYS}d"
METHODS = (DEDUP, EXACT_HASH, MINHASH, TFIDF)
TIERS = ("exact", "near-duplicate", "same-event")


@dataclass
class MethodScores:
    """One method on one set."""

    method: str
    seconds: float
    stories: dict[str, float] = field(default_factory=dict)
    copies: dict[str, float] | None = None
    tiers: dict[str, dict[str, Any]] | None = None
    error: str | None = None


# --------------------------------------------------------------------------- dedup


def predictions(result: ClusterResult) -> tuple[dict[str, str], dict[str, str]]:
    """``(story, group)`` label of every document: its cluster id, and the smallest id of its
    duplicate group."""
    stories: dict[str, str] = {}
    groups: dict[str, str] = {}
    for cluster in result.clusters:
        for member in cluster.members:
            stories[member] = cluster.id
        for group in cluster.groups:
            for member in group:
                groups[member] = min(group)
    return stories, groups


def tier_precision(result: ClusterResult, stories: Mapping[str, Hashable],
                   copies: Mapping[str, Hashable] | None,
                   sites: Mapping[str, str | None] | None = None) -> dict[str, dict[str, Any]]:
    """Per link kind: ``links``, ``correct``, ``precision`` (``None`` without links), the
    ``basis`` of correctness (``copies`` or ``events``) and, given each document's site,
    ``wrong_same_site``: wrong links between two pages of one site (where chrome is shared)."""
    out: dict[str, dict[str, Any]] = {}
    for kind in TIERS:
        links = [link for link in result.links if link.kind == kind]
        truth, basis = (copies, "copies") if kind != "same-event" and copies else (
            stories, "events")
        wrong = [link for link in links if truth[link.a] != truth[link.b]]
        correct = len(links) - len(wrong)
        out[kind] = {"links": len(links), "correct": correct, "basis": basis,
                     "precision": correct / len(links) if links else None}
        if sites is not None:
            out[kind]["wrong_same_site"] = sum(
                1 for link in wrong if sites.get(link.a) and sites.get(link.a) == sites.get(link.b))
    return out


def run_dedup(labeled: LabeledSet, config: Config | None = None) -> tuple[ClusterResult, float]:
    """:func:`dedup.cluster_documents` on the set; the result and its seconds."""
    start = time.perf_counter()
    result = cluster_documents(labeled.documents, config or Config())
    return result, time.perf_counter() - start


def score_dedup(labeled: LabeledSet, result: ClusterResult, seconds: float) -> MethodScores:
    """All figures of one dedup result on its set."""
    stories, groups = predictions(result)
    copies = all_scores(labeled.copies, groups) if labeled.copies else None
    return MethodScores(DEDUP, seconds, all_scores(labeled.stories, stories), copies,
                        tier_precision(result, labeled.stories, labeled.copies, labeled.sites))


# --------------------------------------------------------------------------- baselines


def baseline_runs() -> dict[str, Callable[[list[dict[str, Any]]], dict[str, Any]]]:
    """The baselines, each ``records -> {id: label}``."""
    return {
        EXACT_HASH: baselines.exact_hash,
        MINHASH: lambda docs: baselines.minhash_lsh(docs, MINHASH_THRESHOLD, MINHASH_PERMS,
                                                    SHINGLE),
        TFIDF: lambda docs: baselines.tfidf_single_link(docs, TFIDF_THRESHOLD,
                                                        TFIDF_WINDOW_DAYS),
    }


def score_baseline(labeled: LabeledSet, method: str,
                   run: Callable[[list[dict[str, Any]]], dict[str, Any]]) -> MethodScores:
    """Run one baseline on the set and score its one labeling at both levels."""
    start = time.perf_counter()
    try:
        pred = run(labeled.records)
    except Exception as exc:  # noqa: BLE001 - shown in the report, the run goes on
        return MethodScores(method, time.perf_counter() - start, error=quality._describe(exc))
    seconds = time.perf_counter() - start
    copies = all_scores(labeled.copies, pred) if labeled.copies else None
    return MethodScores(method, seconds, all_scores(labeled.stories, pred), copies)


def evaluate_set(labeled: LabeledSet, result: ClusterResult | None = None,
                 seconds: float = 0.0) -> list[MethodScores]:
    """dedup (default configuration, or the ``result`` given) and every baseline on one set."""
    try:
        if result is None:
            result, seconds = run_dedup(labeled)
        rows = [score_dedup(labeled, result, seconds)]
    except Exception as exc:  # noqa: BLE001 - shown in the report, the run goes on
        rows = [MethodScores(DEDUP, 0.0, error=quality._describe(exc))]
    rows += [score_baseline(labeled, name, run) for name, run in baseline_runs().items()]
    return rows


# --------------------------------------------------------------------------- sweeps


def event_config(scale: float) -> Config:
    """The default configuration with the same-event and cluster thresholds scaled together
    (capped at 1.0)."""
    base = Config()
    return replace(base, same_event_threshold=min(1.0, base.same_event_threshold * scale),
                   cluster_threshold=min(1.0, base.cluster_threshold * scale))


def _point(setting: dict[str, float], scores: Mapping[str, float],
           tiers: Mapping[str, Any], kind: str, seconds: float) -> dict[str, Any]:
    """One point of a curve: the setting, pairwise P/R/F1, B³ F1, ARI and tier precision."""
    keys = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "ari")
    return {**setting, **{k: scores[k] for k in keys}, "links": tiers[kind]["links"],
            "link_precision": tiers[kind]["precision"], "seconds": seconds}


def near_duplicate_curve(labeled: LabeledSet, thresholds: Sequence[float],
                         cache: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
    """dedup's duplicate groups against the gold copies as ``near_duplicate_threshold``
    moves."""
    assert labeled.copies, "a near-duplicate curve needs gold duplicate groups"
    points = []
    for t in thresholds:
        result, seconds = cached_run(labeled, replace(Config(), near_duplicate_threshold=t),
                                     cache)
        _, groups = predictions(result)
        tiers = tier_precision(result, labeled.stories, labeled.copies)
        points.append(_point({"threshold": t}, all_scores(labeled.copies, groups), tiers,
                             "near-duplicate", seconds))
    return points


def story_point(labeled: LabeledSet, setting: dict[str, float], config: Config,
                cache: dict[Any, Any] | None = None) -> dict[str, Any]:
    """dedup's story clusters under ``config`` against the gold stories, as one curve point."""
    result, seconds = cached_run(labeled, config, cache)
    stories, _ = predictions(result)
    tiers = tier_precision(result, labeled.stories, labeled.copies)
    setting = {**setting, "same_event_threshold": config.same_event_threshold,
               "cluster_threshold": config.cluster_threshold}
    return _point(setting, all_scores(labeled.stories, stories), tiers, "same-event", seconds)


def same_event_curve(labeled: LabeledSet, scales: Sequence[float],
                     cache: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
    """dedup's story clusters against the gold stories as the same-event and cluster thresholds
    move together (``scale`` × their defaults)."""
    return [story_point(labeled, {"scale": s}, event_config(s), cache) for s in scales]


def cached_run(labeled: LabeledSet, config: Config,
               cache: dict[Any, Any] | None) -> tuple[ClusterResult, float]:
    """:func:`run_dedup`, remembered per (set, configuration) in ``cache`` when given."""
    if cache is None:
        return run_dedup(labeled, config)
    key = (labeled.name, config)
    if key not in cache:
        cache[key] = run_dedup(labeled, config)
    return cache[key]


def tfidf_curve(labeled: LabeledSet) -> list[dict[str, Any]]:
    """The TF-IDF baseline's story P/R as its threshold moves (one similarity matrix,
    :func:`benchmarks.quality.sweep_threshold`, 3-day window)."""
    records = labeled.records
    similarity = baselines.tfidf_similarity(records)
    _, curve = quality.sweep_threshold(records, labeled.stories, similarity, TFIDF_WINDOW_DAYS)
    return [{k: p[k] for k in ("threshold", "pairwise_precision", "pairwise_recall",
                               "pairwise_f1")} for p in curve]


def jaccard_curve(labeled: LabeledSet, thresholds: Sequence[float]) -> list[dict[str, Any]]:
    """Exact word 5-shingle Jaccard single link against the gold copies as its threshold moves:
    what MinHash-LSH estimates, without estimation error."""
    assert labeled.copies, "a copy curve needs gold duplicate groups"
    records = labeled.records
    ids = [r["id"] for r in records]
    pairs = jaccard_pairs([r["text"] for r in records], min(thresholds), SHINGLE)
    scores = np.array([s for _, _, s in pairs])
    points = []
    for t in thresholds:
        edges = [(i, j) for (i, j, _), s in zip(pairs, scores) if s >= t]
        scores_t = all_scores(labeled.copies, baselines.components_from_edges(ids, edges))
        points.append({"threshold": t, **{k: scores_t[k] for k in (
            "pairwise_precision", "pairwise_recall", "pairwise_f1")}})
    return points


def as_dicts(rows: Sequence[MethodScores]) -> list[dict[str, Any]]:
    """Rows as plain dicts for JSON."""
    return [asdict(row) for row in rows]
