"""The incremental index a crawler keeps: "have I seen this story, and how?"

:class:`DedupIndex` answers one article at a time with a :class:`Verdict` (``new``, ``exact``,
``near-duplicate`` or ``same-event``), using the same fingerprints, candidates and scores as the
batch call:

* exact copies by the hash of the cleaned text;
* near-duplicates by MinHash-LSH (datasketch) over word shingles, verified by the signatures;
* same-event write-ups by blocking on distinctive terms (an inverted index of each article's
  top TF-IDF terms), scored like the batch (cosine, headline cosine, people, date, venue), and
  joined to a story when the average score over the story reaches ``cluster_threshold`` (a lone
  story needs one pair scoring ``same_event_threshold``, as in the batch).

**IDF on a stream.** Term weights use document frequencies counted as articles arrive
(``idf = ln((1 + n) / (1 + df)) + 1``, scikit-learn's smoothed IDF): each verdict sees the
statistics of everything indexed before it. :meth:`DedupIndex.result` recomputes the batch
clustering over everything indexed, with the final statistics, so feeding a corpus through
:meth:`add` and then asking for the result gives exactly what ``dedup cluster`` gives.

Only articles published within ``window_days`` of each other are compared, and
:meth:`expire` forgets articles published before a date, which keeps a months-long crawl bounded.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from datasketch import MinHashLSH

from .boilerplate import SiteChrome
from .candidates import Sketch
from .cluster import UnionFind
from .config import Config
from .documents import Document
from .errors import ConfigError, InputError
from .dates import DateError, parse_published
from .events import drop_common_names
from .fingerprint import MinHasher, estimate_jaccard
from .pipeline import Analysis, Corpus, Prepared, analyse, cluster_corpus, publication_day
from .result import EVENT, EXACT, NEAR, ClusterResult
from .scoring import PairFeatures, entity_weight, evidence, pair_features
from .similarity import heaviest

NEW = "new"
# Below this many indexed articles, document frequencies say little (every word looks rare):
# every indexed article is a candidate (top terms are near-ties), and since text similarity is
# inflated, a same-event verdict also needs the date or the venue to agree. The batch view
# (result()) is not affected.
WARM_UP_DOCUMENTS = 50


@dataclass(frozen=True)
class Verdict:
    """What the index says of one article.

    Attributes:
        id: The article's id.
        status: ``new``, ``exact``, ``near-duplicate`` or ``same-event``.
        matches: Indexed articles it matched, best first.
        original: For copies, the earliest-published member of the duplicate group it copies.
        story: Id of the story cluster it belongs to (the story's first indexed article).
        group: Id of its duplicate group (the group's first indexed article).
        scores: Scores of the best match (jaccard, cosine, head_cosine, people, score).
        evidence: Date, people and place evidence of the best match, and a one-line ``why``.
        recrawl: True when the id was indexed already: the verdict is the one it got then
            (status and best match; story, group and original as they are now), and nothing
            was indexed again.
    """

    id: str
    status: str
    matches: tuple[str, ...] = ()
    original: str | None = None
    story: str = ""
    group: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    recrawl: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status, "matches": list(self.matches),
            "original": self.original, "story": self.story, "group": self.group,
            "scores": self.scores, "evidence": self.evidence, "recrawl": self.recrawl,
        }


@dataclass
class _Match:
    row: int
    features: PairFeatures
    copy: str | None  # EXACT, NEAR or None


class DedupIndex:
    """An incremental, thread-safe index of articles.

    Args:
        config: settings; ``Config()`` by default (the same defaults as ``dedup cluster``).
    """

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self._lock = threading.RLock()
        self._corpus = Corpus(self.config)
        self._site_chrome = SiteChrome()
        self._minhasher = MinHasher(self.config.num_perm, self.config.seed)
        self._lsh = MinHashLSH(threshold=self.config.near_duplicate_threshold,
                               num_perm=self.config.num_perm)
        self._signatures: list[np.ndarray] = []
        self._empty: list[bool] = []
        self._days: list[int] = []  # publication day number, -1 when unknown
        self._alive: list[bool] = []
        self._by_id: dict[str, int] = {}
        self._given: list[tuple[str, int]] = []  # per row: the status it got, its best match
        self._exact: dict[str, int] = {}
        self._postings: dict[int, list[int]] = {}
        self._df = np.zeros(1024, dtype=np.float64)  # document frequency by term column
        self._entity_df: Counter[str] = Counter()
        self._copies = _GrowingUnionFind()
        self._stories = _GrowingUnionFind()
        self._story_roots: dict[int, int] = {}  # union-find root -> first row of the story
        self._group_roots: dict[int, int] = {}

    # -- public API ------------------------------------------------------------------------

    def __len__(self) -> int:
        return sum(self._alive)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._by_id

    def check(self, document: Document) -> Verdict:
        """The verdict :meth:`add` would give, without indexing the article."""
        with self._lock:
            a = self._analyse(document, learn=False)
            return self._judge(a, self._signature(a))[0]

    def add(self, document: Document) -> Verdict:
        """Index an article and say what it is: new, a copy, or another report of a story.

        An id indexed already (a re-crawl of the same page) is not indexed again: its stored
        verdict comes back with ``recrawl=True``."""
        with self._lock:
            if document.id in self._by_id:
                return self.verdict(document.id)
            a = self._analyse(document, learn=True)
            return self._add_analysed(a, self._signature(a))

    def verdict(self, doc_id: str) -> Verdict:
        """The verdict an indexed article got (``recrawl=True``; story, group and original as
        they are now). Raises :class:`~dedup.errors.InputError` for an id not indexed."""
        with self._lock:
            row = self._by_id.get(doc_id)
            if row is None:
                raise InputError(f"The document id {doc_id!r} is not in the index.")
            status, best = self._given[row]
            ids = self._corpus.records
            story = ids[self._story_roots.get(self._stories.find(row), row)].id
            group = ids[self._group_roots.get(self._copies.find(row), row)].id
            original = None
            if status in (EXACT, NEAR):
                original = ids[self._earliest(self._copies.members(row), exclude=row)].id
            matches = (ids[best].id,) if best >= 0 else ()
            return Verdict(doc_id, status, matches, original, story,
                           group if status != EVENT else doc_id, recrawl=True)

    def _add_analysed(self, a: Analysis, sig: np.ndarray) -> Verdict:
        with self._lock:
            if a.record.id in self._by_id:
                return self.verdict(a.record.id)
            verdict, matches = self._judge(a, sig)
            self._insert(a, sig, matches, verdict)
            best = self._by_id[verdict.matches[0]] if verdict.matches else -1
            self._given.append((verdict.status, best))
            return self._final(self._as_inserted(verdict))

    def _apply_entry(
        self, record: Prepared, terms: dict[str, int], heads: dict[str, int], sig: np.ndarray,
        shingles: int, lower: set[str], group: int, story: int, given: tuple[str, int],
    ) -> None:
        """Append an article indexed elsewhere (a shared index's log entry)."""
        with self._lock:
            row = len(self._corpus.records)
            self._given.append(given)
            self._corpus.restore_counts(record, terms, heads, sig, shingles, lower)
            self._index_row(row, record, sig, shingles == 0, alive=True)
            if group != row:
                self._join(self._copies, self._group_roots, row, group)
            if story != row:
                self._join(self._stories, self._story_roots, row, story)

    def add_many(self, documents: Iterable[Document]) -> list[Verdict]:
        """:meth:`add` for each article, in order."""
        return [self.add(doc) for doc in documents]

    def result(self) -> ClusterResult:
        """The batch clustering of everything indexed (identical to ``cluster_documents`` on
        the same articles in the same order)."""
        with self._lock:
            self._corpus.flush()
            return cluster_corpus(self._corpus)

    def expire(self, before: dt.date | str) -> int:
        """Forget the articles published before ``before``; returns how many were dropped.

        Their fingerprints leave the candidate indexes at once, so no later article is compared
        with them, which bounds the work per article. Their small records stay (in memory, in a
        saved file, and in the batch view of :meth:`result`).
        """
        if isinstance(before, dt.date):
            day = before
        else:
            try:
                day = parse_published(before)
            except (DateError, TypeError, AttributeError):
                raise DateError(
                    f"The 'before' parameter must be a date. Got {before!r} instead."
                ) from None
        limit = day.toordinal()
        dropped = 0
        with self._lock:
            for row, published in enumerate(self._days):
                if self._alive[row] and 0 <= published < limit:
                    self._alive[row] = False
                    self._lsh.remove(row)
                    record = self._corpus.records[row]
                    if self._exact.get(record.exact) == row:
                        del self._exact[record.exact]
                    dropped += 1
            for term, rows in self._postings.items():
                self._postings[term] = [r for r in rows if self._alive[r]]
        return dropped

    def stories(self) -> dict[str, str]:
        """Every indexed article's story id as the index holds it now (a story's id is its
        first indexed article)."""
        with self._lock:
            ids = self._corpus.records
            return {
                record.id: ids[self._story_roots.get(self._stories.find(row), row)].id
                for row, record in enumerate(ids)
            }

    def stats(self) -> dict[str, int]:
        """Counts of indexed articles, stories and duplicate groups."""
        with self._lock:
            rows = [r for r, alive in enumerate(self._alive) if alive]
            return {
                "documents": len(rows),
                "stories": len({self._stories.find(r) for r in rows}),
                "groups": len({self._copies.find(r) for r in rows}),
                "expired": len(self._alive) - len(rows),
            }

    # -- scoring ---------------------------------------------------------------------------

    def _analyse(self, document: Document, *, learn: bool) -> Analysis:
        """The article analysed with this index's vocabulary, without the lines its site
        repeats (the site's chrome as learned with this page counted; ``learn``: keep the
        count). Call with the lock held: the vocabulary grows."""
        own = self._site_chrome.add(document, count=learn)
        return analyse(document, self._corpus.vocabulary, own)

    def _signature(self, a: Analysis) -> np.ndarray:
        return self._corpus.signatures_of([a.ids])[0][0]

    def _weights(self, cols: np.ndarray, counts: np.ndarray, query: bool) -> np.ndarray:
        """Sublinear TF-IDF weights, L2-normalised, with document frequencies counted so far
        (the query article counts as one more document holding its own terms)."""
        n = len(self._corpus.records) + 1
        known = (cols >= 0) & (cols < len(self._df))
        df = np.where(known, self._df[np.where(known, cols, 0)], 0.0) + query
        weights = (1.0 + np.log(counts)) * (np.log((1 + n) / (1 + df)) + 1.0)
        norm = float(np.linalg.norm(weights))
        return weights / norm if norm else weights

    def _query_vectors(self, a: Analysis) -> tuple[tuple, tuple]:
        content = self._corpus.vocabulary.content()
        out = []
        for ids in (np.concatenate((a.title_ids, a.ids)), np.concatenate((a.title_ids, a.lead_ids))):
            cols, counts = np.unique(ids[content[ids]], return_counts=True)
            cols = cols.astype(np.int64)
            out.append((cols, self._weights(cols, counts.astype(np.float64), True)))
        return out[0], out[1]

    def _row_vector(self, rows: Any, i: int) -> tuple[np.ndarray, np.ndarray]:
        cols, counts = rows.row(i)
        weights = self._weights(cols, counts.astype(np.float64), False)
        order = np.argsort(cols)
        return cols[order].astype(np.int64), weights[order]

    def _salient(self, cols: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The ``salient_terms`` heaviest columns (ties: the lower column): the terms an
        article is blocked on."""
        return cols[heaviest(cols, weights, self.config.salient_terms)]

    def _candidates(self, a: Analysis, sig: np.ndarray, body: tuple) -> list[int]:
        found: set[int] = set()
        first = self._exact.get(a.record.exact)
        if first is not None:
            found.add(first)
        found.update(self._lsh.query(Sketch(sig)))
        # Same-event candidates: articles sharing two or more distinctive terms.
        cols, weights = body
        shared: Counter[int] = Counter()
        for col in self._salient(cols, weights).tolist():
            rows = self._postings.get(col, ())
            if len(rows) <= self.config.max_block_size:
                shared.update(rows)
        found.update(r for r, c in shared.items() if c >= 2)
        if len(self._corpus.records) < WARM_UP_DOCUMENTS:
            # Too few articles for their top terms to mean much: compare with all of them.
            found.update(range(len(self._corpus.records)))
        day = publication_day(a.record.key)
        window = self.config.window_days
        return sorted(
            r for r in found
            if self._alive[r] and (day < 0 or self._days[r] < 0 or abs(self._days[r] - day) <= window)
        )

    def _judge(self, a: Analysis, sig: np.ndarray) -> tuple[Verdict, list[_Match]]:
        body, head = self._query_vectors(a)
        key = drop_common_names(a.record.key, self._corpus.common_words)
        n = len(self._corpus.records) + 1
        weight = {k: entity_weight(self._entity_df.get(k, 0) + 1, n) for k in key.people | key.orgs}
        empty = len(a.ids) == 0
        matches: list[_Match] = []
        for row in self._candidates(a, sig, body):
            other = self._corpus.records[row]
            okey = drop_common_names(other.key, self._corpus.common_words)
            w = dict(weight)
            for k in okey.people | okey.orgs:
                w.setdefault(k, entity_weight(self._entity_df.get(k, 0), n))
            jaccard = 0.0 if empty or self._empty[row] else estimate_jaccard(sig, self._signatures[row])
            cos = _dot(body, self._row_vector(self._corpus.terms, row))
            head_cos = _dot(head, self._row_vector(self._corpus.heads, row))
            feats = pair_features(key, okey, jaccard, cos, head_cos, w, self.config)
            copy = EXACT if other.exact == a.record.exact else (
                NEAR if jaccard >= self.config.near_duplicate_threshold else None)
            matches.append(_Match(row, feats, copy))
        return self._decide(a.record, matches), matches

    def _decide(self, record: Prepared, matches: list[_Match]) -> Verdict:
        copies = [m for m in matches if m.copy]
        if copies:
            best = max(copies, key=lambda m: (m.copy == EXACT, m.features.jaccard, -m.row))
            original = self._earliest(self._copies.members(best.row))
            return self._verdict(record, best.copy or NEAR, best, copies, original)
        story = self._best_story(matches)
        if story is not None:
            root, best, members = story
            return self._verdict(record, EVENT, best, members, None, story_root=root)
        return Verdict(record.id, NEW)

    def _best_story(self, matches: list[_Match]) -> tuple[int, _Match, list[_Match]] | None:
        """The story whose average score with this article reaches the cluster threshold."""
        by_story: dict[int, list[_Match]] = {}
        for m in matches:
            by_story.setdefault(self._stories.find(m.row), []).append(m)
        best_story = None
        for root, members in by_story.items():
            rows = [r for r in self._stories.members(root) if self._alive[r]]
            average = sum(m.features.event_score for m in members) / max(len(rows), 1)
            top = max(members, key=lambda m: m.features.event_score)
            lone_group = len({self._copies.find(r) for r in rows}) == 1
            if average < self.config.cluster_threshold:
                continue
            if lone_group and top.features.event_score < self.config.same_event_threshold:
                continue
            if len(self._corpus.records) < WARM_UP_DOCUMENTS and not any(
                m.features.date in ("same", "overlap") or m.features.place == "match"
                for m in members
            ):
                continue
            if best_story is None or average > best_story[0]:
                best_story = (average, root, top, members)
        if best_story is None:
            return None
        _, root, top, members = best_story
        members.sort(key=lambda m: -m.features.event_score)
        return root, top, members

    def _verdict(
        self, record: Prepared, status: str, best: _Match, matched: list[_Match],
        original: int | None, story_root: int | None = None,
    ) -> Verdict:
        scores, facts = evidence(best.features, status)
        ids = self._corpus.records
        ranked = sorted(matched, key=lambda m: (-(m.features.jaccard if m.copy else m.features.event_score), m.row))
        story = self._stories.find(best.row if story_root is None else story_root)
        return Verdict(
            id=record.id,
            status=status,
            matches=tuple(ids[m.row].id for m in ranked),
            original=ids[original].id if original is not None else None,
            story=ids[self._story_roots.get(story, story)].id,
            group=record.id if status == EVENT else ids[self._group_roots.get(self._copies.find(best.row), best.row)].id,
            scores=scores,
            evidence=facts,
        )

    def _as_inserted(self, verdict: Verdict) -> Verdict:
        """The verdict with the story, group and original the article has now that it is in
        (joining two duplicate groups can make an older article the group's first)."""
        if verdict.status == NEW:
            return verdict
        row = self._by_id[verdict.id]
        ids = self._corpus.records
        story = ids[self._story_roots.get(self._stories.find(row), row)].id
        group_root = self._group_roots.get(self._copies.find(row), row)
        group = ids[group_root].id if verdict.status != EVENT else verdict.id
        original = verdict.original
        if verdict.status in (EXACT, NEAR):
            original = ids[self._earliest(self._copies.members(row), exclude=row)].id
        return replace(verdict, story=story, group=group, original=original)

    def _earliest(self, rows: list[int], exclude: int | None = None) -> int:
        """The earliest-published live row (unknown dates last, then by row)."""
        live = [r for r in rows if self._alive[r] and r != exclude] or [r for r in rows if r != exclude]
        return min(live, key=lambda r: (self._days[r] if self._days[r] >= 0 else 10**9, r))

    def _final(self, verdict: Verdict) -> Verdict:
        if verdict.status != NEW:
            return verdict
        return Verdict(verdict.id, NEW, story=verdict.id, group=verdict.id)

    # -- insertion -------------------------------------------------------------------------

    def _insert(self, a: Analysis, sig: np.ndarray, matches: list[_Match], verdict: Verdict) -> None:
        row = len(self._corpus.records)
        self._corpus.add_analysis(a, signature=sig)
        self._index_row(row, a.record, sig, len(a.ids) == 0, alive=True)
        if verdict.status in (EXACT, NEAR):
            for m in matches:
                if m.copy:
                    self._join(self._copies, self._group_roots, row, m.row)
                    self._join(self._stories, self._story_roots, row, m.row)
        elif verdict.status == EVENT:
            target = self._by_id[verdict.matches[0]]
            self._join(self._stories, self._story_roots, row, target)

    def _index_row(self, row: int, record: Prepared, sig: np.ndarray, empty: bool,
                   alive: bool) -> None:
        """Enter row ``row`` (already in the corpus) into the candidate indexes."""
        self._signatures.append(sig)
        self._empty.append(empty)
        self._days.append(publication_day(record.key))
        self._alive.append(alive)
        self._by_id[record.id] = row
        cols, counts = self._corpus.terms.row(row)
        if len(cols) and cols.max() >= len(self._df):
            grown = np.zeros(max(2 * len(self._df), int(cols.max()) + 1), dtype=np.float64)
            grown[: len(self._df)] = self._df
            self._df = grown
        self._df[cols] += 1
        self._entity_df.update(record.key.people | record.key.orgs)
        self._copies.add()
        self._stories.add()
        self._story_roots[row] = row
        self._group_roots[row] = row
        if not alive:
            return
        self._exact.setdefault(record.exact, row)
        self._lsh.insert(row, Sketch(sig), check_duplication=False)
        weights = self._weights(cols, counts.astype(np.float64), False)
        for c in self._salient(cols, weights).tolist():
            self._postings.setdefault(c, []).append(row)

    # -- persistence -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index to ``path`` (SQLite; atomic: a crash mid-save keeps the old file)."""
        from . import store

        with self._lock:
            store.save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, config: Config | None = None) -> DedupIndex:
        """Read an index saved by :meth:`save`, with the configuration it was saved with. A
        file that is not one raises :class:`~dedup.errors.InputError`; nothing is unpickled.
        ``config``: the configuration the caller expects; one that differs from the saved
        one raises :class:`~dedup.errors.ConfigError` (an index is only valid for the
        settings it was built with)."""
        from . import store

        index = store.load(path)
        if config is not None and config != index.config:
            changed = ", ".join(
                f"{name}={getattr(index.config, name)!r} (asked {getattr(config, name)!r})"
                for name in index.config.__dataclass_fields__
                if getattr(index.config, name) != getattr(config, name)
            )
            raise ConfigError(
                f"{path}: the index was saved with other settings: {changed}; load it without "
                "config= to use its own, or build a new index for these settings."
            )
        return index

    def _state(self) -> dict[str, Any]:
        self._corpus.flush()
        rows = range(len(self._corpus.records))
        return {
            "corpus": self._corpus,
            "alive": list(self._alive),
            "group_roots": [self._group_roots.get(self._copies.find(r), r) for r in rows],
            "story_roots": [self._story_roots.get(self._stories.find(r), r) for r in rows],
            "seen_once": self._corpus.seen_once(),
            "site_chrome": self._site_chrome,
            "given": list(self._given),
        }

    def _restore(self, vocabulary: dict[str, int], entries: list[tuple], common: set[str],
                 seen: set[str]) -> None:
        for word, _col in sorted(vocabulary.items(), key=lambda item: item[1]):
            self._corpus.vocabulary.add(word)
        self._corpus.restore_lower_words(common, seen)
        for row, (record, terms, heads, sig, shingles, alive, group, story, given) in enumerate(
            entries
        ):
            self._given.append(given)
            self._corpus.restore(record, terms, heads, sig, shingles)
            self._index_row(row, record, np.array(sig, dtype=np.uint32), shingles == 0, alive)
            if group != row:
                self._join(self._copies, self._group_roots, row, group)
            if story != row:
                self._join(self._stories, self._story_roots, row, story)

    @staticmethod
    def _join(uf: _GrowingUnionFind, roots: dict[int, int], a: int, b: int) -> None:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return
        first = min(roots.get(ra, ra), roots.get(rb, rb))
        root = uf.union(a, b)
        roots[root] = first


class _GrowingUnionFind(UnionFind):
    """Union-find that grows one element at a time and lists a set's members."""

    def __init__(self) -> None:
        super().__init__(0)
        self._members: dict[int, list[int]] = {}

    def add(self) -> int:
        x = len(self.parent)
        self.parent.append(x)
        self.size.append(1)
        self._members[x] = [x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        root = super().union(a, b)
        if ra != rb:
            gone = rb if root == ra else ra
            self._members[root].extend(self._members.pop(gone))
        return root

    def members(self, x: int) -> list[int]:
        return self._members[self.find(x)]


def _dot(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]) -> float:
    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(np.dot(a[1][ia], b[1][ib]))


__all__ = ["DedupIndex", "Verdict", "NEW"]
