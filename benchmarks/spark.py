"""Documents per second of the Spark engine beside the default engine, on one machine.

    python -m benchmarks.spark [--docs 20000] [--master local[2]] [--partitions N] [--seed 0]

Builds a synthetic corpus (:func:`benchmarks.corpus.make_corpus`: about 5 % exact copies,
20 % syndicated near-duplicates, 3-4 KB articles), clusters it with the default engine
(``jobs=1`` and one process per core) and with :func:`dedup.spark.cluster_spark` on
``--master``, checks that the three JSON documents are equal, and prints documents per
second of each, wall clock and CPU time, and the ratios to the default engine in one
process, measured in the same run. The CPU time is that of this process and all its
descendants (the JVM and Spark's Python workers, the default engine's worker processes),
read from ``/proc`` (Linux): on a shared machine it is the steadier figure.
Spark's start-up (the JVM, about 10 s) is outside the timed call; a warm-up run on a few
hundred documents comes first, so that the Python workers are started.
"""

from __future__ import annotations

import argparse
import os
import time

from benchmarks.corpus import make_corpus
from dedup.pipeline import cluster_documents
from dedup.report import to_json
from dedup.workers import available_cores


def tree_cpu() -> float:
    """CPU seconds (user and system) of this process and its descendants, with what their
    ended children used (Linux ``/proc``; 0.0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parent[pid] = int(fields[1])
        times[pid] = sum(int(v) for v in fields[11:15]) / tick
    mine, total = {os.getpid()}, 0.0
    changed = True
    while changed:
        changed = False
        for pid, ppid in parent.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                changed = True
    for pid in mine:
        total += times.get(pid, 0.0)
    return total


def shuffle_bytes(spark) -> dict[str, int]:
    """Bytes written to shuffles by the stages of each dedup stage (job description), from
    Spark's monitoring API (the UI's REST endpoint; empty without the UI)."""
    import json
    from urllib.request import urlopen

    url = spark.sparkContext.uiWebUrl
    if not url:
        return {}
    app = spark.sparkContext.applicationId
    try:
        with urlopen(f"{url}/api/v1/applications/{app}/stages?status=complete", timeout=30) as f:
            stages = json.load(f)
    except OSError:
        return {}
    out: dict[str, int] = {}
    for stage in stages:
        name = stage.get("description") or stage.get("name", "?")
        out[name] = out.get(name, 0) + int(stage.get("shuffleWriteBytes", 0))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=None,
                        help="the most partitions of a stage (default: the engine's, one per "
                             "2,000 documents)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-parallel", action="store_true",
                        help="leave out the default engine with a process per core")
    args = parser.parse_args(argv)

    from dedup.spark import cluster_spark, spark_session

    docs = make_corpus(args.docs, seed=args.seed)
    spark = spark_session(args.master)
    parts = args.partitions
    cluster_spark(spark, docs[:300], partitions=parts)  # warm-up: workers started

    rows: list[tuple[str, float, float]] = []
    outputs = {}
    stats: dict[str, int] = {}
    runs = [("default, jobs=1", lambda: cluster_documents(docs, jobs=1))]
    if not args.no_parallel:
        runs.append((f"default, jobs={available_cores()}",
                     lambda: cluster_documents(docs, jobs=None)))
    runs.append((f"spark {args.master}, partitions {parts or 'by size'}",
                 lambda: cluster_spark(spark, docs, partitions=parts, stats=stats)))
    before: dict[str, int] = {}
    for name, run in runs:
        if name.startswith("spark"):
            before = shuffle_bytes(spark)
        start, cpu = time.perf_counter(), tree_cpu()
        result = run()
        seconds, cpu = time.perf_counter() - start, tree_cpu() - cpu
        outputs[name] = to_json(result)
        del result
        rows.append((name, seconds, cpu))
        if len(rows) == 1:
            print(f"{args.docs:,} documents (benchmarks.corpus, seed {args.seed})")
            print(f"{'engine':<34} {'wall s':>8} {'docs/s':>7} {'CPU s':>8} {'docs/CPU s':>10} "
                  f"{'CPU vs jobs=1':>13}")
        print(f"{name:<34} {seconds:>8.1f} {args.docs / seconds:>7.0f} {cpu:>8.1f} "
              f"{args.docs / max(cpu, 1e-9):>10.0f} {cpu / max(rows[0][2], 1e-9):>12.2f}x",
              flush=True)
    print("spark:", ", ".join(f"{k} {v:,}" for k, v in stats.items()))
    after = shuffle_bytes(spark)
    for stage, size in after.items():
        if size - before.get(stage, 0):
            print(f"  shuffle written, {stage}: {(size - before.get(stage, 0)) / 1e6:,.1f} MB")
    same = len(set(outputs.values())) == 1
    print(f"JSON of the {len(rows)} runs:", "equal" if same else "DIFFERENT")
    spark.stop()
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
