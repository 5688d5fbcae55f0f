"""``python -m benchmarks.recall``: how much same-event recall candidate generation costs, and
what widening the salient-term blocking buys (issue 12).

For each labeled file (default: every file of ``../shared/data/``), with the default
configuration:

* ``never``: the gold pairs published within 30 days of each other that no candidate source
  proposes (same text, MinHash-LSH, blocking), how many salient terms they share, and how
  many of them would reach the same-event threshold if they were compared;
* ``ceiling``: each file clustered with every gold pair added to the candidates (an oracle):
  the most any widening of the candidates can give with today's scoring and clustering;
* ``variants``: the blocking widened as a news engineer would widen it, each variant's salient
  marks (:func:`marks`) used in place of the top TF-IDF terms: candidate pairs per document
  and each file's figures (ARI for ECB+, P/R/F1 over the pairs within 30 days for gva,
  pairwise F1 for GVC), so that a variant can be chosen on two files and read on the third.

The variants are measured by replacing the batch run's salient marks in this process only;
no variant is part of the library. The figures are in
``benchmarks/results/2026-12-03-issue12-recall.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

import dedup.candidates as candidates
import dedup.pairs as pairs
from benchmarks.labeled import WINDOW_DAYS, _day, read_records, score_records
from benchmarks.loso import figure
from benchmarks.sets import labeled_files, to_documents
from dedup import Config
from dedup.analysis import Prepared
from dedup.pipeline import build_corpus, scored_keys
from dedup.similarity import heaviest, tfidf, top_terms

# name -> (salient terms, only terms another document holds, event-key fields blocked on)
VARIANTS: dict[str, tuple[int, bool, tuple[str, ...]]] = {
    "default (top 24)": (24, False, ()),
    "top 32": (32, False, ()),
    "top 48": (48, False, ()),
    "top 24 held twice": (24, True, ()),
    "top 24 + venue": (24, False, ("venue",)),
    "top 24 + people": (24, False, ("people",)),
    "top 24 + people + venue": (24, False, ("people", "venue")),
    "top 24 held twice + people + venue": (24, True, ("people", "venue")),
}


def marks(body: sp.csr_matrix, prepared: Sequence[Prepared], words: dict[str, int],
          salient: int, held_twice: bool, fields: tuple[str, ...]) -> sp.csr_matrix:
    """Binary document x term marks a variant blocks on: each row's ``salient`` heaviest
    TF-IDF terms (``held_twice``: among the terms at least one other document holds), and
    the words of its event key's ``fields`` (``people``: their folded names; ``venue``: the
    venue's words) that are terms of the vocabulary ``words`` (a word both salient and a
    name is marked once)."""
    body = sp.csr_matrix(body)
    df = np.bincount(body.indices, minlength=body.shape[1])
    rows: list[int] = []
    cols: list[int] = []
    for i in range(body.shape[0]):
        start, stop = body.indptr[i], body.indptr[i + 1]
        c, w = body.indices[start:stop], body.data[start:stop]
        if held_twice:
            c, w = c[df[c] >= 2], w[df[c] >= 2]
        chosen = c[heaviest(c, w, salient)].tolist()
        key = prepared[i].key
        names = set(key.people) if "people" in fields else set()
        if "venue" in fields and key.venue:
            names.update(key.venue.split())
        chosen += [col for col in map(words.get, names) if col is not None and col < body.shape[1]]
        rows += [i] * len(chosen)
        cols += chosen
    out = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=body.shape)
    out.data[:] = 1.0  # duplicates summed: a word both salient and a name counts once
    return out


class _Vocabulary:
    """The vocabulary of the corpus a run builds (for :func:`widened`)."""

    def __init__(self) -> None:
        self.words: dict[str, int] = {}

    @contextlib.contextmanager
    def watching(self) -> Iterator[None]:
        from dedup import corpus as corpus_module

        init = corpus_module.Corpus.__init__

        def watched(corpus: Any, *args: Any, **kwargs: Any) -> None:
            init(corpus, *args, **kwargs)
            self.words = corpus.vocabulary.index

        corpus_module.Corpus.__init__ = watched  # type: ignore[method-assign]
        try:
            yield
        finally:
            corpus_module.Corpus.__init__ = init  # type: ignore[method-assign]


@contextlib.contextmanager
def widened(variant: str, vocabulary: _Vocabulary, found: list[int]) -> Iterator[None]:
    """The batch run blocks on ``variant``'s marks while inside (``vocabulary``: watching the
    corpus being run; ``found``: the candidate pairs of each run, appended)."""
    salient, held_twice, fields = VARIANTS[variant]
    original = pairs.candidate_blocks

    def blocks(prepared: list[Prepared], signatures: np.ndarray, body: Any, config: Config,
               rows_per_block: int = 2048, day: np.ndarray | None = None,
               keys: list[Any] | None = None) -> Iterator[np.ndarray]:
        made = marks(body, prepared, vocabulary.words, salient, held_twice, fields)
        saved = candidates.top_terms
        candidates.top_terms = lambda matrix, k: made
        found.append(0)
        try:
            for block in original(prepared, signatures, body, config, rows_per_block, day,
                                  keys):
                found[-1] += len(block)
                yield block
        finally:
            candidates.top_terms = saved

    pairs.candidate_blocks = blocks
    try:
        yield
    finally:
        pairs.candidate_blocks = original


@contextlib.contextmanager
def oracle(gold: dict[str, Any]) -> Iterator[None]:
    """The batch run's candidates with every pair of documents of one gold cluster added
    (``gold``: document id -> gold cluster)."""
    original = pairs.candidate_blocks

    def blocks(prepared: list[Prepared], *args: Any, **kwargs: Any) -> Iterator[np.ndarray]:
        seen: set[tuple[int, int]] = set()
        for block in original(prepared, *args, **kwargs):
            seen.update(map(tuple, block.tolist()))
            yield block
        members: dict[Any, list[int]] = {}
        for row, p in enumerate(prepared):
            if p.id in gold:
                members.setdefault(gold[p.id], []).append(row)
        extra = sorted((a, b) for rows in members.values() for k, a in enumerate(rows)
                       for b in rows[k + 1:] if (a, b) not in seen)
        if extra:
            yield np.array(extra, dtype=np.int64)

    pairs.candidate_blocks = blocks
    try:
        yield
    finally:
        pairs.candidate_blocks = original


def gold_pairs(records: list[dict[str, Any]], ids: list[str]) -> set[tuple[int, int]]:
    """Rows ``(i, j)``, ``i < j`` (of ``ids``), of the gold pairs published at most 30 days
    apart (or undated)."""
    by_id = {str(r["id"]): r for r in records}
    days = [_day(by_id[i].get("published") or by_id[i].get("date")) for i in ids]
    members: dict[Any, list[int]] = {}
    for row, doc_id in enumerate(ids):
        members.setdefault(by_id[doc_id]["cluster"], []).append(row)
    return {(a, b) for rows in members.values() for k, a in enumerate(rows) for b in rows[k + 1:]
            if not (days[a] and days[b] and abs((days[a] - days[b]).days) > WINDOW_DAYS)}


def never(path: Path, config: Config) -> str:
    """The ``never`` line of one file (see the module doc)."""
    records = read_records(path)
    corpus, _ = build_corpus(to_documents(records), config, lambda *a: None)
    keys = scored_keys(corpus)
    prepared = corpus.records
    signatures, shingles = corpus.finish()
    body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
    proposed: set[tuple[int, int]] = set()
    for found in candidates.candidate_sources(prepared, signatures, body, config).values():
        proposed.update(map(tuple, found.tolist()))
    gold = gold_pairs(records, [p.id for p in prepared])
    missed = sorted(gold - proposed)

    def blocked(config: Config, capped: bool) -> set[tuple[int, int]]:
        found = candidates.candidate_sources(prepared, signatures, body, config, capped=capped)
        return set(map(tuple, found[candidates.BLOCKING].tolist()))

    # capped=False: neither the cap nor the date window (text-derived publication dates too)
    no_cap = set(missed) & blocked(dataclasses.replace(config, max_partners=10**9), True)
    no_window = set(missed) & blocked(config, False)
    top = top_terms(body, config.salient_terms).tolil().rows
    shared = np.bincount([min(len(set(top[a]) & set(top[b])), 2) for a, b in missed],
                         minlength=3)
    left, right = (np.array([m[k] for m in missed], dtype=np.int64) for k in (0, 1))
    table = pairs.measured_pairs(signatures, corpus.leads(), shingles, body, heads,
                                 pairs.PairScorer(keys, config), left, right)
    above = int((table.score >= config.same_event_threshold).sum())
    return (f"{path.name}: gold pairs {len(gold)}, never candidates {len(missed)} "
            f"(sharing 0/1/2+ salient terms: {shared[0]}/{shared[1]}/{shared[2]}; "
            f"left out by the cap: {len(no_cap)}, by the date window: "
            f"{len(no_window - no_cap)}); {above} of them would score >= "
            f"{config.same_event_threshold}")


def figures(name: str, records: list[dict[str, Any]], config: Config) -> tuple[str, float]:
    """A file's figures as a line, and its target measure (:func:`benchmarks.loso.figure`)."""
    s = score_records(name, records, config)
    return (f"ARI {s['ari']:.3f} P30 {s['p30']:.3f} R30 {s['r30']:.3f} F1_30 {s['f1_30']:.3f} "
            f"F1 {s['pairwise_f1']:.3f}"), figure(name, s)


def leave_one_out(measured: dict[str, dict[str, float]]) -> list[str]:
    """For each file held out, the variant with the best mean target measure on the others
    (ties: the earlier variant) and the held-out file's measure with it and by default."""
    out = []
    for held in measured:
        others = [name for name in measured if name != held]
        if not others:
            continue
        best = max(VARIANTS, key=lambda v: sum(measured[o][v] for o in others))
        default = next(iter(VARIANTS))
        out.append(f"held out {held}: chosen on the others {best!r}: {measured[held][best]:.3f} "
                   f"(default {measured[held][default]:.3f})")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recall", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("never", "ceiling", "variants"))
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = labeled_files(args.files)
    if files is None:
        return 2
    config = Config()
    measured: dict[str, dict[str, float]] = {}
    for path in files:
        records = read_records(path)
        if args.what == "never":
            print(never(path, config))
        elif args.what == "ceiling":
            gold = {str(r["id"]): r["cluster"] for r in records}
            print(f"{path.name}: default  {figures(path.name, records, config)[0]}")
            with oracle(gold):
                print(f"{path.name}: oracle   {figures(path.name, records, config)[0]}")
        else:
            vocabulary, found = _Vocabulary(), []
            for variant in VARIANTS:
                with vocabulary.watching(), widened(variant, vocabulary, found):
                    line, measure = figures(path.name, records, config)
                measured.setdefault(path.name, {})[variant] = measure
                print(f"{path.name}: {variant:<36}candidates/doc "
                      f"{found[-1] / len(records):5.1f}  {line}")
    for line in leave_one_out(measured):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
