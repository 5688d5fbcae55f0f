"""Candidate pairs scored column-wise: every similarity and event-key relation of all pairs as
numpy arrays, so that scoring costs a few vector operations rather than a Python call per pair.
The per-pair objects with their labels (:class:`~dedup.scoring.PairFeatures`) are built only for
the pairs that become links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .config import Config
from .events import EventKey
from .scoring import PLACE_CODES, PairFeatures, compare_places, entity_weight, event_scores
from .scoring import pair_features as _pair_features


@dataclass
class PairTable:
    """Columns over candidate pairs ``(left[k], right[k])``, ``left < right``."""

    left: np.ndarray
    right: np.ndarray
    jaccard: np.ndarray
    cosine: np.ndarray
    head_cosine: np.ndarray
    people: np.ndarray
    date: np.ndarray
    place: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.left)

    def renumbered(self, rank: np.ndarray) -> PairTable:
        """The same pairs with row ``i`` renamed ``rank[i]``, each pair (low, high), sorted."""
        a, b = rank[self.left], rank[self.right]
        left, right = np.minimum(a, b), np.maximum(a, b)
        order = np.lexsort((right, left))
        return PairTable(
            left[order], right[order], self.jaccard[order], self.cosine[order],
            self.head_cosine[order], self.people[order], self.date[order], self.place[order],
            self.score[order],
        )


def entity_weights(keys: list[EventKey]) -> dict[str, float]:
    """IDF of every person and organisation over the corpus."""
    df: dict[str, int] = {}
    for key in keys:
        for name in key.people | key.orgs:
            df[name] = df.get(name, 0) + 1
    return {name: entity_weight(count, len(keys)) for name, count in df.items()}


def people_column(
    keys: list[EventKey], weight: dict[str, float], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Weighted Dice overlap of people and organisations, for all pairs at once."""
    columns: dict[str, int] = {}
    rows, cols = [], []
    for i, key in enumerate(keys):
        for name in key.people | key.orgs:
            rows.append(i)
            cols.append(columns.setdefault(name, len(columns)))
    w = np.zeros(max(len(columns), 1))
    for name, c in columns.items():
        w[c] = weight.get(name, 1.0)
    marks = sp.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(keys), max(len(columns), 1))
    )
    totals = marks @ w
    shared = np.zeros(len(left))
    for start in range(0, len(left), 50_000):  # in blocks: row copies stay small
        stop = start + 50_000
        shared[start:stop] = marks[left[start:stop]].multiply(marks[right[start:stop]]) @ w
    denom = totals[left] + totals[right]
    out = np.zeros(len(left))
    np.divide(2.0 * shared, denom, out=out, where=(totals[left] > 0) & (totals[right] > 0))
    return out


def _date_arrays(keys: list[EventKey]) -> dict[str, np.ndarray]:
    n = len(keys)
    has = np.zeros(n, bool)
    lo = np.zeros(n, np.int64)
    hi = np.zeros(n, np.int64)
    mlo = np.zeros(n, np.int64)
    mhi = np.zeros(n, np.int64)
    year = np.zeros(n, bool)
    for i, key in enumerate(keys):
        d = key.date
        if d is None:
            continue
        has[i], year[i] = True, d.year_known
        lo[i], hi[i] = d.lo.toordinal(), d.hi.toordinal()
        mlo[i] = dt.date(2000, d.lo.month, d.lo.day).toordinal()
        mhi[i] = dt.date(2000, d.hi.month, d.hi.day).toordinal()
    return {"has": has, "lo": lo, "hi": hi, "mlo": mlo, "mhi": mhi, "year": year}


def date_column(
    keys: list[EventKey], left: np.ndarray, right: np.ndarray, tolerance: int
) -> np.ndarray:
    """Date relation codes (see scoring.DATE_CODES), vectorised like events.compare_dates."""
    d = _date_arrays(keys)
    both_years = d["year"][left] & d["year"][right]
    alo = np.where(both_years, d["lo"][left], d["mlo"][left])
    ahi = np.where(both_years, d["hi"][left], d["mhi"][left])
    blo = np.where(both_years, d["lo"][right], d["mlo"][right])
    bhi = np.where(both_years, d["hi"][right], d["mhi"][right])
    known = d["has"][left] & d["has"][right] & (ahi >= alo) & (bhi >= blo)
    gap = np.maximum(blo - ahi, alo - bhi)
    exact = (alo == ahi) & (blo == bhi)
    code = np.where(gap > tolerance, 3, np.where(exact, 1, 2))
    return np.where(known, code, 0)


def place_column(keys: list[EventKey], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Venue relation codes (see scoring.PLACE_CODES); only pairs with two venues are compared."""
    out = np.zeros(len(left), dtype=np.int64)
    venue = np.array([k.venue is not None for k in keys], dtype=bool)
    code = {relation: PLACE_CODES.index(relation) for relation in PLACE_CODES}
    for k in np.flatnonzero(venue[left] & venue[right]).tolist():
        out[k] = code[compare_places(keys[left[k]], keys[right[k]])[0]]
    return out


def score_pairs(
    keys: list[EventKey], left: np.ndarray, right: np.ndarray, jaccard: np.ndarray,
    cosine: np.ndarray, head_cosine: np.ndarray, config: Config,
) -> tuple[PairTable, dict[str, float]]:
    """All columns of the candidate pairs and their same-event scores."""
    weight = entity_weights(keys)
    people = people_column(keys, weight, left, right)
    date = date_column(keys, left, right, config.date_tolerance_days)
    place = place_column(keys, left, right)
    score = event_scores(cosine, head_cosine, people, date, place)
    table = PairTable(left, right, jaccard, cosine, head_cosine, people, date, place, score)
    return table, weight


def features(
    table: PairTable, k: int, keys: list[EventKey], weight: dict[str, float], config: Config
) -> PairFeatures:
    """The full features of pair ``k``, with the labels shown as evidence."""
    i, j = int(table.left[k]), int(table.right[k])
    return _pair_features(
        keys[i], keys[j], float(table.jaccard[k]), float(table.cosine[k]),
        float(table.head_cosine[k]), weight, config,
    )
