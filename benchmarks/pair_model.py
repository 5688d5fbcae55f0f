"""``python -m benchmarks.pair_model``: would a learned pair model beat the hand-set score?

An experiment for the quality issue, not a default. The candidate pairs of each labeled file
of ``../shared/data/`` are scored by dedup as usual (:func:`dedup.pairs.score_candidates`);
their feature columns (cosines, people overlap, date and venue relations) and the gold label
(same ``cluster`` or not) train a logistic regression. Leave one set out: the model and its two
thresholds (pair and average-linkage) are fitted on two files and the third is clustered with
them (the same :func:`dedup.cluster.cluster_scored` as the default run, the score column
replaced by the model's probability). Each file is reported against the default score.

Pairs further than 30 days apart never become candidates (``window_days``), so the training
pairs are the ones the clustering sees.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.labeled import _day, read_records, windowed_prf
from benchmarks.metrics import all_scores
from benchmarks.sets import labeled_files, to_documents
from dedup import Config
from dedup.cluster import cluster_scored
from dedup.pairs import PairTable, score_candidates
from dedup.pipeline import build_corpus, scored_keys
from dedup.scoring import corroborated


@dataclasses.dataclass
class Scored:
    name: str
    corpus: Any
    keys: list
    table: PairTable
    weight: dict
    gold: dict[str, Any]
    days: dict[str, Any]
    y: np.ndarray


def load(path: Path, config: Config) -> Scored:
    records = read_records(path)
    corpus, _ = build_corpus(to_documents(records), config, lambda *a: None)
    keys = scored_keys(corpus)
    table, weight = score_candidates(corpus, corpus.records, keys, config, lambda *a: None)
    gold = {str(r["id"]): r["cluster"] for r in records}
    ids = [p.id for p in corpus.records]
    y = np.array([gold[ids[a]] == gold[ids[b]] for a, b in zip(table.left, table.right)])
    days = {str(r["id"]): _day(r.get("published") or r.get("date")) for r in records}
    return Scored(path.name, corpus, keys, table, weight, gold, days, y)


def features(t: PairTable) -> np.ndarray:
    """The pair columns as model inputs: cosines, people overlap (and the same when the date
    or venue corroborates it), one-hot date and venue relations, cosine x conflict."""
    date = [(t.date == c).astype(float) for c in (1, 2, 3)]
    place = [(t.place == c).astype(float) for c in (1, 2, 3)]
    corr = corroborated(t.date, t.place).astype(float)
    conflict = ((t.date == 3) | (t.place == 3)).astype(float)
    return np.column_stack([
        t.cosine, t.head_cosine, t.people, t.people * corr, *date, *place,
        t.cosine * conflict, t.jaccard,
    ])


def cluster_with(s: Scored, scores: np.ndarray, pair: float, average: float) -> dict[str, float]:
    table = dataclasses.replace(s.table, score=scores)
    config = dataclasses.replace(s.corpus.config, same_event_threshold=pair,
                                 cluster_threshold=average)
    kept, s.corpus.config = s.corpus.config, config
    try:
        result = cluster_scored(s.corpus, s.keys, table, s.weight)
    finally:
        s.corpus.config = kept
    pred = {m: c.id for c in result.clusters for m in c.members}
    gold = {k: v for k, v in s.gold.items() if k in pred}
    out = all_scores(gold, pred)
    out["p30"], out["r30"], out["f1_30"] = windowed_prf(gold, pred, s.days)
    return out


def fit(train: list[Scored]) -> Any:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack([features(s.table) for s in train])
    y = np.concatenate([s.y for s in train])
    # Each set weighs the same, whatever its number of pairs.
    w = np.concatenate([np.full(len(s.y), 1.0 / max(len(s.y), 1)) for s in train])
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(x, y, sample_weight=w * len(y) / len(train))
    return model


GRID_PAIR = (0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
GRID_AVERAGE = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pair_model", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = labeled_files(args.files, least=2)
    if files is None:
        return 2
    sets = [load(f, Config()) for f in files]
    print(f"{'held out':<20}{'score':<10}{'P30':>7}{'R30':>7}{'F1_30':>7}{'ARI':>7}  thresholds")
    for held in sets:
        train = [s for s in sets if s is not held]
        model = fit(train)
        probs = {s.name: model.predict_proba(features(s.table))[:, 1] for s in sets}
        best = max(
            itertools.product(GRID_PAIR, GRID_AVERAGE),
            key=lambda th: np.mean([cluster_with(s, probs[s.name], *th)["f1_30"] for s in train]),
        )
        base = cluster_with(held, held.table.score, 0.4, 0.25)
        learned = cluster_with(held, probs[held.name], *best)
        for label, r, th in (("default", base, (0.4, 0.25)), ("learned", learned, best)):
            print(f"{held.name:<20}{label:<10}{r['p30']:>7.3f}{r['r30']:>7.3f}{r['f1_30']:>7.3f}"
                  f"{r['ari']:>7.3f}  {th}")
        names = ["cos", "head", "people", "people*corr", "date=", "date~", "date!", "place=",
                 "place<", "place!", "cos*conflict", "jaccard"]
        print("  coefficients:", {n: round(float(c), 2) for n, c in zip(names, model.coef_[0])},
              "intercept", round(float(model.intercept_[0]), 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
