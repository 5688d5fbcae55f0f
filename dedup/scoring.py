"""Scores of a candidate pair and the tier it earns, with the evidence a person can check.

Near-duplicates are decided by shingle Jaccard (copies of one text). Same-event links need
more than text: two write-ups of one event share few words, while stories about *other*
meetings of the same people share many. So the score adds to the TF-IDF cosine the agreement
of the event keys (shared people, weighted by how rare each name is; the same date; the same
venue or one inside the other) and a date or venue conflict takes points away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import Config
from .events import EventKey, compare_dates
from .gazetteer import countries
from .result import EXACT, NEAR

# Weights of the same-event score (measured on the dev sets, see benchmarks/quality.py).
W_COSINE = 1.0
# Cosine of headline + lead sentence: the densest statement of what happened.
W_HEAD = 0.4
# Shared people weigh fully when the date or the venue agrees too; the same people at an
# unknown time and place are weak evidence (the same ministers meet many times).
W_PEOPLE = 0.35
W_PEOPLE_UNCORROBORATED = 0.2
DATE_POINTS = {"same": 0.2, "overlap": 0.1, "unknown": 0.0, "conflict": -0.1}
PLACE_POINTS = {"match": 0.1, "related": 0.0, "unknown": 0.0, "conflict": -0.15}
# Ages in the headlines and leads (events.lead_ages): one in common is a specific fact of
# the event; none in common, where both give some, a weak sign of two (reports name
# different victims, relatives, suspects). Chosen leaving one labeled set out
# (docs/event-key.md).
AGE_POINTS = {"unknown": 0.0, "match": 0.1, "differ": -0.1}
# What became of the victims (events.lead_outcome): one report says someone died, the other
# that the victims live. Early reports change (a victim in stable condition dies days later),
# so it costs points and decides nothing (docs/event-key.md, *Outcomes*).
OUTCOME_POINTS = {"unknown": 0.0, "conflict": -0.3}


@dataclass(frozen=True)
class PairFeatures:
    jaccard: float
    cosine: float
    head_cosine: float
    people: float
    shared_people: tuple[str, ...]
    date: str
    date_label: str
    place: str
    place_label: str
    ages: str = "unknown"
    age_label: str = ""
    outcome: str = "unknown"
    outcome_label: str = ""

    @property
    def event_score(self) -> float:
        return float(event_scores(
            np.array([self.cosine]), np.array([self.head_cosine]), np.array([self.people]),
            np.array([DATE_CODES.index(self.date)]), np.array([PLACE_CODES.index(self.place)]),
            np.array([AGE_CODES.index(self.ages)]),
            np.array([OUTCOME_CODES.index(self.outcome)]),
        )[0])


DATE_CODES = ("unknown", "same", "overlap", "conflict")
PLACE_CODES = ("unknown", "match", "related", "conflict")
AGE_CODES = ("unknown", "match", "differ")
OUTCOME_CODES = ("unknown", "conflict")
_DATE_POINTS = np.array([DATE_POINTS[c] for c in DATE_CODES])
_PLACE_POINTS = np.array([PLACE_POINTS[c] for c in PLACE_CODES])


def event_scores(
    cosine: np.ndarray, head_cosine: np.ndarray, people: np.ndarray,
    date: np.ndarray, place: np.ndarray, ages: np.ndarray | None = None,
    outcome: np.ndarray | None = None,
) -> np.ndarray:
    """The same-event score of many pairs at once (``date``/``place``/``ages``/``outcome``
    are indices into DATE_CODES/PLACE_CODES/AGE_CODES/OUTCOME_CODES; no ``ages`` or
    ``outcome``: all unknown): the sum of :func:`score_parts`."""
    parts = score_parts(cosine, head_cosine, people, date, place, ages, outcome)
    return (parts["cosine"] + parts["head_cosine"] + parts["people"] + parts["date"]
            + parts["place"] + parts["ages"] + parts["outcome"])


def compare_ages(a: EventKey, b: EventKey) -> tuple[str, str]:
    """('match'|'differ'|'unknown', label) for the ages two articles' leads give
    (:func:`dedup.events.lead_ages`): an age in common, ages but none in common, or none
    given by one of them. An age both give, each only with the other sex ("a 3-year-old boy",
    "a 3-year-old girl": :func:`dedup.events.lead_age_sexes`), is not in common."""
    if not a.ages or not b.ages:
        return "unknown", ""
    shared = a.ages & b.ages
    if shared and a.age_sexes and b.age_sexes:
        shared = {age for age in shared if not _other_sex(a, b, age)}
    if shared:
        return "match", ", ".join(str(n) for n in sorted(shared))
    return "differ", ""


def _other_sex(a: EventKey, b: EventKey, age: int) -> bool:
    """Whether ``a`` and ``b`` both give ``age`` with a sex, and with no sex in common."""
    sa = {sex for n, sex in a.age_sexes if n == age}
    sb = {sex for n, sex in b.age_sexes if n == age}
    return bool(sa) and bool(sb) and sa.isdisjoint(sb)


def compare_outcomes(a: EventKey, b: EventKey) -> tuple[str, str]:
    """('conflict'|'unknown', label) for what two articles' leads say became of the victims
    (:func:`dedup.events.lead_outcome`): a conflict when one says someone died and the other
    that the victims live."""
    if {a.outcome, b.outcome} == {"fatal", "survived"}:
        return "conflict", f"{a.outcome} ≠ {b.outcome}"
    return "unknown", ""


def corroborated(date: np.ndarray, place: np.ndarray) -> np.ndarray:
    """Whether shared people weigh fully: the dates are the same or overlap, or the venues
    match (codes as in DATE_CODES/PLACE_CODES)."""
    return (date == 1) | (date == 2) | (place == 1)


def score_parts(
    cosine: np.ndarray, head_cosine: np.ndarray, people: np.ndarray,
    date: np.ndarray, place: np.ndarray, ages: np.ndarray | None = None,
    outcome: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """What each part adds to the same-event score: the weighted body and headline-and-lead
    cosines, the weighted people overlap (full weight when :func:`corroborated`), and the
    date, venue, age and outcome points."""
    age_points = np.array([AGE_POINTS[c] for c in AGE_CODES])
    outcome_points = np.array([OUTCOME_POINTS[c] for c in OUTCOME_CODES])
    return {
        "cosine": W_COSINE * cosine, "head_cosine": W_HEAD * head_cosine,
        "people": people_weight(date, place) * people, "date": _DATE_POINTS[date],
        "place": _PLACE_POINTS[place],
        "ages": age_points[ages] if ages is not None else np.zeros(len(cosine)),
        "outcome": outcome_points[outcome] if outcome is not None else np.zeros(len(cosine)),
    }


def people_weight(date: np.ndarray, place: np.ndarray) -> np.ndarray:
    """The weight of the people overlap: W_PEOPLE when :func:`corroborated`, else
    W_PEOPLE_UNCORROBORATED."""
    return np.where(corroborated(date, place), W_PEOPLE, W_PEOPLE_UNCORROBORATED)


def copy_pairs(same_text: np.ndarray, jaccard: np.ndarray, config: Config) -> np.ndarray:
    """The copy rule: two texts are copies when they are the same after normalization, or
    their estimated shingle Jaccard reaches the near-duplicate threshold."""
    return np.asarray(same_text, dtype=bool) | (np.asarray(jaccard) >= config.near_duplicate_threshold)


def entity_weight(df: int, n_docs: int) -> float:
    """IDF of a name: a name in every story says little, a rare one a lot."""
    return math.log((n_docs + 1) / (df + 1)) + 1.0


def people_similarity(
    a: EventKey, b: EventKey, weight: dict[str, float]
) -> tuple[float, tuple[str, ...]]:
    """Weighted Dice overlap of the people and organisations of two articles."""
    ea, eb = a.people | a.orgs, b.people | b.orgs
    if not ea or not eb:
        return 0.0, ()
    shared = ea & eb
    total = sum(weight.get(k, 1.0) for k in ea) + sum(weight.get(k, 1.0) for k in eb)
    score = 2.0 * sum(weight.get(k, 1.0) for k in shared) / total
    ranked = sorted(shared & (a.people | b.people), key=lambda k: (-weight.get(k, 1.0), k))
    return score, tuple(a.names.get(k, k) for k in ranked)


def compare_places(a: EventKey, b: EventKey) -> tuple[str, str]:
    """('match'|'related'|'conflict'|'unknown', label) for the venues of two articles.

    Two articles that name one street match, whatever their towns (a town the gazetteer
    does not place is no conflict then). Venues match when one article's venue is the other's, is named in the other, or contains or
    lies in one of its places, below country level ("Goa ⊃ Benaulim"): countries alone are too
    wide to place an event. Articles that share a smaller place otherwise are related; two known
    venues with nothing below country level in common conflict.
    """
    streets = a.streets & b.streets
    if streets:  # the finest venue both give: one street (see events.lead_streets)
        return "match", ", ".join(sorted(streets)[:2])
    if a.venue is None or b.venue is None:
        return "unknown", ""
    national = countries()
    pairs = ((a, b), (b, a))
    for x, y in pairs:  # a country is too wide to place an event: at most related
        if x.venue in national and (
            y.venue == x.venue or x.venue in y.place_parents.get(y.venue, frozenset())
        ):
            return "related", f"{x.names.get(x.venue, x.venue)} ⊃ {y.names.get(y.venue, y.venue)}" \
                if y.venue != x.venue else x.names.get(x.venue, x.venue)
    for x, y in pairs:  # the same venue, or one venue inside the other
        vx, vy = x.venue, y.venue
        if vx in national:
            continue
        if vx == vy:
            return "match", x.names.get(vx, vx)
        inner = [p for p, parents in y.place_parents.items() if vx in parents]
        if inner:
            first = min(inner)
            return "match", f"{x.names.get(vx, vx)} ⊃ {y.names.get(first, first)}"
    for x, y in pairs:  # one venue named in the other article
        if x.venue not in national and x.venue in y.places:
            return "match", x.names.get(x.venue, x.venue)
    both = a.places & b.places
    shared = sorted(p for p in both if p not in national) if both else ()
    if shared:
        return "related", ", ".join(a.names.get(p, p) for p in shared[:3])
    va, vb = a.names.get(a.venue, a.venue), b.names.get(b.venue, b.venue)
    return "conflict", f"{va} ≠ {vb}"


def pair_features(
    a: EventKey, b: EventKey, jaccard: float, cosine: float, head_cosine: float,
    weight: dict[str, float], config: Config,
) -> PairFeatures:
    people, shared = people_similarity(a, b, weight)
    date, date_label = compare_dates(a.date, b.date, config.date_tolerance_days)
    place, place_label = compare_places(a, b)
    ages, age_label = compare_ages(a, b)
    outcome, outcome_label = compare_outcomes(a, b)
    return PairFeatures(
        jaccard, cosine, head_cosine, people, shared, date, date_label, place, place_label,
        ages, age_label, outcome, outcome_label,
    )


def evidence(features: PairFeatures, kind: str) -> tuple[dict[str, float], dict[str, Any]]:
    """Scores and evidence of a link, with the one-line ``why``."""
    scores = {
        "jaccard": round(features.jaccard, 3),
        "cosine": round(features.cosine, 3),
        "head_cosine": round(features.head_cosine, 3),
        "people": round(features.people, 3),
        "score": round(features.event_score, 3),
    }
    facts: dict[str, Any] = {
        "date": {"relation": features.date, "value": features.date_label or None},
        "people": list(features.shared_people),
        "place": {"relation": features.place, "value": features.place_label or None},
        "ages": {"relation": features.ages, "value": features.age_label or None},
        "outcome": {"relation": features.outcome, "value": features.outcome_label or None},
    }
    if kind == EXACT:
        why = "exact: same text after normalization"
    elif kind == NEAR:
        why = f"near-duplicate: shingle jaccard {features.jaccard:.2f} · cosine {features.cosine:.2f}"
    else:
        parts = ["same event:"]
        if features.date_label and features.date in ("same", "overlap"):
            parts.append(features.date_label)
        if features.shared_people:
            parts.append(", ".join(features.shared_people[:4]))
        if features.place_label and features.place == "match":
            parts.append(features.place_label)
        if features.ages == "match":
            parts.append(f"aged {features.age_label}")
        parts.append(f"cosine {features.cosine:.2f}")
        why = parts[0] + " " + " · ".join(parts[1:])
    facts["why"] = why
    return scores, facts
