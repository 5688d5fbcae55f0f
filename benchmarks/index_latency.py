"""``add()`` latency of the incremental index at a given size: p50 and p99 in milliseconds.

Run: ``python -m benchmarks.index_latency --sizes 10000 100000 --probe 500``

The index is filled with the speed corpus (``benchmarks.corpus.make_corpus``), then ``probe``
further articles (fresh stories and copies, as a crawler meets them) are timed one ``add()`` at a
time. Wall-clock time on this machine, one thread.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.corpus import make_corpus
from dedup.index import DedupIndex


def measure(size: int, probe: int, seed: int = 0) -> dict[str, float]:
    docs = make_corpus(size + probe, seed=seed)
    index = DedupIndex()
    start = time.perf_counter()
    for doc in docs[:size]:
        index.add(doc)
    fill = time.perf_counter() - start
    times = []
    for doc in docs[size:]:
        t = time.perf_counter()
        index.add(doc)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "indexed": size,
        "probe": probe,
        "fill_docs_per_s": size / fill if fill else 0.0,
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(0.99 * len(times)))],
        "mean_ms": statistics.fmean(times),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--probe", type=int, default=500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = [measure(size, args.probe) for size in args.sizes]
    table = Table(title="DedupIndex.add() latency")
    for column in ("indexed", "probe", "fill docs/s", "p50 ms", "p99 ms", "mean ms"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(f"{r['indexed']:,}", str(r["probe"]), f"{r['fill_docs_per_s']:.0f}",
                      f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['mean_ms']:.2f}")
    Console().print(table)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
