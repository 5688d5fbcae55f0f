"""``add()`` latency of the incremental index at a given size: p50 and p99 in milliseconds.

Run: ``python -m benchmarks.index_latency --sizes 10000 100000 --probe 500``

The index is filled with the speed corpus (``benchmarks.corpus.make_corpus``), then ``probe``
further articles (fresh stories and copies, as a crawler meets them) are timed one ``add()`` at a
time: wall-clock time and the process's CPU time (on a shared machine the CPU time varies
less), one thread.

``--state DIR``: the filled index is saved as ``DIR/index-<size>.sqlite`` and, when that file
is there already, loaded instead of filled (:meth:`dedup.DedupIndex.load`: the same index, in
a fraction of the time), so that large sizes and several versions of the code can be measured
on one index.

Before the timed adds the garbage collector's objects are frozen (``gc.collect(); gc.freeze()``),
as the README advises a crawler holding a large index to do after loading it: its full passes
over millions of objects are otherwise pauses of a second. ``--no-freeze`` leaves it as it is.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.corpus import make_corpus
from dedup.index import DedupIndex


def measure(size: int, probe: int, seed: int = 0, state: Path | None = None,
            freeze: bool = True) -> dict[str, float]:
    docs = make_corpus(size + probe, seed=seed)
    saved = state / f"index-{size}.sqlite" if state else None
    start = time.perf_counter()
    if saved is not None and saved.exists():
        index = DedupIndex.load(saved)
        fill = 0.0  # loaded, not filled
        index.check(docs[size])  # the gazetteer and caches load here, as a fill loads them
    else:
        index = DedupIndex()
        for doc in docs[:size]:
            index.add(doc)
        fill = time.perf_counter() - start
        if saved is not None:
            saved.parent.mkdir(parents=True, exist_ok=True)
            index.save(saved)
    if freeze:
        gc.collect()
        gc.freeze()
    wall, cpu = [], []
    for doc in docs[size:]:
        t, c = time.perf_counter(), time.process_time()
        index.add(doc)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    wall.sort()
    cpu.sort()

    def p99(times: list[float]) -> float:
        return times[min(len(times) - 1, int(0.99 * len(times)))]

    return {
        "indexed": size,
        "probe": probe,
        "fill_docs_per_s": size / fill if fill else 0.0,
        "p50_ms": statistics.median(wall),
        "p99_ms": p99(wall),
        "mean_ms": statistics.fmean(wall),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p99_ms": p99(cpu),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--probe", type=int, default=500)
    parser.add_argument("--state", type=Path, help="save the filled index here, or load it")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the garbage collector's objects unfrozen")
    args = parser.parse_args(argv)
    rows = [measure(size, args.probe, state=args.state, freeze=not args.no_freeze)
            for size in args.sizes]
    table = Table(title="DedupIndex.add() latency")
    for column in ("indexed", "probe", "fill docs/s", "p50 ms", "p99 ms", "mean ms",
                   "CPU p50 ms", "CPU p99 ms"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(f"{r['indexed']:,}", str(r["probe"]), f"{r['fill_docs_per_s']:.0f}",
                      f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", f"{r['mean_ms']:.2f}",
                      f"{r['cpu_p50_ms']:.2f}", f"{r['cpu_p99_ms']:.2f}")
    Console().print(table)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
