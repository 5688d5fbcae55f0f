"""One frozen configuration for the whole pipeline, with the defaults that serve all news."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class Config:
    """Settings of every stage. All options are keyword-only; defaults are the one configuration
    measured on the labeled sets (see ``benchmarks/``), not tuned per dataset.

    Fingerprints (near-duplicate tier):
        shingle_size: words per shingle. Default 5.
        num_perm: MinHash permutations. Default 128.
        seed: seed of the MinHash permutations. Default 1.
        near_duplicate_threshold: estimated Jaccard of word shingles (or containment of the
            shorter text, for trimmed copies) from which two texts are copies of one story. Default 0.5.

    Same-event tier:
        salient_terms: distinctive terms per document used to bring different write-ups of
            one event together as candidates. Default 24.
        max_block_size: a salient term shared by more documents than this is too common to
            block on. Default 400.
        max_partners: blocking candidates per document: of the documents before it (in input
            order, the order a crawler index adds them) that share ``min_shared`` salient terms
            with it inside the date window, it is compared with at most this many, those sharing
            the most salient terms first (ties: the nearest before it). Exact copies and
            MinHash-LSH candidates are never capped. This keeps the candidate pairs, and every
            stage after them, linear in the number of documents where names and places repeat
            across many stories. Default 64 (see ``docs/`` for its measured effect).
        max_fact_holders: a key fact (a person's surname, a block address) given by two to
            this many documents inside the date window makes them candidates whatever their
            terms: a follow-up naming the victim often shares no two salient terms with the
            first report. A fact more documents give is too common to pair on; 0 or 1: no such
            candidates. Default 5. Like ``max_block_size``, it counts documents, so on a handful
            of articles every shared surname is rare.
        same_event_threshold: combined score (text cosine + event-key agreement) from which
            two stand-alone write-ups report one event. Default 0.4.
        cluster_threshold: average score, over all pairs of two story clusters (pairs never
            compared count 0), from which the clusters merge (average linkage). Default 0.25.
        date_tolerance_days: event dates this many days apart still agree. Default 1.
        window_days: candidate pairs whose publication dates are further apart are never
            compared. Default 30.
    """

    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    near_duplicate_threshold: float = 0.5
    salient_terms: int = 24
    max_block_size: int = 400
    max_partners: int = 64
    max_fact_holders: int = 5
    same_event_threshold: float = 0.4
    cluster_threshold: float = 0.25
    date_tolerance_days: int = 1
    window_days: int = 30

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            kind = type(f.default)
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                object.__setattr__(self, f.name, float(value))
                value = float(value)
            if not isinstance(value, kind) or isinstance(value, bool):
                _refuse(f.name, f"of type {kind.__name__}", value)
        for name in ("shingle_size", "num_perm", "salient_terms", "max_block_size", "max_partners"):
            if getattr(self, name) < 1:
                _refuse(name, ">= 1", getattr(self, name))
        for name in ("near_duplicate_threshold", "same_event_threshold", "cluster_threshold"):
            if not 0.0 < getattr(self, name) <= 1.0:
                _refuse(name, "in (0, 1]", getattr(self, name))
        for name in ("date_tolerance_days", "window_days", "max_fact_holders"):
            if getattr(self, name) < 0:
                _refuse(name, ">= 0", getattr(self, name))


def _refuse(name: str, requirement: str, value: object) -> None:
    raise ConfigError(
        f"The {name!r} parameter must be {requirement}. Got {value!r} instead.",
        parameter=name, requirement=requirement, value=value,
    )
