"""Clustering quality metrics over two labelings of the same documents.

Every function takes ``gold`` and ``pred`` as ``dict[doc_id, label]`` with the same keys and works
from the contingency table (counts of documents per (gold label, predicted label) cell), so the cost
is linear in the number of documents: no loop over document pairs.

Conventions for empty denominators (documented once, used everywhere):

* Pairwise precision is ``1.0`` when the prediction claims no pairs (nothing claimed, so nothing
  claimed wrongly); pairwise recall is ``1.0`` when the gold labeling has no pairs (nothing to
  find). An all-singletons prediction on data with gold pairs thus gets P=1, R=0, F1=0.
* F1 is ``0.0`` when precision and recall are both zero.
* For empty input every score is ``1.0`` (the empty labelings agree).
* ARI is ``1.0`` in the degenerate case where its denominator vanishes (both labelings are all
  singletons, or both put everything in one cluster), as :func:`sklearn.metrics.adjusted_rand_score`
  does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping

Labeling = Mapping[Hashable, Hashable]


def _check_keys(gold: Labeling, pred: Labeling) -> None:
    """Raise ``ValueError`` unless both labelings cover exactly the same documents."""
    if gold.keys() != pred.keys():
        missing = len(gold.keys() - pred.keys())
        extra = len(pred.keys() - gold.keys())
        raise ValueError(
            f"labelings differ: {missing} gold ids missing from pred, {extra} extra ids in pred"
        )


def contingency(gold: Labeling, pred: Labeling) -> tuple[Counter, Counter, Counter]:
    """Return ``(cells, gold_sizes, pred_sizes)``.

    ``cells`` counts documents per ``(gold_label, pred_label)``; the other two count documents per
    gold label and per predicted label.
    """
    _check_keys(gold, pred)
    cells: Counter = Counter((gold[k], pred[k]) for k in gold)
    gold_sizes: Counter = Counter(gold.values())
    pred_sizes: Counter = Counter(pred.values())
    return cells, gold_sizes, pred_sizes


def _pairs(n: int) -> int:
    """Number of unordered pairs among ``n`` items (n choose 2)."""
    return n * (n - 1) // 2


def _ratio(num: float, den: float) -> float:
    """``num / den``, or ``1.0`` when ``den`` is zero (then ``num`` is zero too)."""
    return num / den if den else 1.0


def _f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall, ``0.0`` if both are zero."""
    total = precision + recall
    return 2.0 * precision * recall / total if total else 0.0


def pair_counts(gold: Labeling, pred: Labeling) -> tuple[int, int, int]:
    """Return ``(true_pairs, predicted_pairs, gold_pairs)``.

    A true pair is a pair of documents that share both a gold and a predicted label.
    """
    cells, gold_sizes, pred_sizes = contingency(gold, pred)
    true_pairs = sum(_pairs(n) for n in cells.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    return true_pairs, pred_pairs, gold_pairs


def pairwise_prf(gold: Labeling, pred: Labeling) -> tuple[float, float, float]:
    """Pairwise (link-based) precision, recall and F1.

    Precision = true pairs / predicted pairs, recall = true pairs / gold pairs, with the empty-
    denominator convention of this module (``1.0`` when nothing is claimed / nothing to find).
    """
    true_pairs, pred_pairs, gold_pairs = pair_counts(gold, pred)
    precision = _ratio(true_pairs, pred_pairs)
    recall = _ratio(true_pairs, gold_pairs)
    return precision, recall, _f1(precision, recall)


def bcubed_prf(gold: Labeling, pred: Labeling) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998), averaged over documents.

    For a document in gold cluster G and predicted cluster P, its precision is ``|G∩P| / |P|`` and
    its recall ``|G∩P| / |G|``; summed per contingency cell this is ``n_ij**2 / |P_j|`` and
    ``n_ij**2 / |G_i|``. F1 is the harmonic mean of the two averages. Empty input scores 1.0.
    """
    cells, gold_sizes, pred_sizes = contingency(gold, pred)
    n = len(gold)
    if n == 0:
        return 1.0, 1.0, 1.0
    precision = sum(c * c / pred_sizes[p] for (_, p), c in cells.items()) / n
    recall = sum(c * c / gold_sizes[g] for (g, _), c in cells.items()) / n
    return precision, recall, _f1(precision, recall)


def adjusted_rand_index(gold: Labeling, pred: Labeling) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) from the contingency table.

    ``ARI = (index - expected) / (max_index - expected)`` where ``index`` is the number of pairs
    together in both labelings, ``expected = gold_pairs * pred_pairs / all_pairs`` and
    ``max_index = (gold_pairs + pred_pairs) / 2``. Returns ``1.0`` when the denominator is zero
    (identical degenerate labelings). Counts are exact Python integers, so no overflow.
    """
    true_pairs, pred_pairs, gold_pairs = pair_counts(gold, pred)
    all_pairs = _pairs(len(gold))
    if all_pairs == 0:
        return 1.0
    expected = gold_pairs * pred_pairs / all_pairs
    max_index = (gold_pairs + pred_pairs) / 2
    denominator = max_index - expected
    if denominator == 0:
        return 1.0
    return (true_pairs - expected) / denominator


def all_scores(gold: Labeling, pred: Labeling) -> dict[str, float | int]:
    """Every metric of this module in one flat dict (for tables and JSON)."""
    p, r, f = pairwise_prf(gold, pred)
    bp, br, bf = bcubed_prf(gold, pred)
    return {
        "pairwise_precision": p,
        "pairwise_recall": r,
        "pairwise_f1": f,
        "bcubed_precision": bp,
        "bcubed_recall": br,
        "bcubed_f1": bf,
        "ari": adjusted_rand_index(gold, pred),
        "clusters": len(set(pred.values())),
    }
