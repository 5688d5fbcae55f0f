"""``python -m benchmarks.loso``: the points of the age relation (``scoring.AGE_POINTS``)
chosen leaving one labeled set out; ``--outcome``: the points of an outcome conflict
(``scoring.OUTCOME_POINTS``), the same way; ``--rules``: each event-key rule without a
parameter (the round-up conflict, street venues, outcomes, the sex of an age) kept or
dropped, the same way.

Each file of ``../shared/data/`` is scored once (:func:`benchmarks.pair_model.load`); for
each pair of points (an age in common, ages but none in common) its score column is redone
with them and the file clustered as the default run does. For each file held out, the points
with the best mean figure on the two others are chosen and the held-out file is reported with
them. A file's figure is its target measure: ARI for ECB+ (no dates), pairwise F1 over the
pairs published within 30 days for gva-dev, pairwise F1 for the others.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.pair_model import Scored, cluster_with, load
from benchmarks.sets import labeled_files
from dedup import Config
from dedup.pairs import age_column, outcome_column, place_column
from dedup.scoring import AGE_CODES, AGE_POINTS, OUTCOME_CODES, OUTCOME_POINTS, event_scores

MATCH = (0.0, 0.05, 0.1, 0.15, 0.2)
DIFFER = (0.0, -0.05, -0.1, -0.15)
CONFLICT = (0.0, -0.1, -0.2, -0.3, -0.4, -0.5)


def figure(name: str, scores: dict[str, float]) -> float:
    """The file's target measure (see the module doc)."""
    if name.startswith("ecbplus"):
        return scores["ari"]
    if name.startswith("gva"):
        return scores["f1_30"]
    return scores["pairwise_f1"]


def rescored(s: Scored, match: float, differ: float) -> np.ndarray:
    """The file's score column with other age points."""
    now = np.array([AGE_POINTS[c] for c in AGE_CODES])
    new = np.array([0.0, match, differ])
    return s.table.score - now[s.table.ages] + new[s.table.ages]


def outcome_rescored(s: Scored, conflict: float) -> np.ndarray:
    """The file's score column with other points for an outcome conflict."""
    now = np.array([OUTCOME_POINTS[c] for c in OUTCOME_CODES])
    new = np.array([0.0, conflict])
    return s.table.score - now[s.table.outcome] + new[s.table.outcome]


# The rules --rules keeps or drops: what each takes out of the event keys when dropped.
RULES = {
    "round-up": lambda key: dataclasses.replace(key, roundup=False),
    "streets": lambda key: dataclasses.replace(key, streets=frozenset()),
    "outcome": lambda key: dataclasses.replace(key, outcome=None),
    "age sexes": lambda key: dataclasses.replace(key, age_sexes=frozenset()),
}


def without(s: Scored, rules: Sequence[str]) -> Scored:
    """The scored file with ``rules`` (names in :data:`RULES`) dropped from its keys, the
    venue relations and scores redone."""
    keys = s.keys
    for rule in rules:
        keys = [RULES[rule](key) for key in keys]
    table = s.table
    place = place_column(keys, table.left, table.right)
    outcome = outcome_column(keys, table.left, table.right)
    ages = age_column(keys, table.left, table.right)
    # the people weight depends on the venue relation too: redo the score from its parts
    score = event_scores(table.cosine, table.head_cosine, table.people, table.date, place,
                         ages, outcome)
    return dataclasses.replace(s, keys=keys, table=dataclasses.replace(
        table, place=place, outcome=outcome, ages=ages, score=score))


def chosen_on_others(held: Scored, sets: list[Scored], options: Sequence[Any],
                     figure_of: Callable[[str, Any], float],
                     simpler: Callable[[Any], Any]) -> Any:
    """The option with the best mean figure (``figure_of(set name, option)``) on the sets
    other than ``held``; ties go to the larger ``simpler(option)``."""
    train = [s.name for s in sets if s is not held]
    return max(options, key=lambda o: (np.mean([figure_of(n, o) for n in train]), simpler(o)))


def rules_main(sets: list[Scored], config: Config) -> None:
    """Each subset of :data:`RULES` kept; for each file held out, the subset with the best
    mean figure on the others (ties: fewer rules), and the held-out figure with it."""
    subsets = [tuple(r for r, keep in zip(RULES, bits) if keep)
               for bits in itertools.product((False, True), repeat=len(RULES))]
    table = {}
    for s in sets:
        for kept in subsets:
            dropped = [r for r in RULES if r not in kept]
            variant = without(s, dropped)
            r = cluster_with(variant, variant.table.score, config.same_event_threshold,
                             config.cluster_threshold)
            table[s.name, kept] = figure(s.name, r)
    print(f"{'held out':<20}{'rules chosen on the others':>34}{'held-out figure':>17}"
          f"{'no rule':>9}{'all rules':>11}")
    for held in sets:
        best = chosen_on_others(held, sets, subsets, lambda n, k: table[n, k],
                                lambda k: -len(k))
        print(f"{held.name:<20}{', '.join(best) or 'none':>34}{table[held.name, best]:>17.3f}"
              f"{table[held.name, ()]:>9.3f}{table[held.name, subsets[-1]]:>11.3f}")
    print("all subsets: " + "; ".join(
        f"{', '.join(k) or 'none'}: " + " ".join(f"{table[s.name, k]:.3f}" for s in sets)
        for k in subsets))


def outcome_main(sets: list[Scored], config: Config) -> None:
    """For each file held out, the outcome-conflict points with the best mean figure on the
    others (ties: the smaller cost), and the held-out figure with them."""
    table = {}
    for s in sets:
        for points in CONFLICT:
            r = cluster_with(s, outcome_rescored(s, points), config.same_event_threshold,
                             config.cluster_threshold)
            table[s.name, points] = figure(s.name, r)
    print(f"{'held out':<20}{'chosen (conflict)':>19}{'held-out figure':>17}"
          f"{'without':>9}")
    for held in sets:
        best = chosen_on_others(held, sets, CONFLICT, lambda n, p: table[n, p],
                                lambda p: -abs(p))
        print(f"{held.name:<20}{best:>19}{table[held.name, best]:>17.3f}"
              f"{table[held.name, 0.0]:>9.3f}")
    print("all points: " + "; ".join(
        f"{p}: " + " ".join(f"{table[s.name, p]:.3f}" for s in sets) for p in CONFLICT))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loso", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rules", action="store_true",
                        help="keep or drop each event-key rule (round-up, streets, outcome, "
                        "age sexes) instead")
    parser.add_argument("--outcome", action="store_true",
                        help="choose the points of an outcome conflict instead")
    args = parser.parse_args(argv)
    files = labeled_files(args.files, least=2)
    if files is None:
        return 2
    config = Config()
    sets = [load(f, config) for f in files]
    if args.rules:
        rules_main(sets, config)
        return 0
    if args.outcome:
        outcome_main(sets, config)
        return 0
    grid = list(itertools.product(MATCH, DIFFER))
    table = {}
    for s in sets:
        for match, differ in grid:
            r = cluster_with(s, rescored(s, match, differ), config.same_event_threshold,
                             config.cluster_threshold)
            table[s.name, match, differ] = figure(s.name, r)
    print(f"{'held out':<20}{'chosen (match, differ)':>24}{'held-out figure':>17}"
          f"{'without ages':>14}")
    for held in sets:
        best = chosen_on_others(held, sets, grid, lambda n, g: table[(n, *g)],
                                lambda g: (-abs(g[0]), -abs(g[1])))
        print(f"{held.name:<20}{str(best):>24}{table[(held.name, *best)]:>17.3f}"
              f"{table[held.name, 0.0, 0.0]:>14.3f}")
    print("all points (match, differ): " + "; ".join(
        f"{g}: " + " ".join(f"{table[(s.name, *g)]:.3f}" for s in sets) for g in grid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
