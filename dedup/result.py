"""What a clustering run returns: links with their evidence, nested clusters, skipped inputs.

``to_dict`` gives the stable JSON schema documented in the README (schema version 2), written
down as a JSON Schema in ``dedup/schema/cluster-v2.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from .config import Config
from .documents import FieldWarning, Skipped

EXACT, NEAR, EVENT, SINGLE = "exact", "near-duplicate", "same-event", "single"
# From the tightest link to the loosest: a cluster's kind is its loosest link.
KIND_ORDER = (EXACT, NEAR, EVENT)
TIERS = (EXACT, NEAR, EVENT, SINGLE)
# 2: a document's own tier (JSONL "tier", articles[].tier), articles[].event, "summary".
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Link:
    """Two documents judged to be copies (exact, near-duplicate) or to report one event.

    ``scores`` holds the measured similarities (jaccard, cosine, people, score); ``evidence`` the
    event-key facts (date, people, place) and a one-line ``why``.
    """

    a: str
    b: str
    kind: str
    scores: dict[str, float]
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "kind": self.kind, "scores": self.scores,
                "evidence": self.evidence}


@dataclass(frozen=True)
class Cluster:
    """One story: its members and, inside it, the duplicate groups (copies of one text).

    ``id`` is the smallest member id, so ids are stable across runs and input orders.
    """

    id: str
    kind: str
    members: list[str]
    groups: list[list[str]]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "members": self.members, "groups": self.groups}


@dataclass(frozen=True)
class ClusterResult:
    """Every input document is in exactly one cluster, or in ``skipped``; ``warnings`` lists
    the fields of clustered documents that could not be used (a date that cannot be read).
    ``config`` is the configuration the run used."""

    documents: int
    clusters: list[Cluster]
    links: list[Link]
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[FieldWarning] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict, compare=False)
    details: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    config: Config | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value, Iterator) else value
                for name, value in self.fields()}

    def fields(self) -> list[tuple[str, Any]]:
        """The fields of :meth:`to_dict`, in its order, the lists of clusters, links and
        articles as iterators over their items (made one at a time: a writer need not hold
        them all, see :func:`dedup.report.write_json`)."""
        return [
            ("schema", SCHEMA_VERSION),
            ("documents", self.documents),
            ("summary", self.summary()),
            ("clusters", (c.to_dict() for c in self.clusters)),
            ("links", (link.to_dict() for link in self.links)),
            ("skipped", [s.to_dict() for s in self.skipped]),
            ("warnings", [w.to_dict() for w in self.warnings]),
            ("articles", self.iter_articles()),
        ]

    def tiers(self) -> dict[str, str]:
        """Each document's own tier, beside its cluster's kind: ``exact`` when another
        document has the same text, else ``near-duplicate`` when it has copies (edited),
        else ``same-event`` when its story has other write-ups, else ``single``."""
        exact = {doc for link in self.links if link.kind == EXACT for doc in (link.a, link.b)}
        out = {}
        for cluster in self.clusters:
            for group in cluster.groups:
                for doc_id in group:
                    if doc_id in exact:
                        out[doc_id] = EXACT
                    elif len(group) > 1:
                        out[doc_id] = NEAR
                    elif len(cluster.members) > 1:
                        out[doc_id] = EVENT
                    else:
                        out[doc_id] = SINGLE
        return out

    def summary(self) -> dict[str, Any]:
        """Counts (documents per own tier, clusters per kind, skipped inputs, warnings), the
        configuration used and the version of dedup that made the result."""
        from . import __version__  # the package is loaded by the time a result exists

        tiers = dict.fromkeys(TIERS, 0)
        for tier in self.tiers().values():
            tiers[tier] += 1
        kinds = dict.fromkeys(TIERS, 0)
        for cluster in self.clusters:
            kinds[cluster.kind] += 1
        return {
            "documents": self.documents,
            "tiers": tiers,
            "clusters": kinds,
            "skipped": len(self.skipped),
            "warnings": len(self.warnings),
            "config": asdict(self.config) if self.config is not None else None,
            "version": __version__,
        }

    def articles(self) -> list[dict[str, Any]]:
        """One record per clustered document, by id: title, source, publication date as read,
        its own tier (:meth:`tiers`), its event key (``event``: date interval, people,
        organisations, venue, places) and what the text pass removed (``text``: words,
        removed, removed_by, top_rule)."""
        return list(self.iter_articles())

    def iter_articles(self) -> Iterator[dict[str, Any]]:
        """The records of :meth:`articles`, one at a time."""
        tiers = self.tiers()
        for doc_id in sorted(self.details):
            detail = self.details[doc_id]
            yield {"id": doc_id, "title": self.titles.get(doc_id) or None,
                   "source": detail.get("source"), "published": detail.get("published"),
                   "tier": tiers.get(doc_id, SINGLE), "event": detail.get("event"),
                   "text": detail.get("text")}

    def cluster_of(self) -> dict[str, Cluster]:
        """Map of document id -> its cluster."""
        return {m: c for c in self.clusters for m in c.members}
