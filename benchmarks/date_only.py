"""``python -m benchmarks.date_only``: should the date's points count when nothing else agrees?

Issue 12: widening the salient-term blocking (``Config.salient_terms`` 24 -> 48) brings gva-dev
pairs of different shootings reported on the same day, with no venue, no shared people and a
low text cosine, and the hand-set score links them on the date's points. This experiment
makes the date's positive points (``scoring.DATE_POINTS`` "same" / "overlap") count only when
another fact supports the pair or the body TF-IDF cosine reaches ``c`` (:data:`FAMILIES`,
:func:`facts`: which facts support), or (``veto``) keeps a pair with neither below the
same-event threshold.

Each file of ``../shared/data/`` is scored once per blocking (``--salient``, default 24, 32
and 48 salient terms; :func:`benchmarks.pair_model.load`), its score column redone for each
rule and clustered as the default run does. For each file held out, the rule (and, jointly,
the blocking and the rule) with the best mean target figure (ARI for ECB+, F1 over the pairs
within 30 days for gva-dev, pairwise F1 for GVC: :func:`benchmarks.loso.figure`) on the two
others is chosen and the held-out file reported with it. Experiment only: the library is not
changed by it; figures in ``benchmarks/results/2026-12-03-issue12-date-only.md``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.loso import figure
from benchmarks.pair_model import Scored, cluster_with, load
from benchmarks.sets import labeled_files
from dedup import Config
from dedup.scoring import DATE_CODES, DATE_POINTS

CUTS = (0.1, 0.15, 0.2, 0.3, 2.0)

# What counts as a fact that supports a pair, per rule family (see :func:`facts`).
FAMILIES = ("venue/person/age", "venue/person", "person/street", "veto", "veto person/street")


def facts(s: Scored, family: str) -> np.ndarray:
    """Pairs with a supporting fact: ``venue/person/age``: a matching venue (street, town or
    region), a shared person or organisation, or a shared age; ``venue/person``: without
    ages; ``person/street``: a shared person's name or street only (a town match is no
    support); ``veto``: as ``venue/person``; ``veto person/street``: as ``person/street``."""
    t = s.table
    if family.endswith("person/street"):
        return np.array([bool(s.keys[a].people & s.keys[b].people
                              or s.keys[a].streets & s.keys[b].streets)
                         for a, b in zip(t.left.tolist(), t.right.tolist())], dtype=bool)
    fact = (t.place == 1) | (t.people > 0)
    if family == "venue/person/age" and t.ages is not None:
        fact |= t.ages == 1
    return fact


def rescored(s: Scored, family: str, cut: float, threshold: float) -> np.ndarray:
    """The score column under the rule: the date's positive points dropped from the pairs
    with no supporting fact and a body cosine below ``cut``; ``veto``: such pairs kept
    below ``threshold`` (a link that rests on no fact needs the cosine)."""
    ok = facts(s, family) | (s.table.cosine >= cut)
    if family.startswith("veto"):
        return np.where(ok, s.table.score, np.minimum(s.table.score, threshold / 2))
    points = np.array([max(DATE_POINTS[c], 0.0) for c in DATE_CODES])
    return s.table.score - np.where(ok, 0.0, points[s.table.date])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.date_only", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--salient", type=int, nargs="+", default=[24, 32, 48],
                        help="salient terms per document of each blocking (first: the default)")
    args = parser.parse_args(argv)
    files = labeled_files(args.files, least=2)
    if files is None:
        return 2
    base = Config()
    options = [("today", 0.0)] + [(f, c) for f in FAMILIES for c in CUTS]
    table: dict[tuple[int, str, tuple[str, float]], float] = {}
    names: list[str] = []
    for path in files:
        for salient in args.salient:
            config = dataclasses.replace(base, salient_terms=salient)
            s = load(path, config)
            if s.name not in names:
                names.append(s.name)
            for option in options:
                score = s.table.score if option[0] == "today" else rescored(
                    s, *option, config.same_event_threshold)
                r = cluster_with(s, score, config.same_event_threshold, config.cluster_threshold)
                table[salient, s.name, option] = figure(s.name, r)
                print(f"{s.name:<18} salient {salient:>3} {option[0]:<18} c {option[1]:<5} "
                      f"ARI {r['ari']:.3f} P30 {r['p30']:.3f} R30 {r['r30']:.3f} "
                      f"F1_30 {r['f1_30']:.3f} F1 {r['pairwise_f1']:.3f}", flush=True)
    # ties: today's score, then the larger cut (the rule that drops fewest points)
    def rank(option: tuple[str, float]) -> tuple[bool, float]:
        return option[0] == "today", option[1]

    print("held out: rule chosen on the others (per blocking, then blocking and rule "
          "together), held-out figure, and the held-out figure today at 24 salient terms")
    for held in names:
        others = [n for n in names if n != held]
        base_figure = table[args.salient[0], held, options[0]]
        for salient in args.salient:
            best = max(options, key=lambda o: (np.mean([table[salient, n, o] for n in others]),
                                               rank(o)))
            print(f"  {held:<18} salient {salient:>3}: {best[0]} c {best[1]}: "
                  f"{table[salient, held, best]:.3f} (today {base_figure:.3f})")
        both = max(((b, o) for b in args.salient for o in options),
                   key=lambda bo: (np.mean([table[bo[0], n, bo[1]] for n in others]),
                                   -bo[0], rank(bo[1])))
        print(f"  {held:<18} jointly: salient {both[0]}, {both[1][0]} c {both[1][1]}: "
              f"{table[both[0], held, both[1]]:.3f} (today {base_figure:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
