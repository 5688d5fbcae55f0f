"""Clustering quality of :mod:`dedup` against baselines on labeled news data.

Usage::

    python -m benchmarks.quality [FILES...] [--json PATH]

Without FILES, every ``*.jsonl`` in ``../shared/data/`` (next to the repository) is used; if that
folder is absent the script says so and exits 0. Each line of a file is one article with ``id``,
``title``, ``text``, ``date``, ``source``, ``url`` and the gold event label ``cluster``.

Rows per file:

* ``dedup`` – :func:`dedup.cluster_documents` with its default configuration; gold fields are not
  passed. If the import or the call fails, the error is shown in the row.
* ``tfidf+3d window @ best`` / ``tfidf no window @ best`` – TF-IDF single link with the threshold
  that maximizes pairwise F1 on this very file (swept 0.05..0.95 step 0.025): an optimistic,
  per-dataset-tuned baseline.
* ``tfidf+3d @ one threshold for all files`` – the single threshold that maximizes the *mean*
  windowed pairwise F1 over all files of this run: tuned, but with one configuration for all data,
  the rule :mod:`dedup` itself has to follow.
* ``tfidf+3d @ 0.5 fixed`` – the same with the fixed threshold :data:`FIXED_THRESHOLD` = 0.5, a
  naive untuned guess (a "half similar" cosine), to show how much the tuning is worth.
* ``exact hash`` and ``datasketch minhash-lsh 0.8`` – duplicate detectors (lower bounds).

Article texts are read from the data folder only; nothing is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks import baselines
from benchmarks.metrics import all_scores

DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WINDOW_DAYS = 3
FIXED_THRESHOLD = 0.5
SWEEP = [round(float(t), 3) for t in np.arange(0.05, 0.95 + 1e-9, 0.025)]
WINDOWED = f"tfidf+{WINDOW_DAYS}d"
UNWINDOWED = "tfidf no window"


@dataclass
class Row:
    """One method's figures on one file."""

    method: str
    scores: dict[str, float | int] = field(default_factory=dict)
    seconds: float = 0.0
    threshold: float | None = None
    error: str | None = None


# --------------------------------------------------------------------------- loading


def load_records(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL file of labeled articles."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def gold_labels(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Gold event label per document id."""
    return {r["id"]: r["cluster"] for r in records}


def baseline_docs(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields the baselines may see (no gold labels)."""
    return [
        {"id": r["id"], "title": r.get("title"), "text": r.get("text") or "", "date": r.get("date")}
        for r in records
    ]


# --------------------------------------------------------------------------- runners


def timed(method: str, gold: dict[str, Any], run: Callable[[], dict[str, Any]]) -> Row:
    """Run a clusterer, time it and score it; an exception becomes the row's error."""
    start = time.perf_counter()
    try:
        pred = run()
    except Exception as exc:  # noqa: BLE001 - report any failure in the table
        return Row(method, seconds=time.perf_counter() - start, error=_describe(exc))
    seconds = time.perf_counter() - start
    return Row(method, all_scores(gold, pred), seconds)


def _describe(exc: BaseException) -> str:
    """One-line description of an exception with its innermost location."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_dedup(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Cluster with dedup's default configuration; return ``{doc_id: cluster_id}``."""
    from dedup import Config, Document, cluster_documents  # noqa: F401 - Config is public API

    docs = [
        Document(
            id=r["id"],
            text=r.get("text") or "",
            title=r.get("title"),
            published=r.get("date"),
            source=r.get("source"),
            url=r.get("url"),
        )
        for r in records
    ]
    result = cluster_documents(docs)
    pred: dict[str, Any] = {}
    for cluster in result.clusters:
        for member in cluster.members:
            if member in pred:
                raise ValueError(f"document {member!r} is in more than one cluster")
            pred[member] = cluster.id
    missing = {r["id"] for r in records} - pred.keys()
    if missing:
        raise ValueError(f"{len(missing)} documents are in no cluster")
    return pred


def sweep_threshold(
    docs: Sequence[dict[str, Any]],
    gold: dict[str, Any],
    similarity: np.ndarray,
    window_days: float | None,
) -> tuple[float, list[dict[str, float]]]:
    """Best-pairwise-F1 threshold over :data:`SWEEP` (lowest on ties) and the whole curve."""
    ids = [d["id"] for d in docs]
    mask = baselines.date_window_mask(docs, window_days)
    curve = []
    for threshold in SWEEP:
        pred = baselines.threshold_components(ids, similarity, threshold, mask)
        scores = all_scores(gold, pred)
        curve.append({"threshold": threshold, **scores})
    best = max(curve, key=lambda point: (point["pairwise_f1"], -point["threshold"]))
    return float(best["threshold"]), curve


def tfidf_row(
    method: str, docs: Sequence[dict[str, Any]], gold: dict[str, Any], threshold: float,
    window_days: float | None,
) -> Row:
    """Score and time one full TF-IDF single-link run (vectorizing included)."""
    row = timed(method, gold, lambda: baselines.tfidf_single_link(docs, threshold, window_days))
    row.threshold = threshold
    return row


@dataclass
class Prepared:
    """One file loaded, vectorized and swept, before its rows are run."""

    path: Path
    records: list[dict[str, Any]]
    gold: dict[str, Any]
    docs: list[dict[str, Any]]
    curves: dict[str, list[dict[str, float]]]
    best: dict[str, float]


def prepare_file(path: Path) -> Prepared:
    """Load a file and sweep TF-IDF thresholds with and without the publication window."""
    records = load_records(path)
    gold = gold_labels(records)
    docs = baseline_docs(records)
    similarity = baselines.tfidf_similarity(docs)  # computed once, thresholded per sweep step
    curves: dict[str, list[dict[str, float]]] = {}
    best: dict[str, float] = {}
    for name, window in ((WINDOWED, WINDOW_DAYS), (UNWINDOWED, None)):
        best[name], curves[name] = sweep_threshold(docs, gold, similarity, window)
    return Prepared(path, records, gold, docs, curves, best)


def joint_threshold(prepared: Sequence[Prepared]) -> float:
    """Threshold of :data:`SWEEP` with the best mean windowed pairwise F1 over all files."""
    def mean_f1(index: int) -> float:
        return float(np.mean([p.curves[WINDOWED][index]["pairwise_f1"] for p in prepared]))

    best_index = max(range(len(SWEEP)), key=lambda i: (mean_f1(i), -SWEEP[i]))
    return SWEEP[best_index]


def evaluate_file(prep: Prepared, joint: float) -> dict[str, Any]:
    """All rows (and the TF-IDF sweep curves) for one prepared file."""
    docs, gold = prep.docs, prep.gold
    rows = [
        timed("dedup (default config)", gold, lambda: run_dedup(prep.records)),
        tfidf_row(f"{WINDOWED} window @ best threshold", docs, gold, prep.best[WINDOWED],
                  WINDOW_DAYS),
        tfidf_row(f"{UNWINDOWED} @ best threshold", docs, gold, prep.best[UNWINDOWED], None),
        tfidf_row(f"{WINDOWED} @ one threshold for all files", docs, gold, joint, WINDOW_DAYS),
        tfidf_row(f"{WINDOWED} @ {FIXED_THRESHOLD} fixed", docs, gold, FIXED_THRESHOLD,
                  WINDOW_DAYS),
        timed("exact hash", gold, lambda: baselines.exact_hash(docs)),
        timed("datasketch minhash-lsh 0.8", gold, lambda: baselines.minhash_lsh(docs, 0.8)),
    ]
    return {
        "file": str(prep.path),
        "documents": len(prep.records),
        "gold_clusters": len(set(gold.values())),
        "dated_documents": sum(1 for d in docs if baselines.parse_day(d["date"]) is not None),
        "rows": [asdict(row) for row in rows],
        "sweep": prep.curves,
    }


# --------------------------------------------------------------------------- output


def render(report: dict[str, Any], console: Console) -> None:
    """Print one file's rows as a rich table, then any errors in full."""
    title = (
        f"{Path(report['file']).name}: {report['documents']} docs, "
        f"{report['gold_clusters']} gold clusters, {report['dated_documents']} dated"
    )
    table = Table(title=title)
    table.add_column("method", no_wrap=True)
    for name in ("pair P", "pair R", "pair F1", "B³ F1", "ARI", "clusters", "seconds"):
        table.add_column(name, justify="right")
    errors = []
    for row in report["rows"]:
        method = row["method"]
        if row["threshold"] is not None:
            method = method.replace("best threshold", "best")
            method = f"{method} ({row['threshold']:.3f})" if "fixed" not in method else method
        if row["error"]:
            errors.append(f"{row['method']}: {row['error']}")
            table.add_row(method, "[red]error[/red]", *[""] * 5, f"{row['seconds']:.2f}")
            continue
        s = row["scores"]
        figures = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "ari")
        table.add_row(
            method, *[f"{s[k]:.3f}" for k in figures], str(s["clusters"]), f"{row['seconds']:.2f}"
        )
    console.print(table)
    for error in errors:
        console.print(f"[red]{error}[/red]", markup=True, highlight=False)


def default_files() -> list[Path]:
    """Every ``*.jsonl`` in the shared data folder (empty if the folder is absent)."""
    return sorted(DATA_DIR.glob("*.jsonl")) if DATA_DIR.is_dir() else []


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="labeled JSONL files")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write all figures here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate every file, print tables, optionally write JSON; return the exit status."""
    args = parse_args(argv)
    console = Console()
    if not console.is_terminal:
        console = Console(width=max(console.width, 120))
    files = args.files or default_files()
    if not files:
        console.print(f"No labeled data: {DATA_DIR} is absent or holds no *.jsonl; nothing to do.")
        return 0
    prepared = [prepare_file(path) for path in files]
    joint = joint_threshold(prepared)
    reports = []
    for prep in prepared:
        report = evaluate_file(prep, joint)
        render(report, console)
        reports.append(report)
    console.print(
        f"Thresholds swept {SWEEP[0]}..{SWEEP[-1]} step 0.025; 'best' is tuned per file on its "
        f"gold labels (optimistic); one threshold for all files: {joint:.3f}."
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"joint_threshold": joint, "window_days": WINDOW_DAYS, "files": reports}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        console.print(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
