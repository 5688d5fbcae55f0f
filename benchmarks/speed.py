"""Throughput of :mod:`dedup` against datasketch references and a one-pass floor, in one run.

Usage::

    python -m benchmarks.speed [--docs 1000 10000] [--json PATH]

Methods, each timed on the same deterministic corpus (:func:`benchmarks.corpus.make_corpus`):

* ``dedup`` - :func:`dedup.cluster_documents` on all documents, all three tiers (exact,
  near-duplicate, same-event), after a warm-up call on a small corpus (the warm-up time, which
  includes loading the gazetteer, is reported apart). A per-stage breakdown comes from its
  ``progress`` callback: each stage ends at the stage's last report.
* ``dedup, sourced`` (only with ``--methods``) - ``dedup`` on the same articles spread over
  20 sources, so that the first pass, which learns each site's own chrome, is timed too.
* ``datasketch loop`` - the reference: per document, lowercase regex words, word 5-shingles,
  ``MinHash(num_perm=128)`` updated one shingle at a time, inserted into
  ``MinHashLSH(threshold=0.8, num_perm=128)``; then every document is queried. Timed on the first
  ``--loop-sample`` documents (1,000 by default) of larger corpora, as the output says.
* ``datasketch bulk`` - the same shingles hashed with ``MinHash.bulk``, then the same LSH
  insert and query (sampled above ``--bulk-sample`` documents).
* ``exact hash`` and ``tfidf single-link`` - the baselines of :mod:`benchmarks.baselines`
  (:func:`~benchmarks.baselines.exact_hash`; TF-IDF cosine single link at 0.25 within a 3-day
  window, all pairs compared in row blocks,
  :func:`~benchmarks.baselines.tfidf_single_link_blocked`: quadratic, so timed on at most
  ``--tfidf-sample`` documents, 10,000 by default).
* ``floor`` - the one-pass floor every method pays at least: iterate the documents,
  :func:`dedup.normalize.clean_text`, :func:`dedup.normalize.tokenize`, and hash the word
  5-shingles (:class:`dedup.fingerprint.TokenHasher`, :func:`dedup.fingerprint.shingle_hashes`).

Each method runs in a fresh process (``multiprocessing`` spawn) so that its peak RSS
(``ru_maxrss``) is its own; the corpus is built in that process before timing, so the peak
includes the corpus, and the RSS before timing is reported too. ``--no-isolate`` runs everything
in this process instead (peaks are then cumulative). Ratios compare docs/s to the datasketch
loop measured in the same run, on the same corpus size.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import platform
import re
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dedup import Document

NUM_PERM = 128
SHINGLE = 5
LSH_THRESHOLD = 0.8
STAGES = ("reading", "fingerprints", "candidates", "scoring", "clustering")
METHOD_ORDER = ("dedup", "datasketch loop", "datasketch bulk", "floor", "exact hash",
                "tfidf single-link")
REFERENCE = "datasketch loop"
# On request only (--methods): dedup on the same corpus with 20 sources, so that the pass
# learning each site's chrome is timed too.
EXTRA_METHODS = ("dedup, sourced",)

Timed = tuple[int, float, dict[str, Any]]


@dataclass
class Measurement:
    """One method on one corpus size."""

    method: str
    corpus_docs: int
    timed_docs: int
    seconds: float
    docs_per_s: float
    peak_rss_mb: float
    rss_before_mb: float
    ratio: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


_WORD = re.compile(r"\w+")


def word_shingles(text: str, size: int = SHINGLE) -> set[str]:
    """Distinct word ``size``-grams of the lower-cased text (a shorter text is one shingle)."""
    tokens = _WORD.findall(text.lower())
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def _sample(docs: list[Document], limit: int) -> tuple[list[Document], str]:
    """The first ``limit`` documents, and a note when that is fewer than all."""
    if len(docs) <= limit:
        return docs, ""
    return docs[:limit], f"first {limit:,} of {len(docs):,} docs"


def _lsh_insert_query(sketches: list[Any]) -> int:
    """Insert every MinHash into a fresh MinHashLSH, query each; the number of pairs found."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for k, m in enumerate(sketches):
            session.insert(k, m, check_duplication=False)
    pairs = 0
    for k, m in enumerate(sketches):
        pairs += sum(1 for j in lsh.query(m) if j != k)
    return pairs // 2


# --------------------------------------------------------------------------- methods


def stage_seconds(marks: dict[str, float], start: float, end: float) -> dict[str, float]:
    """Seconds per pipeline stage from the time of each stage's last progress report; what
    follows the last stage is ``finalize`` (building the result)."""
    out: dict[str, float] = {}
    previous = start
    for stage in STAGES:
        if stage in marks:
            out[stage] = marks[stage] - previous
            previous = marks[stage]
    out["finalize"] = end - previous
    return out


def run_dedup(docs: list[Document], options: argparse.Namespace) -> Timed:
    """The whole pipeline on all documents, after a warm-up on a small corpus."""
    from benchmarks.corpus import make_corpus
    from dedup import cluster_documents

    warm = time.perf_counter()
    cluster_documents(make_corpus(50, seed=options.seed + 1))
    warm_s = time.perf_counter() - warm
    gc.collect()

    marks: dict[str, float] = {}
    counts: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        marks[stage] = time.perf_counter()
        counts[stage] = done

    start = time.perf_counter()
    result = cluster_documents(docs, progress=progress)
    end = time.perf_counter()
    extra = {
        "warmup_s": warm_s,
        "stages_s": stage_seconds(marks, start, end),
        "candidate_pairs": counts.get("candidates"),
        "scored_pairs": counts.get("scoring"),
        "clusters": len(result.clusters),
        "multi_doc_clusters": sum(1 for c in result.clusters if len(c.members) > 1),
        "links": len(result.links),
    }
    return len(docs), end - start, extra


SITES = 20


def run_dedup_sourced(docs: list[Document], options: argparse.Namespace) -> Timed:
    """``dedup`` on the same articles spread over :data:`SITES` sources, as crawled news comes:
    the pass that learns each site's own chrome runs too (the plain corpus has no sources)."""
    from dataclasses import replace

    sourced = [replace(doc, source=f"site{i % SITES}.example") for i, doc in enumerate(docs)]
    return run_dedup(sourced, options)


def run_datasketch_loop(docs: list[Document], options: argparse.Namespace) -> Timed:
    """The per-document reference: one ``MinHash.update`` per shingle, LSH insert and query."""
    from datasketch import MinHash

    docs, note = _sample(docs, options.loop_sample)
    start = time.perf_counter()
    sketches = []
    for doc in docs:
        m = MinHash(num_perm=NUM_PERM)
        for sh in word_shingles(doc.text):
            m.update(sh.encode())
        sketches.append(m)
    pairs = _lsh_insert_query(sketches)
    seconds = time.perf_counter() - start
    return len(docs), seconds, {"note": note, "lsh_pairs": pairs}


def run_datasketch_bulk(docs: list[Document], options: argparse.Namespace) -> Timed:
    """The same shingles hashed with ``MinHash.bulk``, then the same LSH insert and query."""
    from datasketch import MinHash

    docs, note = _sample(docs, options.bulk_sample)
    start = time.perf_counter()
    shingle_lists = [[sh.encode() for sh in word_shingles(doc.text)] for doc in docs]
    sketches = MinHash.bulk(shingle_lists, num_perm=NUM_PERM)
    pairs = _lsh_insert_query(sketches)
    seconds = time.perf_counter() - start
    return len(docs), seconds, {"note": note, "lsh_pairs": pairs}


def run_floor(docs: list[Document], options: argparse.Namespace) -> Timed:
    """One pass: clean, tokenize and hash the word shingles of every document. The MinHash
    signatures of those shingles (:class:`dedup.fingerprint.MinHasher`) are timed apart."""
    from dedup.fingerprint import MinHasher, TokenHasher, shingle_hashes
    from dedup.normalize import clean_text, tokenize

    tokenize(clean_text("warm-up"))
    start = time.perf_counter()
    hasher = TokenHasher()
    shingles = [shingle_hashes(hasher(tokenize(clean_text(doc.text))), SHINGLE) for doc in docs]
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    sig_start = time.perf_counter()
    MinHasher(NUM_PERM).signatures(shingles)
    extra = {"minhash_signatures_s": time.perf_counter() - sig_start, "peak_rss_mb": peak}
    return len(docs), seconds, extra


def _records(docs: list[Document]) -> list[dict[str, Any]]:
    """Documents as the baselines read them."""
    return [{"id": d.id, "title": d.title, "text": d.text, "date": d.published} for d in docs]


def run_exact_hash(docs: list[Document], options: argparse.Namespace) -> Timed:
    """The exact-hash baseline: SHA-1 of the lower-cased, whitespace-collapsed text."""
    from benchmarks.baselines import exact_hash

    records = _records(docs)
    start = time.perf_counter()
    labels = exact_hash(records)
    seconds = time.perf_counter() - start
    return len(docs), seconds, {"clusters": len(set(labels.values()))}


def run_tfidf(docs: list[Document], options: argparse.Namespace) -> Timed:
    """The TF-IDF single-link baseline (all pairs, in row blocks), vectorizing included."""
    from benchmarks.baselines import TFIDF_THRESHOLD, TFIDF_WINDOW_DAYS, tfidf_single_link_blocked

    docs, note = _sample(docs, getattr(options, "tfidf_sample", 10000))
    if note:
        note += " (all pairs: quadratic)"
    records = _records(docs)
    start = time.perf_counter()
    labels = tfidf_single_link_blocked(records, TFIDF_THRESHOLD, TFIDF_WINDOW_DAYS)
    seconds = time.perf_counter() - start
    return len(docs), seconds, {"note": note, "clusters": len(set(labels.values()))}


METHODS: dict[str, Callable[[list[Document], argparse.Namespace], Timed]] = {
    "dedup": run_dedup,
    "dedup, sourced": run_dedup_sourced,
    "datasketch loop": run_datasketch_loop,
    "datasketch bulk": run_datasketch_bulk,
    "floor": run_floor,
    "exact hash": run_exact_hash,
    "tfidf single-link": run_tfidf,
}


# --------------------------------------------------------------------------- running


def measure(method: str, n: int, options: argparse.Namespace) -> Measurement:
    """Build the corpus, then time ``method`` on it; RSS is read before and after."""
    from benchmarks.corpus import make_corpus

    docs = make_corpus(n, seed=options.seed)
    gc.collect()
    before = peak_rss_mb()
    timed, seconds, extra = METHODS[method](docs, options)
    note = extra.pop("note", "")
    peak = extra.pop("peak_rss_mb", None)
    return Measurement(
        method=method,
        corpus_docs=n,
        timed_docs=timed,
        seconds=seconds,
        docs_per_s=timed / seconds if seconds > 0 else float("inf"),
        peak_rss_mb=peak if peak is not None else peak_rss_mb(),
        rss_before_mb=before,
        note=note,
        extra=extra,
    )


def measure_isolated(method: str, n: int, options: argparse.Namespace) -> Measurement:
    """:func:`measure` in a fresh spawned process, so the peak RSS is this method's alone."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(measure, (method, n, options))


def run_size(
    n: int, methods: Sequence[str], options: argparse.Namespace, log: Callable[[str], None]
) -> list[Measurement]:
    """Every method on an ``n``-document corpus, with ratios to the reference loop."""
    runner = measure if options.no_isolate else measure_isolated
    rows: list[Measurement] = []
    for method in methods:
        log(f"[{n} docs] {method} ...")
        row = runner(method, n, options)
        log(f"[{n} docs] {method}: {row.docs_per_s:,.0f} docs/s ({row.seconds:.2f} s)")
        rows.append(row)
    reference = next((r for r in rows if r.method == REFERENCE), None)
    if reference is not None:
        for row in rows:
            row.ratio = row.docs_per_s / reference.docs_per_s
    return rows


# --------------------------------------------------------------------------- output


def results_table(n: int, rows: list[Measurement]) -> Any:
    """A rich table of one corpus size."""
    from rich.table import Table

    table = Table(title=f"{n:,} documents")
    columns = ("method", "timed docs", "seconds", "docs/s", "× loop", "peak RSS MiB",
               "RSS before MiB", "note")
    for name in columns:
        table.add_column(name, justify="left" if name in ("method", "note") else "right",
                         no_wrap=name != "note")
    for r in rows:
        ratio = f"{r.ratio:.1f}×" if r.ratio is not None else "-"
        note = r.note
        if r.method == "dedup":
            note = f"3 tiers; warm-up {r.extra['warmup_s']:.1f} s excluded"
        elif r.method == "dedup, sourced":
            note = f"{SITES} sources: site chrome learned too"
        elif r.method == "floor":
            note = f"MinHasher sigs +{r.extra['minhash_signatures_s']:.1f} s excluded"
        table.add_row(
            r.method, f"{r.timed_docs:,}", f"{r.seconds:.2f}", f"{r.docs_per_s:,.0f}", ratio,
            f"{r.peak_rss_mb:,.0f}", f"{r.rss_before_mb:,.0f}", note,
        )
    return table


def stages_table(n: int, row: Measurement) -> Any:
    """A rich table of the dedup pipeline's time per stage."""
    from rich.table import Table

    stages = row.extra["stages_s"]
    extra = row.extra
    pairs = f"{extra['candidate_pairs']:,} candidate pairs, {extra['scored_pairs']:,} scored"
    table = Table(title=f"dedup stages, {n:,} documents ({pairs})")
    for name in ("stage", "seconds", "share", "docs/s"):
        table.add_column(name, justify="left" if name == "stage" else "right")
    for stage, seconds in stages.items():
        share = seconds / row.seconds if row.seconds else 0.0
        rate = f"{n / seconds:,.0f}" if seconds > 0 else "-"
        table.add_row(stage, f"{seconds:.2f}", f"{share:.0%}", rate)
    return table


def environment() -> dict[str, Any]:
    """What the figures were measured on."""
    import datasketch
    import numpy

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": multiprocessing.cpu_count(),
        "numpy": numpy.__version__,
        "datasketch": datasketch.__version__,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.speed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000],
                        help="corpus sizes (default: 1000 10000; 100000 works but takes long)")
    parser.add_argument("--methods", nargs="+", choices=[*METHOD_ORDER, *EXTRA_METHODS],
                        default=list(METHOD_ORDER))
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--loop-sample", type=int, default=1000,
                        help="time the datasketch loop on at most this many docs (default 1000)")
    parser.add_argument("--bulk-sample", type=int, default=10000,
                        help="time datasketch bulk on at most this many docs (default 10000)")
    parser.add_argument("--tfidf-sample", type=int, default=10000,
                        help="time tfidf single-link on at most this many docs (default 10000)")
    parser.add_argument("--no-isolate", action="store_true",
                        help="run every method in this process (peak RSS then cumulative)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    from rich.console import Console

    from benchmarks.corpus import make_corpus_with_info

    options = parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 130)
    err = Console(stderr=True)
    methods = [m for m in (*METHOD_ORDER, *EXTRA_METHODS) if m in options.methods]
    report: dict[str, Any] = {"environment": environment(), "options": {
        "docs": options.docs, "seed": options.seed, "loop_sample": options.loop_sample,
        "bulk_sample": options.bulk_sample, "tfidf_sample": options.tfidf_sample, "isolated": not options.no_isolate}, "sizes": {}}
    for n in options.docs:
        _, info = make_corpus_with_info(n, seed=options.seed)
        err.print(f"[dim]corpus {n}: {info}[/dim]")
        rows = run_size(n, methods, options, lambda msg: err.print(f"[dim]{msg}[/dim]"))
        console.print(results_table(n, rows))
        dedup_row = next((r for r in rows if r.method == "dedup"), None)
        if dedup_row is not None:
            console.print(stages_table(n, dedup_row))
        report["sizes"][str(n)] = {"corpus": info, "methods": [asdict(r) for r in rows]}
    console.print("peak RSS: ru_maxrss of each method's own process, corpus included "
                  "(RSS before = peak after building the corpus).")
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        console.print(f"figures written to {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
