"""``python -m benchmarks run``: quality per tier and speed, dedup beside its baselines.

Steps, each logged on stderr:

1. the sets (:mod:`benchmarks.sets`): every labeled JSONL file, the seeds, a syndication set;
2. dedup (default configuration) and the baselines on every set (:mod:`benchmarks.evaluate`);
3. threshold sweeps: the near-duplicate threshold on the syndication set, the same-event and
   cluster thresholds (scaled together) on the labeled sets, with the baselines' curves;
4. speed and peak memory at 1,000 and 10,000 documents (100,000 with ``--with-100k``), each
   method in its own process (:mod:`benchmarks.speed`);
5. the report (:mod:`benchmarks.report`): tables on the terminal, and
   ``<out>/<YYYY-MM-DD>.json``, ``.md`` and PNG plots (``<YYYY-MM-DD>-quick.*`` with
   ``--quick``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks import baselines, evaluate, report, speed
from benchmarks.sets import REPO, LabeledSet, all_sets, default_files

DEFAULT_OUT = REPO / "benchmarks" / "results"
BASES, QUICK_BASES = 400, 120
SIZES, QUICK_SIZES, BIG = (1000, 10000), (1000,), 100000

Log = Callable[[str], None]


def environment() -> dict[str, Any]:
    """The machine and the code the figures were measured on."""
    import dedup

    env = speed.environment()
    env["dedup"] = dedup.__version__
    env["commit"] = _git("rev-parse", "--short", "HEAD")
    if env["commit"] and _git("status", "--porcelain", "--untracked-files=no"):
        env["commit"] += " (with uncommitted changes)"
    return env


def _git(*args: str) -> str | None:
    """Output of a git command in the repository, or ``None``."""
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                              timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


# --------------------------------------------------------------------------- quality


def quality_section(sets: Sequence[LabeledSet], quick: bool, log: Log
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every method on every set, then the threshold sweeps; ``(quality, curves)``."""
    cache: dict[Any, Any] = {}
    quality: dict[str, Any] = {}
    for labeled in sets:
        log(f"quality: {labeled.name} ({len(labeled.documents)} docs)")
        result, seconds = evaluate.cached_run(labeled, evaluate.Config(), cache)
        quality[labeled.name] = evaluate.as_dicts(
            evaluate.evaluate_set(labeled, result, seconds))
    return quality, sweeps(sets, quality, quick, cache, log)


def sweeps(sets: Sequence[LabeledSet], quality: dict[str, Any], quick: bool,
           cache: dict[Any, Any], log: Log) -> dict[str, Any]:
    """The near-duplicate sweep on the set with gold copies, the same-event sweep on the
    others, each beside its baselines."""
    near = evaluate.QUICK_NEAR_THRESHOLDS if quick else evaluate.NEAR_THRESHOLDS
    scales = evaluate.QUICK_EVENT_SCALES if quick else evaluate.EVENT_SCALES
    curves: dict[str, Any] = {"same_event": {}}
    labeled_files = [s for s in sets if s.name not in ("seeds", "syndication")]
    for labeled in sets:
        if labeled.name == "seeds" and labeled_files:
            continue  # five documents, one gold pair: no curve to speak of
        if labeled.copies:
            log(f"sweep: near-duplicate threshold on {labeled.name} ({len(near)} points)")
            rows = {row["method"]: row for row in quality[labeled.name]}
            curves["near_duplicate"] = {
                "set": labeled.name,
                "dedup": evaluate.near_duplicate_curve(labeled, near, cache),
                "jaccard": evaluate.jaccard_curve(labeled, near),
                "points": {name: rows[name]["copies"] for name in (evaluate.MINHASH,
                           evaluate.EXACT_HASH) if rows.get(name, {}).get("copies")},
            }
        else:
            log(f"sweep: same-event thresholds on {labeled.name} ({len(scales)} points)")
            curves["same_event"][labeled.name] = {
                "dedup": evaluate.same_event_curve(labeled, scales, cache),
                "tfidf": evaluate.tfidf_curve(labeled),
            }
    return curves


# --------------------------------------------------------------------------- speed


def speed_section(sizes: Sequence[int], log: Log) -> dict[str, Any]:
    """:func:`benchmarks.speed.run_size` for every size, every method in its own process."""
    from benchmarks.corpus import make_corpus_with_info

    options = speed.parse_args([])
    out: dict[str, Any] = {"options": {"loop_sample": options.loop_sample,
                                       "bulk_sample": options.bulk_sample,
                                       "tfidf_sample": options.tfidf_sample}, "sizes": {}}
    for n in sizes:
        _, info = make_corpus_with_info(n, seed=options.seed)
        load = os.getloadavg()[0]  # other work on the machine skews every figure
        rows = speed.run_size(n, speed.METHOD_ORDER, options, lambda msg: log(f"speed: {msg}"))
        out["sizes"][str(n)] = {"corpus": info, "load_before": load,
                                "load_after": os.getloadavg()[0],
                                "methods": [asdict(r) for r in rows]}
    return out


# --------------------------------------------------------------------------- entry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m benchmarks run``."""
    parser.add_argument("files", nargs="*", type=Path,
                        help="labeled JSONL files (default: ../shared/data/*.jsonl when present)")
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_BASES} syndication bases, 4-point sweeps, speed at 1,000 "
                             "docs only (about a minute)")
    parser.add_argument("--with-100k", action="store_true",
                        help="also time 100,000 documents (several more minutes)")
    parser.add_argument("--no-speed", action="store_true", help="quality only")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for the JSON, Markdown and PNG files "
                             "(default: benchmarks/results)")
    parser.add_argument("--seed", type=int, default=0, help="syndication seed (default 0)")


def collect(args: argparse.Namespace, log: Log) -> dict[str, Any]:
    """Run everything the options ask for; the results dict of :mod:`benchmarks.report`."""
    start = time.perf_counter()
    files = args.files or default_files()
    if not files:
        log("no labeled JSONL files (../shared/data is absent): seeds and synthetic bases only")
    sets = all_sets(files, QUICK_BASES if args.quick else BASES, args.seed)
    quality, curves = quality_section(sets, args.quick, log)
    sizes = list(QUICK_SIZES if args.quick else SIZES) + ([BIG] if args.with_100k else [])
    results = {
        "schema": 1,
        "date": date.today().isoformat(),
        "quick": args.quick,
        "environment": environment(),
        "config": asdict(evaluate.Config()),
        "baselines": {"tfidf_threshold": baselines.TFIDF_THRESHOLD,
                      "tfidf_window_days": baselines.TFIDF_WINDOW_DAYS,
                      "minhash_threshold": evaluate.MINHASH_THRESHOLD,
                      "minhash_perms": evaluate.MINHASH_PERMS, "shingle": evaluate.SHINGLE},
        "sets": [s.summary() for s in sets],
        "quality": quality,
        "curves": curves,
        "speed": {} if args.no_speed else speed_section(sizes, log),
    }
    results["seconds"] = time.perf_counter() - start
    return results


def main(args: argparse.Namespace) -> int:
    """Run, print the tables, write the report files; exit status 0."""
    console = Console(width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True)
    results = collect(args, lambda msg: err.print(f"[dim]{msg}[/dim]"))
    for table in report.terminal_tables(results):
        console.print(table)
    stem = results["date"] + ("-quick" if args.quick else "")
    for path in report.write_report(results, args.out, stem):
        console.print(f"wrote {path}")
    return 0
