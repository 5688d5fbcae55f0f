"""``python -m benchmarks.labeled [FILES...]``: dedup's story clusters against the gold labels
of labeled JSONL files (default: every file in ``../shared/data/``), one line per file.

Pairwise precision/recall/F1 over all pairs, and over the pairs published at most 30 days
apart (pairs further apart left out of both gold and prediction: a follow-up months later is
a different story, as ``../shared/data/README.md`` says to score GVA); B-cubed F1 and ARI.
A quick before/after check of a change; ``python -m benchmarks run`` is the full report.

``--dense`` adds two lines that ask whether precision holds as coverage gets denser: each
dated file's densest month of publication alone (``FILE@YYYY-MM``), and the union of all the
files clustered as one corpus (``union``; gold labels kept apart per file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.metrics import all_scores
from benchmarks.sets import labeled_files, to_documents
from dedup import Config, cluster_documents
from dedup.dates import DateError, parse_published

WINDOW_DAYS = 30


def _day(value: Any) -> dt.date | None:
    try:
        return parse_published(value) if isinstance(value, str) else None
    except DateError:
        return None


def windowed_prf(
    gold: dict[str, Any], pred: dict[str, Any], days: dict[str, dt.date | None],
    window: int = WINDOW_DAYS,
) -> tuple[float, float, float]:
    """Pairwise P/R/F1 over the pairs whose publication dates are at most ``window`` days
    apart (pairs with an unknown date are kept)."""

    def pairs(labels: dict[str, Any]) -> set[tuple[str, str]]:
        groups: dict[Any, list[str]] = {}
        for doc_id, label in labels.items():
            groups.setdefault(label, []).append(doc_id)
        out = set()
        for members in groups.values():
            for a, b in itertools.combinations(sorted(members), 2):
                da, db = days.get(a), days.get(b)
                if da is None or db is None or abs((da - db).days) <= window:
                    out.add((a, b))
        return out

    g, p = pairs(gold), pairs(pred)
    hit = len(g & p)
    precision = hit / len(p) if p else 1.0
    recall = hit / len(g) if g else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a labeled JSONL file."""
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def score_file(path: Path, config: Config | None = None) -> dict[str, Any]:
    """Cluster one labeled file and score it (see the module doc)."""
    return score_records(path.name, read_records(path), config)


def densest_month(records: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]] | None:
    """The month (``YYYY-MM``) in which most records were published, and its records; None
    when no record has a date (ties: the earlier month)."""
    by_month: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        day = _day(r.get("published") or r.get("date"))
        if day is not None:
            by_month.setdefault(day.strftime("%Y-%m"), []).append(r)
    if not by_month:
        return None
    month = min(by_month, key=lambda m: (-len(by_month[m]), m))
    return month, by_month[month]


def score_records(
    name: str, records: list[dict[str, Any]], config: Config | None = None
) -> dict[str, Any]:
    """Cluster labeled records and score them against their ``cluster`` labels."""
    docs = to_documents(records)
    gold = {str(r["id"]): r["cluster"] for r in records}
    start = time.perf_counter()
    result = cluster_documents(docs, config or Config())
    seconds = time.perf_counter() - start
    pred = {m: c.id for c in result.clusters for m in c.members}
    gold = {k: v for k, v in gold.items() if k in pred}
    scores = all_scores(gold, pred)
    days = {str(r["id"]): _day(r.get("published") or r.get("date")) for r in records}
    wp, wr, wf = windowed_prf(gold, pred, days)
    return {"file": name, "docs": len(pred), "seconds": round(seconds, 2), **scores,
            "p30": wp, "r30": wr, "f1_30": wf}


def main(argv: Sequence[str] | None = None, config: Config | None = None) -> int:
    """Score the files (``config``: the configuration to run, default ``Config()``)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.labeled", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="labeled JSONL files")
    parser.add_argument("--dense", action="store_true",
                        help="also score each file's densest month and the union of the files")
    args = parser.parse_args(argv)
    files = labeled_files(args.files)
    if files is None:
        return 2
    print(f"{'file':<22}{'docs':>6}{'P':>7}{'R':>7}{'F1':>7}{'P30':>7}{'R30':>7}{'F1_30':>7}"
          f"{'B3F1':>7}{'ARI':>7}{'s':>7}")
    rows = [(path.name, read_records(path)) for path in files]
    scored = list(rows)
    if args.dense:
        for name, records in rows:
            dense = densest_month(records)
            if dense is not None:
                scored.append((f"{name.removesuffix('.jsonl')}@{dense[0]}", dense[1]))
        union = [{**r, "id": f"{name}:{r['id']}", "cluster": f"{name}:{r['cluster']}"}
                 for name, records in rows for r in records]
        scored.append(("union", union))
    for name, records in scored:
        s = score_records(name, records, config)
        print(f"{s['file']:<22}{s['docs']:>6}{s['pairwise_precision']:>7.3f}{s['pairwise_recall']:>7.3f}"
              f"{s['pairwise_f1']:>7.3f}{s['p30']:>7.3f}{s['r30']:>7.3f}{s['f1_30']:>7.3f}"
              f"{s['bcubed_f1']:>7.3f}{s['ari']:>7.3f}{s['seconds']:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
