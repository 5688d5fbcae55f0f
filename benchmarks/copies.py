"""``python -m benchmarks.copies [FILES...]``: the copy tier on a syndication set.

A syndication set (:mod:`benchmarks.syndicate`) is made from the labeled files' articles
(default: every file in ``../shared/data/``; the seeds and synthetic articles without them):
each base as first published and its copies on fake sites, a share of them cut down to their
first two or three paragraphs (``--deep-trims``). One table row per setting:

* copy groups: pairwise P/R/F1 of dedup's duplicate groups against the gold copies;
* stories: pairwise P/R/F1 of the story clusters against the gold events;
* tier right: of the gold copy pairs (two documents of one base), the share dedup puts in one
  duplicate group (tier ``exact`` or ``near-duplicate``), over all of them and for the pairs
  with a deeply trimmed copy;
* candidates: of the gold copy pairs, the share some candidate source proposes (and which).

Texts stay in memory; nothing is written to disk.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.evaluate import predictions
from benchmarks.metrics import all_scores
from benchmarks.sets import default_files, jsonl_set, seed_set, syndication_set
from benchmarks.syndicate import DEEP_TRIMS
from dedup import Config, cluster_documents
from dedup.candidates import candidate_sources
from dedup.pipeline import build_corpus
from dedup.similarity import tfidf


def copy_pairs_of(copies: dict[str, Any]) -> list[tuple[str, str]]:
    """Every gold copy pair (ids sorted)."""
    groups: dict[Any, list[str]] = {}
    for doc_id, base in copies.items():
        groups.setdefault(base, []).append(doc_id)
    return [pair for members in groups.values()
            for pair in itertools.combinations(sorted(members), 2)]


def candidate_recall(documents: list, pairs: list[tuple[str, str]], config: Config
                     ) -> dict[str, float]:
    """Share of ``pairs`` proposed by each candidate source and by any (of all candidate
    sources, before the date window)."""
    corpus, _ = build_corpus(documents, config, lambda *a: None)
    signatures, _ = corpus.finish()
    body, _ = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
    row = {p.id: i for i, p in enumerate(corpus.records)}
    n = len(corpus.records)
    wanted = {min(row[a], row[b]) * n + max(row[a], row[b]) for a, b in pairs}
    out: dict[str, float] = {}
    found: set[int] = set()
    for name, found_pairs in candidate_sources(corpus.records, signatures, body, config).items():
        keys = set((found_pairs[:, 0] * n + found_pairs[:, 1]).tolist()) & wanted
        out[name] = len(keys) / max(len(wanted), 1)
        found |= keys
    out["any"] = len(found) / max(len(wanted), 1)
    return out


def measure(labeled: Any, config: Config) -> dict[str, Any]:
    """Every figure of the module doc for one syndication set."""
    start = time.perf_counter()
    result = cluster_documents(labeled.documents, config)
    seconds = time.perf_counter() - start
    stories, groups = predictions(result)
    kind = {d.id: (d.metadata or {}).get("copy", "original") for d in labeled.documents}
    pairs = copy_pairs_of(labeled.copies)
    right = np.array([groups[a] == groups[b] for a, b in pairs], dtype=bool)
    deep = np.array([kind[a] == "deep" or kind[b] == "deep" for a, b in pairs], dtype=bool)
    copies = all_scores(labeled.copies, groups)
    story = all_scores(labeled.stories, stories)
    return {
        "documents": len(labeled.documents), "copy_pairs": len(pairs),
        "deep_pairs": int(deep.sum()), "seconds": seconds,
        "copies": copies, "stories": story,
        "tier_right": float(right.mean()) if len(right) else 1.0,
        "tier_right_deep": float(right[deep].mean()) if deep.any() else 1.0,
        "missed": [pair for pair, ok in zip(pairs, right) if not ok],
        "candidates": candidate_recall(labeled.documents, pairs, config),
        "candidates_deep": candidate_recall(
            labeled.documents, [p for p, d in zip(pairs, deep) if d], config),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.copies", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="labeled JSONL files")
    parser.add_argument("--bases", type=int, default=400, help="base articles (default 400)")
    parser.add_argument("--seed", type=int, nargs="+", default=[0], help="seeds (default 0)")
    parser.add_argument("--deep-trims", type=float, default=DEEP_TRIMS,
                        help=f"share of copies cut to 2-3 paragraphs (default {DEEP_TRIMS})")
    parser.add_argument("--show-missed", type=int, default=0, metavar="N",
                        help="print the first N copy pairs not put in one group")
    args = parser.parse_args(argv)
    files = args.files or default_files()
    sets = [jsonl_set(path) for path in files]
    if not sets and (seeds := seed_set()) is not None:
        sets = [seeds]
    print(f"{'seed':>4}{'docs':>6}{'pairs':>7}{'deep':>6}{'copyP':>7}{'copyR':>7}{'copyF1':>7}"
          f"{'storyP':>7}{'storyR':>7}{'storyF1':>8}{'tier':>7}{'tierD':>7}{'cand':>7}{'s':>6}")
    for seed in args.seed:
        labeled = syndication_set(sets, args.bases, seed, deep_trims=args.deep_trims)
        m = measure(labeled, Config())
        c, s = m["copies"], m["stories"]
        print(f"{seed:>4}{m['documents']:>6}{m['copy_pairs']:>7}{m['deep_pairs']:>6}"
              f"{c['pairwise_precision']:>7.3f}{c['pairwise_recall']:>7.3f}{c['pairwise_f1']:>7.3f}"
              f"{s['pairwise_precision']:>7.3f}{s['pairwise_recall']:>7.3f}{s['pairwise_f1']:>8.3f}"
              f"{m['tier_right']:>7.3f}{m['tier_right_deep']:>7.3f}{m['candidates']['any']:>7.3f}"
              f"{m['seconds']:>6.1f}")
        for name, key in (("all", "candidates"), ("deep", "candidates_deep")):
            print(f"      candidates ({name}): "
                  + ", ".join(f"{k} {v:.3f}" for k, v in m[key].items()))
        for a, b in m["missed"][:args.show_missed]:
            print(f"      missed: {a} {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
