"""``python -m benchmarks.cap``: what the cap on blocking partners (``Config.max_partners``)
does to the candidate pairs, the CPU time and the quality.

* ``partners FILES...``: per file (and for all files as one corpus with ``--union``), how
  many blocking partners before it each document has inside the date window without a cap:
  the percentiles and the largest, and how many documents a cap of each ``--k`` would bind.
* ``synthetic N [--k K ...]``: the synthetic corpus (:func:`benchmarks.corpus.make_corpus`)
  with its own truth (each document is, or copies, one distinct article), clustered with each
  cap: candidate and scored pairs, CPU seconds of the run (one process, ``time.process_time``),
  ARI and pairwise precision/recall against the truth, and ARI against the run without a cap.
* ``labeled K [FILES...] [--dense]``: :mod:`benchmarks.labeled` with the cap set to ``K``
  (``0``: no cap) instead of the default.
* ``run FILE [--jobs N]``: one whole run as ``dedup cluster FILE --format json`` makes it
  (inputs streamed, the JSON written, to /dev/null), the default configuration, with the
  count of each stage (candidate and scored pairs) and the CPU seconds of the process and its
  workers; run it under ``/usr/bin/time -f %M`` for the peak RSS. It reads no option the
  code before the cap lacks, so it measures main as well.

The figures are in ``benchmarks/results/2026-12-03-issue13-cap.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.metrics import adjusted_rand_index, pairwise_prf
from dedup.candidates import CandidateRules
from dedup.config import Config
from dedup.pipeline import cluster_documents

NO_CAP = 10**9


def partner_counts(documents: list[Any]) -> np.ndarray:
    """Per document, its blocking partners before it inside the date window (no cap)."""
    counts = np.zeros(len(documents), dtype=np.int64)
    original = CandidateRules.partners

    def counting(self: CandidateRules, later: np.ndarray, *rest: np.ndarray) -> np.ndarray:
        keep = original(self, later, *rest)
        counts[:] += np.bincount(later[keep], minlength=len(counts))
        return keep

    CandidateRules.partners = counting  # type: ignore[method-assign]
    try:
        cluster_documents(documents, Config(max_partners=NO_CAP))
    finally:
        CandidateRules.partners = original  # type: ignore[method-assign]
    return counts


def labeling(result: Any, ids: list[str]) -> dict[str, int]:
    """A cluster number per document of ``ids`` (an article alone: its own)."""
    of = {member: number for number, cluster in enumerate(result.clusters)
          for member in cluster.members}
    base = len(result.clusters)
    return {i: of.get(i, base + k) for k, i in enumerate(ids)}


def synthetic(n: int, caps: Sequence[int], seed: int = 0) -> None:
    from benchmarks.corpus import make_corpus_with_info

    docs, info = make_corpus_with_info(n, seed, truth=True)
    ids = [d.id for d in docs]
    truth = dict(zip(ids, info["story"], strict=True))
    print(f"synthetic corpus, {n} documents, {len(set(truth.values()))} distinct articles")
    print(f"{'cap':>8}{'candidates':>12}{'scored':>10}{'cpu s':>8}{'ARI':>8}{'P':>7}{'R':>7}"
          f"{'ARI vs none':>13}")
    uncapped: dict[str, int] | None = None
    for k in [0, *caps]:
        stages: dict[str, int] = {}
        start = time.process_time()
        result = cluster_documents(
            docs, Config(max_partners=k or NO_CAP),
            progress=lambda stage, done, total, seen=stages: seen.__setitem__(stage, total))
        cpu = time.process_time() - start
        found = labeling(result, ids)
        if uncapped is None:
            uncapped = found
        precision, recall, _ = pairwise_prf(truth, found)
        print(f"{k or 'none':>8}{stages['candidates']:>12,}{stages['scoring']:>10,}{cpu:>8.1f}"
              f"{adjusted_rand_index(truth, found):>8.4f}{precision:>7.3f}{recall:>7.3f}"
              f"{adjusted_rand_index(uncapped, found):>13.4f}", flush=True)


def partners(files: Sequence[Path], caps: Sequence[int], union: bool) -> None:
    from dedup.loaders import load

    corpora = [(path.name, load([path])[0]) for path in files]
    if union:  # ids kept apart per file
        corpora.append(("union", [dataclasses.replace(d, id=f"{name}:{d.id}")
                                  for name, docs in corpora for d in docs]))
    print(f"{'file':<22}{'docs':>7}{'p50':>6}{'p90':>6}{'p99':>6}{'max':>6}"
          + "".join(f"{f'>{k}':>8}" for k in caps))
    for name, docs in corpora:
        counts = partner_counts(docs)
        p50, p90, p99 = np.percentile(counts, [50, 90, 99])
        print(f"{name:<22}{len(docs):>7}{p50:>6.0f}{p90:>6.0f}{p99:>6.0f}{counts.max():>6}"
              + "".join(f"{int((counts > k).sum()):>8}" for k in caps), flush=True)


def whole_run(path: Path, jobs: int) -> None:
    import resource

    from dedup.documents import Document
    from dedup.loaders import iter_inputs
    from dedup.report import write_json

    stages: dict[str, int] = {}
    start = time.perf_counter()
    documents = (item for item in iter_inputs([path]) if isinstance(item, Document))
    result = cluster_documents(documents, progress=lambda stage, done, total: stages.__setitem__(
        stage, total), jobs=jobs)
    with open("/dev/null", "w", encoding="utf-8") as sink:
        write_json(result, sink)
    wall = time.perf_counter() - start
    cpu = sum(getattr(resource.getrusage(who), field) for who in (
        resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for field in ("ru_utime", "ru_stime"))
    print(f"{path.name}: documents {stages.get('reading', 0):,}, candidates "
          f"{stages.get('candidates', 0):,}, scored {stages.get('scoring', 0):,}, "
          f"cpu {cpu:.1f} s, wall {wall:.1f} s, {stages.get('reading', 0) / wall:,.0f} docs/s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cap", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("partners")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--k", type=int, nargs="*", default=[8, 16, 32, 64])
    p.add_argument("--union", action="store_true")
    s = sub.add_parser("synthetic")
    s.add_argument("n", type=int)
    s.add_argument("--k", type=int, nargs="*", default=[8, 16, 32, 64])
    s.add_argument("--seed", type=int, default=0)
    run = sub.add_parser("run")
    run.add_argument("file", type=Path)
    run.add_argument("--jobs", type=int, default=2)
    labeled = sub.add_parser("labeled")
    labeled.add_argument("k", type=int)
    labeled.add_argument("rest", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    if options.command == "partners":
        partners(options.files, options.k, options.union)
    elif options.command == "synthetic":
        synthetic(options.n, options.k, options.seed)
    elif options.command == "run":
        whole_run(options.file, options.jobs)
    else:
        from benchmarks import labeled as labeled_module

        return labeled_module.main(options.rest, Config(max_partners=options.k or NO_CAP))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
