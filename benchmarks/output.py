"""Share of a clustering run taken by the JSON output: the json module against
dedup.report's writer (orjson), three rounds each, on one clustering of FILE.

Usage::

    python -m benchmarks.output FILE.jsonl
"""

from __future__ import annotations

import json
import sys
import time

from dedup import report
from dedup.loaders import load
from dedup.pipeline import cluster_documents


def main(path: str) -> None:
    t0 = time.perf_counter()
    docs, skipped = load(path)
    t1 = time.perf_counter()
    result = cluster_documents(docs, skipped=skipped)
    t2 = time.perf_counter()
    run = t2 - t0
    print(f"{len(docs)} docs: load {t1-t0:.2f}s cluster {t2-t1:.2f}s")
    with open("/dev/null", "w") as null:
        for rnd in range(3):
            a = time.perf_counter()
            null.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True, indent=2) + "\n")
            b = time.perf_counter()
            null.write(report.to_json(result) + "\n")
            c = time.perf_counter()
            for r in report.jsonl_records(result):
                null.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
            d = time.perf_counter()
            report.write_jsonl(result, null)
            e = time.perf_counter()
            print(f"round {rnd}: json: json module {b-a:.2f}s ({(b-a)/(run+b-a):.1%} of the run), orjson {c-b:.2f}s ({(c-b)/(run+c-b):.1%}); "
                  f"jsonl: json module {d-c:.2f}s, orjson {e-d:.2f}s")


if __name__ == "__main__":
    main(sys.argv[1])
