"""The whole ``dedup cluster FILE --format json`` command (start-up, reading, every stage, the
JSON output), timed with 1 and 2 jobs (or any list), against the datasketch per-document
``MinHash.update`` loop measured in the same run, in interleaved rounds.

Usage::

    python -m benchmarks.wholeprocess [--docs 20000] [--jobs 1 2] [--rounds 3]
        [--baseline DIR] [--markdown PATH]

The corpus is :func:`benchmarks.corpus.make_corpus` (``--docs`` articles of about 4 KB),
written once as JSONL to ``benchmarks/corpora/speed-<N>.jsonl`` (not in git). Each round
runs, each in a fresh process: the datasketch loop (:func:`benchmarks.speed.
run_datasketch_loop` on the first ``--loop-sample`` articles), then ``dedup cluster`` once
per ``--jobs`` value, then, with ``--baseline DIR``, the command of another checkout (its
``dedup`` package, run from that folder: e.g. the code before a change, from ``git archive``,
with the compiled extensions copied in). The machine this
was written on has two cores shared with other people's work: compare the ratios of one run
(``x loop``, or one row to another), never figures across runs; the CPU time of the main
process and of its workers is reported too, with what they allow on idle cores. Peak RSS is
the largest single process's (a worker's or the main process's), not their sum.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

CORPORA = Path(__file__).parent / "corpora"


PART = 200_000  # the most documents make_corpus builds at once (about 3 GB of Python objects)


def corpus_file(n: int, seed: int = 0) -> Path:
    """The JSONL file of ``make_corpus(n, seed)``, written on first use. Above :data:`PART`
    documents (``make_corpus`` holds every article in memory: 14 GB and more at a million),
    the file is parts of ``make_corpus(PART, seed * 1000 + k)`` one after the other, their
    ids numbered on (``doc0200000``...): each part recombines the same base articles over the
    same two months, so a part's bases recur in the next as exact copies (about 700 a part)
    and its names and places as they do across a real crawl."""
    path = CORPORA / f"speed-{n}{f'-seed{seed}' if seed else ''}.jsonl"
    if not path.exists():
        from benchmarks.corpus import make_corpus

        CORPORA.mkdir(exist_ok=True)
        part = path.with_suffix(".tmp")
        parts = [(n, seed)] if n <= PART else [
            (min(PART, n - start), seed * 1000 + k) for k, start in enumerate(range(0, n, PART))]
        width = max(6, len(str(n - 1)))
        written = 0
        with part.open("w", encoding="utf-8") as out:
            for size, part_seed in parts:
                for doc in make_corpus(size, seed=part_seed):
                    doc_id = doc.id if len(parts) == 1 else f"doc{written:0{width}d}"
                    record = {"id": doc_id, "title": doc.title, "text": doc.text,
                              "published": doc.published, "source": doc.source, "url": doc.url}
                    out.write(json.dumps({k: v for k, v in record.items() if v is not None})
                              + "\n")
                    written += 1
        part.replace(path)
    return path


_COMMAND = """
import json, resource, sys
from dedup.cli import main
code = main(sys.argv[2:])
usage = {who: resource.getrusage(getattr(resource, "RUSAGE_" + who.upper()))
         for who in ("self", "children")}
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, **{who: u.ru_utime + u.ru_stime for who, u in usage.items()}}, out)
raise SystemExit(code)
"""


def run_command(args: list[str], cwd: Path) -> dict[str, float]:
    """``dedup ARGS`` run in ``cwd`` (whose ``dedup`` package is imported), output discarded:
    wall seconds, CPU seconds of the main process and of its workers, peak RSS (MiB, the
    largest process), and the load average of the machine when it started."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".json") as figures:
        load = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _COMMAND, figures.name, *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise RuntimeError(f"dedup {' '.join(args)} exited {code}: "
                               f"{proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        cpu = json.loads(Path(figures.name).read_text())
    return {"seconds": seconds, "main_cpu": cpu["self"], "workers_cpu": cpu["children"],
            "rss": usage.ru_maxrss / 1024, "load": load}


_LOOP = """
import json, sys
from benchmarks.corpus import make_corpus
from benchmarks.speed import run_datasketch_loop
import argparse
docs = make_corpus(int(sys.argv[1]), seed=int(sys.argv[2]))[:int(sys.argv[3])]
timed, seconds, _ = run_datasketch_loop(docs, argparse.Namespace(loop_sample=len(docs)))
print(json.dumps([timed, seconds]))
"""


def loop_rate(n: int, seed: int, sample: int) -> float:
    """docs/s of the datasketch loop on the first ``sample`` articles of the corpus."""
    root = Path(__file__).parent.parent
    done = subprocess.run([sys.executable, "-c", _LOOP, str(n), str(seed), str(sample)],
                          capture_output=True, text=True, check=True, cwd=root)
    timed, seconds = json.loads(done.stdout.splitlines()[-1])
    return timed / seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wholeprocess",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loop-sample", type=int, default=1000)
    parser.add_argument("--baseline", type=Path,
                        help="a checkout whose dedup package is timed too (jobs not passed)")
    parser.add_argument("--markdown", type=Path, help="append the table to this file")
    options = parser.parse_args(argv)

    path = corpus_file(options.docs, options.seed).resolve()
    n = options.docs
    command = ["cluster", str(path), "--format", "json", "-q"]
    rows: dict[str, list[dict[str, float]]] = {}
    loops: list[float] = []
    for round_ in range(options.rounds):
        loops.append(loop_rate(n, options.seed, options.loop_sample))
        print(f"round {round_ + 1}: datasketch loop {loops[-1]:,.0f} docs/s", file=sys.stderr)
        root = Path(__file__).parent.parent
        runs = [(f"dedup --jobs {j}", command + ["--jobs", str(j)], root) for j in options.jobs]
        if options.baseline is not None:
            runs.append((f"baseline ({options.baseline.name})", command, options.baseline))
        for name, argv_, cwd in runs:
            run = run_command(argv_, cwd)
            rows.setdefault(name, []).append(run)
            print(f"round {round_ + 1}: {name}: {n / run['seconds']:,.0f} docs/s "
                  f"({run['seconds']:.1f} s, {n / run['seconds'] / loops[-1]:.1f}x the loop; CPU "
                  f"main {run['main_cpu']:.1f} s, workers {run['workers_cpu']:.1f} s; load "
                  f"{run['load']:.1f})", file=sys.stderr)

    lines = [f"`python -m benchmarks.wholeprocess --docs {n} --jobs "
             f"{' '.join(map(str, options.jobs))} --rounds {options.rounds}"
             + (f" --baseline {options.baseline}" if options.baseline else "") + "`: "
             f"{n:,} articles ({path.stat().st_size / 1e6:.0f} MB of JSONL), "
             f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
             "",
             "| command | docs/s (median) | docs/s per round | x loop (median of rounds) "
             "| x `--jobs 1` | CPU s: main process | CPU s: workers | docs/s on idle cores* "
             "| peak RSS MiB (largest process) | load average |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    cores = os.cpu_count() or 1

    def median(runs_: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs_)

    first = median(rows[f"dedup --jobs {options.jobs[0]}"], "seconds")
    for name, runs_ in rows.items():
        rates = [n / r["seconds"] for r in runs_]
        ratios = [rate / loop for rate, loop in zip(rates, loops)]
        main_cpu, workers_cpu = median(runs_, "main_cpu"), median(runs_, "workers_cpu")
        idle = n / max(main_cpu, (main_cpu + workers_cpu) / cores)
        lines.append(
            f"| {name} | {statistics.median(rates):,.0f} | "
            f"{', '.join(f'{r:,.0f}' for r in rates)} | {statistics.median(ratios):.1f}x | "
            f"{first / median(runs_, 'seconds'):.2f}x | {main_cpu:.1f} | {workers_cpu:.1f} | "
            f"{idle:,.0f} | {max(r['rss'] for r in runs_):,.0f} | "
            f"{', '.join(format(r['load'], '.1f') for r in runs_)} |")
    lines.append(f"| datasketch loop (first {options.loop_sample:,}) | "
                 f"{statistics.median(loops):,.0f} | {', '.join(f'{r:,.0f}' for r in loops)} "
                 "| 1.0x | | | | | | |")
    lines.append("")
    lines.append(f"\\* CPU-bound estimate for {cores} idle cores: documents / max(main CPU, "
                 "all CPU / cores), the main process's CPU time being what one core must do "
                 "in turn (reading, site chrome, keeping batches, the stages after the text "
                 "pass). Wall-clock figures on a shared machine count other people's work too.")
    table = "\n".join(lines) + "\n"
    print(table)
    if options.markdown is not None:
        with options.markdown.open("a", encoding="utf-8") as out:
            out.write("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
