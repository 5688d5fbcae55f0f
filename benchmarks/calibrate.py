"""``python -m benchmarks calibrate FILE.jsonl [...]``: which thresholds suit this labeled news?

Each file holds one article per line with a gold event label ``cluster`` (the format of
``../shared/data/*.jsonl``). Three sweeps, each printed as a table of the precision/recall
trade-off, with the setting it recommends: the highest pairwise F1, ties (F1 equal to three
decimals) broken toward the default.

1. **same-event tier**: ``same_event_threshold`` and ``cluster_threshold`` scaled together
   (× their defaults), story clusters against each file's gold events; the F1 that decides is
   the mean over the files (one configuration for all data);
2. **cluster threshold alone**, at the recommended ``same_event_threshold``;
3. **near-duplicate tier**: ``near_duplicate_threshold``, duplicate groups against gold copies.
   The files label events, not copies, so this sweep runs on a syndication set made from the
   files' own articles (:mod:`benchmarks.syndicate`), where the copies are known.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import evaluate
from benchmarks.sets import LabeledSet, jsonl_set, syndication_set
from dedup import Config

SCALES = (0.5, 0.625, 0.75, 0.875, 1.0, 1.125, 1.25, 1.5, 1.75, 2.0)
CLUSTER_RATIOS = (0.6, 0.8, 1.0, 1.2, 1.4)


def recommend(points: Sequence[dict[str, Any]], key: str, default: float,
              f1: str = "pairwise_f1") -> dict[str, Any]:
    """The point of highest ``f1`` (to three decimals), the nearest to ``default`` on ties."""
    return max(points, key=lambda p: (round(p[f1], 3), -abs(p[key] - default)))


def _table(title: str, settings: Sequence[str], points: Sequence[dict[str, Any]],
           best: dict[str, Any], files: Sequence[str] = ()) -> Table:
    """A sweep as a rich table; the recommended row is marked."""
    table = Table(title=title)
    mean = " (mean)" if files else ""
    for name in [*settings, *(f"{f} F1" for f in files), f"P{mean}", f"R{mean}", f"F1{mean}",
                 "link P", ""]:
        table.add_column(name, justify="right", no_wrap=True)
    for p in points:
        per_file = [f"{q['pairwise_f1']:.3f}" for q in p.get("files", [])]
        link_p = p.get("link_precision")
        table.add_row(
            *(f"{p[s]:g}" for s in settings), *per_file, f"{p['pairwise_precision']:.3f}",
            f"{p['pairwise_recall']:.3f}", f"{p['pairwise_f1']:.3f}",
            "-" if link_p is None else f"{link_p:.3f}", "◀ recommended" if p is best else "",
        )
    return table


def mean_point(setting: dict[str, float], points: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Several files' points of one setting as one: mean P, R, F1 and link precision."""
    def mean(key: str) -> float | None:
        values = [p[key] for p in points if p[key] is not None]
        return sum(values) / len(values) if values else None

    keys = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "link_precision")
    return {**setting, **{k: mean(k) for k in keys}, "files": list(points)}


def event_sweep(sets: Sequence[LabeledSet], configs: Sequence[tuple[dict[str, float], Config]],
                cache: dict[Any, Any] | None = None) -> list[dict[str, Any]]:
    """Mean story scores over the files for each ``(setting, config)``."""
    return [mean_point({**setting, "same_event_threshold": c.same_event_threshold,
                        "cluster_threshold": c.cluster_threshold},
                       [evaluate.story_point(s, setting, c, cache) for s in sets])
            for setting, c in configs]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m benchmarks calibrate``."""
    parser.add_argument("files", nargs="+", type=Path, help="labeled JSONL files (`cluster` field)")
    parser.add_argument("--bases", type=int, default=300,
                        help="articles the near-duplicate syndication set is made from "
                             "(default 300)")
    parser.add_argument("--seed", type=int, default=0, help="syndication seed (default 0)")


def main(args: argparse.Namespace) -> int:
    """Run the three sweeps, print their tables and the recommended setting."""
    console = Console(width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True)
    sets = [jsonl_set(path) for path in args.files]
    names = [s.name for s in sets]
    default = Config()
    cache: dict[Any, Any] = {}  # runs shared by the two same-event sweeps

    err.print("[dim]same-event thresholds, scaled together ...[/dim]")
    scaled = event_sweep(sets, [({"scale": k}, evaluate.event_config(k)) for k in SCALES],
                         cache)
    best_scale = recommend(scaled, "scale", 1.0)
    console.print(_table("same-event tier: both thresholds × scale (mean over files)",
                         ("scale", "same_event_threshold", "cluster_threshold"), scaled,
                         best_scale, names))

    err.print("[dim]cluster threshold alone ...[/dim]")
    chosen = evaluate.event_config(best_scale["scale"])
    ratios = [({"ratio": r}, replace(chosen, cluster_threshold=min(
        1.0, chosen.cluster_threshold * r))) for r in CLUSTER_RATIOS]
    alone = event_sweep(sets, ratios, cache)
    best_cluster = recommend(alone, "ratio", 1.0)
    console.print(_table(f"cluster_threshold alone at same_event_threshold "
                         f"{chosen.same_event_threshold:g}", ("ratio", "cluster_threshold"),
                         alone, best_cluster, names))

    err.print("[dim]near-duplicate threshold on a syndication set of these articles ...[/dim]")
    syndicated = syndication_set(sets, args.bases, args.seed)
    near = evaluate.near_duplicate_curve(syndicated, evaluate.NEAR_THRESHOLDS)
    best_near = recommend(near, "threshold", default.near_duplicate_threshold)
    console.print(_table(f"near-duplicate tier: duplicate groups, syndication set of "
                         f"{len(syndicated.documents)} docs", ("threshold",), near, best_near))

    console.print(
        "recommended: "
        f"--near-duplicate-threshold {best_near['threshold']:g} "
        f"--same-event-threshold {best_cluster['same_event_threshold']:g} "
        f"--cluster-threshold {best_cluster['cluster_threshold']:g}  "
        f"(defaults {default.near_duplicate_threshold:g}, {default.same_event_threshold:g}, "
        f"{default.cluster_threshold:g}; mean story F1 {best_cluster['pairwise_f1']:.3f}, "
        f"copy F1 {best_near['pairwise_f1']:.3f})",
        highlight=False,
    )
    return 0
