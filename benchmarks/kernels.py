"""What each compiled kernel buys: the whole run with the kernel switched off, against all on.

Usage::

    python -m benchmarks.kernels FILE.jsonl [...] [--repeat 5] [--off scan name_runs,run_parts]
    python -m benchmarks.kernels FILE.jsonl --callgrind        # instruction counts instead

Each setting is one fresh process that loads the file (not timed), warms up on a small
corpus (not timed: the gazetteer loads), then runs :func:`dedup.cluster_documents` on every
document, with ``DEDUP_PURE_PYTHON`` naming the kernels switched off (see
:mod:`dedup._compiled`). The settings are interleaved, ``--repeat`` rounds of all of them in
turn, so a slow phase of a shared machine slows every setting alike; the ratio is the median
over rounds of (time with the kernel off) / (time with all on) in the same round, on the CPU
time of the process (user + system), with the wall time beside it.

``--callgrind`` runs each setting once under ``valgrind --tool=callgrind`` and counts the
instructions of the same :func:`dedup.cluster_documents` call instead (instrumentation is
switched on around that call alone, through a few lines of C built with the machine's ``cc``
against ``valgrind/callgrind.h``): repeatable to a few in a million, whatever the neighbours
do, and about fifty times slower than a plain run.

``make-corpus N OUT.jsonl [--sources K]`` writes the speed corpus of
:func:`benchmarks.corpus.make_corpus` as JSON Lines, optionally spread over K sources (so that
the pass learning each site's chrome runs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dedup._compiled import KERNELS

GROUPS = {"event keys": "cap_runs,name_runs,run_parts"}
"""Kernels that only work together, measured together as well as alone."""

_CHILD = r"""
import json, resource, sys, time
from dedup import _compiled, cluster_documents
from dedup.loaders import load
from benchmarks.corpus import make_corpus
docs, _ = load(sys.argv[1])
cluster_documents(make_corpus(50, seed=1))
toggle = None
if len(sys.argv) > 2:  # the callgrind switch: instructions of the next call alone
    import ctypes
    toggle = ctypes.CDLL(sys.argv[2])
    toggle.dedup_instrument(1)
before = resource.getrusage(resource.RUSAGE_SELF)
wall = time.perf_counter()
result = cluster_documents(docs)
wall = time.perf_counter() - wall
after = resource.getrusage(resource.RUSAGE_SELF)
if toggle is not None:
    toggle.dedup_instrument(0)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(json.dumps({"cpu": cpu, "wall": wall, "docs": len(docs), "off": sorted(_compiled.OFF),
                  "clusters": len(result.clusters), "links": len(result.links)}))
"""


def settings(off: Sequence[str] | None) -> list[tuple[str, str]]:
    """(label, DEDUP_PURE_PYTHON value) of every setting: all on first, then each kernel off,
    the groups off, all off."""
    chosen = list(off) if off else [*KERNELS, *GROUPS.values(), "1"]
    labels = {v: k for k, v in GROUPS.items()} | {"1": "all off"}
    return [("all on", "")] + [(labels.get(v, v), v) for v in chosen]


def _env(value: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEDUP_PURE_PYTHON"}
    if value:
        env["DEDUP_PURE_PYTHON"] = value
    return env


def time_once(path: str, value: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHILD, path], env=_env(value),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


_TOGGLE = r"""
#include <valgrind/callgrind.h>
void dedup_instrument(int on)
{
    if (on) {
        CALLGRIND_ZERO_STATS;
        CALLGRIND_START_INSTRUMENTATION;
    }
    else {
        CALLGRIND_DUMP_STATS; /* into OUT.1: the instructions since the start */
        CALLGRIND_STOP_INSTRUMENTATION;
    }
}
"""


def callgrind_once(path: str, value: str, tmp: Path) -> int:
    """Instructions of the timed call with ``value`` switched off."""
    lib = tmp / "toggle.so"
    if not lib.exists():
        (tmp / "toggle.c").write_text(_TOGGLE)
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", str(lib), str(tmp / "toggle.c")],
                       check=True)
    out = tmp / f"callgrind.{abs(hash(value))}.out"
    subprocess.run(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         sys.executable, "-c", _CHILD, path, str(lib)],
        env=_env(value) | {"PYTHONHASHSEED": "0"},  # the same set orders every run
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
    )
    dump = Path(f"{out}.1").read_text()
    summary = re.search(r"^(?:summary|totals):\s*(\d+)", dump, re.MULTILINE)
    if summary is None:
        raise RuntimeError(f"no callgrind total for DEDUP_PURE_PYTHON={value!r}")
    return int(summary.group(1))


def measure(path: str, options: argparse.Namespace) -> list[dict]:
    rows = settings(options.off)
    if options.callgrind:
        counts = {}
        with tempfile.TemporaryDirectory() as tmp:
            for label, value in rows:
                counts[label] = callgrind_once(path, value, Path(tmp))
                print(f"  {Path(path).name}: {label}: {counts[label]:,} instructions",
                      file=sys.stderr, flush=True)
        base = counts["all on"]
        return [{"setting": label, "instructions": counts[label],
                 "ratio": counts[label] / base} for label, _ in rows]
    runs: dict[str, list[dict]] = {label: [] for label, _ in rows}
    for round_ in range(options.repeat):
        order = rows[round_ % len(rows):] + rows[:round_ % len(rows)]  # rotate the order
        for label, value in order:
            runs[label].append(time_once(path, value))
            print(f"  {Path(path).name} round {round_ + 1}: {label}: "
                  f"{runs[label][-1]['cpu']:.2f} s CPU", file=sys.stderr, flush=True)
    base = runs["all on"]
    out = []
    for label, _ in rows:
        mine = runs[label]
        out.append({
            "setting": label,
            "cpu_s": statistics.median(r["cpu"] for r in mine),
            "ratio": statistics.median(r["cpu"] / b["cpu"] for r, b in zip(mine, base)),
            "wall_ratio": statistics.median(r["wall"] / b["wall"] for r, b in zip(mine, base)),
            "ratios": [round(r["cpu"] / b["cpu"], 3) for r, b in zip(mine, base)],
            "same_result": all((r["clusters"], r["links"]) == (base[0]["clusters"],
                                                             base[0]["links"]) for r in mine),
        })
    return out


def make_corpus_file(n: int, out: str, sources: int) -> None:
    from benchmarks.corpus import make_corpus

    with open(out, "w", encoding="utf-8") as f:
        for i, d in enumerate(make_corpus(n)):
            record = {"id": d.id, "title": d.title, "text": d.text, "published": d.published}
            if sources:
                record["source"] = f"site{i % sources}.example"
            f.write(json.dumps(record) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["make-corpus"]:
        parser = argparse.ArgumentParser(prog="python -m benchmarks.kernels make-corpus")
        parser.add_argument("n", type=int)
        parser.add_argument("out")
        parser.add_argument("--sources", type=int, default=0)
        args = parser.parse_args(argv[1:])
        make_corpus_file(args.n, args.out, args.sources)
        return 0
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kernels", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--off", nargs="*", help="settings to measure (default: every kernel)")
    parser.add_argument("--callgrind", action="store_true")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args(argv)
    results = {}
    for path in args.files:
        results[path] = measure(path, args)
        print(f"\n{path} ({'instructions' if args.callgrind else 'CPU time'}, off / all on)")
        for row in results[path]:
            extra = (f"{row['instructions']:>16,}" if args.callgrind else
                     f"cpu {row['cpu_s']:6.2f} s  wall x{row['wall_ratio']:.3f}  "
                     f"{row['ratios']}{'' if row['same_result'] else '  RESULT DIFFERS'}")
            print(f"  {row['setting']:<34} x{row['ratio']:.3f}  {extra}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
