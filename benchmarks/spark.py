"""Documents per second of the Spark engine beside the default engine, on one machine.

    python -m benchmarks.spark [--docs 20000] [--master local[2]] [--partitions N] [--seed 0]

Builds a synthetic corpus (:func:`benchmarks.corpus.make_corpus`: about 5 % exact copies,
20 % syndicated near-duplicates, 3-4 KB articles), clusters it with the default engine
(``jobs=1`` and one process per core) and with :func:`dedup.spark.cluster_spark` on
``--master``, checks that the three JSON documents are equal, and prints documents per
second of each (wall clock: Spark's work is in other processes, so this process's CPU time
says nothing) and the ratios to the default engine in one process, measured in the same run.
Spark's start-up (the JVM, about 10 s) is outside the timed call; a warm-up run on a few
hundred documents comes first, so that the Python workers are started.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.corpus import make_corpus
from dedup.pipeline import cluster_documents
from dedup.report import to_json
from dedup.workers import available_cores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=None,
                        help="partitions of every stage (default: 4 per core of the master)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from dedup.spark import cluster_spark, spark_session

    docs = make_corpus(args.docs, seed=args.seed)
    spark = spark_session(args.master)
    parts = args.partitions or 4 * spark.sparkContext.defaultParallelism
    cluster_spark(spark, docs[:300], partitions=parts)  # warm-up: workers started

    rows: list[tuple[str, float]] = []
    outputs = {}
    for name, run in (
        ("default, jobs=1", lambda: cluster_documents(docs, jobs=1)),
        (f"default, jobs={available_cores()}", lambda: cluster_documents(docs, jobs=None)),
        (f"spark {args.master}, {parts} partitions",
         lambda: cluster_spark(spark, docs, partitions=parts)),
    ):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        outputs[name] = to_json(result)
        rows.append((name, seconds))
        if len(rows) == 1:
            print(f"{args.docs:,} documents (benchmarks.corpus, seed {args.seed})")
            print(f"{'engine':<40} {'seconds':>9} {'docs/s':>9} {'vs jobs=1':>10}")
        print(f"{name:<40} {seconds:>9.1f} {args.docs / seconds:>9.0f} "
              f"{rows[0][1] / seconds:>9.2f}x", flush=True)
    same = len(set(outputs.values())) == 1
    print("JSON of the three runs:", "equal" if same else "DIFFERENT")
    spark.stop()
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
