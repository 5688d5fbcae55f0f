"""Hand-computed checks of :mod:`benchmarks.metrics`."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from benchmarks.metrics import (
    adjusted_rand_index,
    all_scores,
    bcubed_prf,
    pair_counts,
    pairwise_prf,
)

GOLD = {"a": 1, "b": 1, "c": 2, "d": 2}
PRED = {"a": 1, "b": 1, "c": 1, "d": 3}


def test_pair_counts_small_example() -> None:
    # predicted pairs ab, ac, bc; gold pairs ab, cd; only ab is in both
    assert pair_counts(GOLD, PRED) == (1, 3, 2)


def test_pairwise_small_example() -> None:
    precision, recall, f1 = pairwise_prf(GOLD, PRED)
    assert precision == pytest.approx(1 / 3)
    assert recall == pytest.approx(1 / 2)
    assert f1 == pytest.approx(2 / 5)


def test_bcubed_small_example() -> None:
    # precision per doc: a 2/3, b 2/3, c 1/3, d 1 -> 2/3; recall: a 1, b 1, c 1/2, d 1/2 -> 3/4
    precision, recall, f1 = bcubed_prf(GOLD, PRED)
    assert precision == pytest.approx(2 / 3)
    assert recall == pytest.approx(3 / 4)
    assert f1 == pytest.approx(12 / 17)


def test_ari_small_example() -> None:
    # index 1, expected 2 * 3 / 6 = 1, max 2.5 -> (1 - 1) / 1.5 = 0
    assert adjusted_rand_index(GOLD, PRED) == pytest.approx(0.0)


def test_perfect_match_scores_one() -> None:
    relabeled = {k: f"x{v}" for k, v in GOLD.items()}  # label names do not matter
    assert pairwise_prf(GOLD, relabeled) == pytest.approx((1.0, 1.0, 1.0))
    assert bcubed_prf(GOLD, relabeled) == pytest.approx((1.0, 1.0, 1.0))
    assert adjusted_rand_index(GOLD, relabeled) == pytest.approx(1.0)


def test_all_singletons_against_pairs() -> None:
    singletons = {k: k for k in GOLD}
    assert pairwise_prf(GOLD, singletons) == (1.0, 0.0, 0.0)  # nothing claimed: P = 1 by convention
    precision, recall, _ = bcubed_prf(GOLD, singletons)
    assert precision == 1.0 and recall == pytest.approx(0.5)


def test_no_gold_pairs_recall_convention() -> None:
    gold = {k: k for k in "abc"}
    pred = {"a": 0, "b": 0, "c": 1}
    assert pairwise_prf(gold, pred) == (0.0, 1.0, 0.0)
    assert pairwise_prf(gold, gold) == (1.0, 1.0, 1.0)


def test_degenerate_and_empty_inputs() -> None:
    one = {k: 0 for k in "abcd"}
    assert adjusted_rand_index(one, one) == 1.0
    assert adjusted_rand_index({}, {}) == 1.0
    assert bcubed_prf({}, {}) == (1.0, 1.0, 1.0)


def test_mismatched_keys_raise() -> None:
    with pytest.raises(ValueError):
        pairwise_prf(GOLD, {"a": 1})


@pytest.mark.parametrize("seed", range(8))
def test_ari_matches_sklearn(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(2, 200)
    gold = {i: rng.randrange(rng.randint(1, 20)) for i in range(n)}
    pred = {i: rng.randrange(rng.randint(1, 20)) for i in range(n)}
    keys = list(gold)
    expected = adjusted_rand_score([gold[k] for k in keys], [pred[k] for k in keys])
    assert adjusted_rand_index(gold, pred) == pytest.approx(expected, abs=1e-12)


def test_all_scores_keys() -> None:
    scores = all_scores(GOLD, PRED)
    assert scores["clusters"] == 2
    assert scores["pairwise_f1"] == pytest.approx(2 / 5)
