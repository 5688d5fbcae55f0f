"""The evaluation sets of ``python -m benchmarks run``: documents with gold labels, in memory.

* each labeled JSONL file (``../shared/data/*.jsonl`` by default): gold stories are its
  ``cluster`` field; it holds no gold duplicate groups;
* the seeds in ``data/``: 001 and 003 report one event (the Goa talks), the others apart;
* a syndication set made on the fly (:mod:`benchmarks.syndicate`) from the labeled articles
  (else the seeds and synthetic articles): gold duplicate groups are the copies of one base,
  gold stories the base's gold event.

Texts stay in memory; nothing is written to disk.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks import quality
from benchmarks.corpus import START, synthetic_bases
from benchmarks.syndicate import DEEP_TRIMS, distinct_bases, sample_bases, syndicate
from dedup import Document

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO / "data"
SEED_EVENT = {"001": "goa-2023-05-04", "003": "goa-2023-05-04"}


@dataclass
class LabeledSet:
    """Documents with gold story labels and, where known, gold duplicate groups."""

    name: str
    documents: list[Document]
    stories: dict[str, Hashable]
    copies: dict[str, Hashable] | None = None
    note: str = ""
    sites: dict[str, str | None] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def records(self) -> list[dict[str, Any]]:
        """The fields the baselines may see (no gold labels)."""
        return [{"id": d.id, "title": d.title, "text": d.text, "date": d.published}
                for d in self.documents]

    def summary(self) -> dict[str, Any]:
        """Sizes of the set, for reports."""
        dated = sum(1 for d in self.documents if d.published)
        return {
            "name": self.name, "documents": len(self.documents),
            "gold_stories": len(set(self.stories.values())),
            "gold_copy_groups": len(set(self.copies.values())) if self.copies else None,
            "dated": dated, "note": self.note, **self.info,
        }


def to_documents(records: Sequence[dict[str, Any]]) -> list[Document]:
    """Labeled JSONL records as :class:`dedup.Document` (gold fields are not passed)."""
    return [
        Document(id=r["id"], text=r.get("text") or "", title=r.get("title"),
                 published=r.get("date"), source=r.get("source"), url=r.get("url"))
        for r in records
    ]


def jsonl_set(path: Path) -> LabeledSet:
    """One labeled JSONL file: gold stories from its ``cluster`` field."""
    records = quality.load_records(path)
    return LabeledSet(path.stem, to_documents(records), quality.gold_labels(records),
                      note="gold stories: `cluster` field")


def seed_set(folder: Path = SEEDS_DIR) -> LabeledSet | None:
    """The seed articles of ``data/``: 001 and 003 one event, the others apart (``None`` when
    the folder is absent)."""
    from dedup.loaders import load

    if not folder.is_dir():
        return None
    documents, _ = load(folder)
    stories = {d.id: SEED_EVENT.get(d.id[:3], d.id) for d in documents}
    return LabeledSet("seeds", documents, stories, note="001+003 one event, others apart")


def default_files() -> list[Path]:
    """Every ``*.jsonl`` of the shared data folder, as :mod:`benchmarks.quality` finds them."""
    return quality.default_files()


def labeled_files(given: list[Path], least: int = 1) -> list[Path] | None:
    """The files a benchmark's command line gives, else :func:`default_files`; None, with
    the reason on standard error, when there are fewer than ``least`` (1 or 2; the command
    then exits with 2)."""
    files = given or default_files()
    if len(files) >= least:
        return files
    print("no labeled files (../shared/data/ is absent)" if least == 1 else
          "needs two labeled files or more (../shared/data/)", file=sys.stderr)
    return None


def _synthetic_documents(count: int, seed: int) -> list[Document]:
    """Synthetic dated articles (:func:`benchmarks.corpus.synthetic_bases`), for when no
    labeled data is at hand."""
    rng = random.Random(f"synthetic-dates-{seed}")
    return [
        Document(id=f"synthetic-{k:04d}", text=a.text, title=a.title,
                 published=(START + timedelta(days=rng.randrange(60))).isoformat())
        for k, a in enumerate(synthetic_bases(count, seed))
    ]


def base_pool(sets: Sequence[LabeledSet], seed: int = 0) -> tuple[list[Document],
                                                                  dict[str, Hashable], str]:
    """Candidate bases of a syndication set and their gold events: the labeled files'
    articles, else the seeds and synthetic articles. Events are prefixed with the set name."""
    labeled = [s for s in sets if s.name != "seeds"] or list(sets)
    documents = [d for s in labeled for d in s.documents]
    events = {d.id: f"{s.name}:{s.stories[d.id]}" for s in labeled for d in s.documents}
    origin = ", ".join(s.name for s in labeled)
    if not any(s.name != "seeds" for s in sets):
        extra = _synthetic_documents(200, seed)
        documents += extra
        events.update({d.id: d.id for d in extra})
        origin = f"{origin} + synthetic" if origin else "synthetic"
    return documents, events, origin


def syndication_set(sets: Sequence[LabeledSet], bases: int, seed: int = 0,
                    mean_copies: float = 1.2, deep_trims: float = DEEP_TRIMS) -> LabeledSet:
    """A syndication set from ``bases`` distinct articles of ``sets`` (see module docstring);
    ``deep_trims``: share of the edited copies cut to their first two or three paragraphs."""
    pool, events, origin = base_pool(sets, seed)
    chosen = sample_bases(distinct_bases(pool), bases, seed)
    items = syndicate(chosen, seed, events=events, mean_copies=mean_copies,
                      deep_trims=deep_trims)
    documents = [item.document for item in items]
    copies = {item.document.id: item.base_id for item in items}
    stories = {item.document.id: item.gold_event for item in items}
    note = (f"{len(chosen)} bases from {origin}; copies on fake sites; gold copy groups = "
            "copies of one base, gold stories = the base's event")
    info = {"bases": len(chosen), "copies": len(items) - len(chosen)}
    sites = {d.id: d.source for d in documents}
    return LabeledSet("syndication", documents, stories, copies, note=note, info=info,
                      sites=sites)


def all_sets(files: Sequence[Path], bases: int, seed: int = 0) -> list[LabeledSet]:
    """The labeled files, the seeds and a syndication set built from them."""
    sets = [jsonl_set(path) for path in files]
    seeds = seed_set()
    if seeds is not None:
        sets.append(seeds)
    sets.append(syndication_set(sets, bases, seed))
    return sets
