"""The batch call: load → normalize → fingerprint → candidates → score → link → cluster.

Text is tokenized once; shingles, TF-IDF and event keys are all fed from that pass.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Sequence

import numpy as np

from .candidates import blocking_pairs, lsh_pairs
from .cluster import UnionFind, average_linkage, build_clusters
from .config import Config
from .documents import Document, Skipped
from .events import EventKey, drop_common_names, extract_event_key, lowercase_words
from .fingerprint import MinHasher, TokenHasher, document_signatures
from .normalize import clean_text, tokenize
from .result import EVENT, ClusterResult, Link
from .scoring import PairFeatures, copy_kind, entity_weight, evidence, pair_features
from .similarity import TermCounts, content_terms, pair_cosines, tfidf, top_terms

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Prepared:
    """What the pipeline keeps of one document after the single text pass (no text)."""

    id: str
    title: str
    exact: str
    key: EventKey
    published: str | None = None
    source: str | None = None


def split_title(doc: Document, cleaned: str) -> tuple[str, str]:
    """Title and body of an article. The loaders find titles (first meaningful line of a text
    file, ``<title>`` of a page); when the text repeats the title as its first line, the body
    starts after it."""
    if not doc.title or not doc.title.strip():
        return "", cleaned
    title = " ".join(clean_text(doc.title).split())
    lines = cleaned.split("\n")
    for i, line in enumerate(lines[:5]):
        if " ".join(line.lstrip("#").split()) == title:  # a Markdown heading too
            return title, "\n".join(lines[:i] + lines[i + 1:]).strip()
    return title, cleaned


@dataclass
class Analysis:
    """One document's text, analysed once: everything later stages need from it."""

    record: Prepared
    tokens: list[str]
    terms: list[str]
    head: list[str]
    lower_words: set[str]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def analyse(doc: Document) -> Analysis:
    """Clean, split, tokenize and extract the event key of one document."""
    cleaned = clean_text(doc.text)
    title, body = split_title(doc, cleaned)
    title_tokens = tokenize(title)
    tokens = tokenize(body)
    exact = hashlib.blake2b(" ".join(title_tokens + tokens).encode(), digest_size=16).hexdigest()
    lower = lowercase_words(body)
    key = extract_event_key(title, body, doc.published, lower)
    title_terms = content_terms(title_tokens)
    # Headline and lead sentence: where news says what happened, to whom, where.
    lead = _SENTENCE_END.split(body[:600], maxsplit=1)[0]
    record = Prepared(doc.id, title, exact, key, doc.published, doc.source)
    return Analysis(
        record, tokens, title_terms + content_terms(tokens),
        title_terms + content_terms(tokenize(lead)), lower,
    )


def prepare(doc: Document) -> Prepared:
    """The record the pipeline keeps of one document."""
    return analyse(doc).record


class Corpus:
    """The single pass over the documents: small records, MinHash signatures and term counts
    are kept; the texts are not (so memory grows with the number of documents, not their size)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.records: list[Prepared] = []
        vocabulary: dict[str, int] = {}
        self.terms = TermCounts(vocabulary)
        self.heads = TermCounts(vocabulary)
        self.lower_df: Counter[str] = Counter()
        self._minhasher = MinHasher(config.num_perm, config.seed)
        self._hasher = TokenHasher()
        self._pending: list[list[str]] = []
        self._pending_tokens = 0
        self._signatures: list[np.ndarray] = []
        self._shingle_counts: list[np.ndarray] = []

    def add(self, doc: Document) -> None:
        a = analyse(doc)
        self.records.append(a.record)
        self.terms.add(a.terms)
        self.heads.add(a.head)
        self.lower_df.update(a.lower_words)
        self._pending.append(a.tokens)
        self._pending_tokens += len(a.tokens)
        if self._pending_tokens >= 50_000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            sigs, counts = document_signatures(
                self._pending, self.config.shingle_size, self._minhasher, self._hasher
            )
            self._signatures.append(sigs)
            self._shingle_counts.append(counts)
        self._pending, self._pending_tokens = [], 0

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Signatures and shingle counts of all documents, in order."""
        self._flush()
        if not self._signatures:
            return np.zeros((0, self.config.num_perm), dtype=np.uint64), np.zeros(0, np.int64)
        return np.vstack(self._signatures), np.concatenate(self._shingle_counts)


def _window_ok(a: EventKey, b: EventKey, days: int) -> bool:
    if a.published is None or b.published is None or a.date is None or b.date is None:
        return True
    if not (a.date.year_known and b.date.year_known):
        return True
    return abs((a.published - b.published).days) <= days


def score_candidates(
    corpus: Corpus, config: Config, report: Progress
) -> list[tuple[int, int, PairFeatures]]:
    """Candidate pairs (row indices, i < j) with their features, in a deterministic order."""
    prepared = corpus.records
    n = len(prepared)
    signatures, shingle_counts = corpus.finish()
    report("fingerprints", n, n)
    body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix()) if n else (None, None)

    pairs: set[tuple[int, int]] = set()
    by_text: dict[str, int] = {}
    for i, p in enumerate(prepared):
        first = by_text.setdefault(p.exact, i)
        if first != i:
            pairs.add((first, i))
    if n > 1:
        pairs |= lsh_pairs(signatures, config.near_duplicate_threshold)
        pairs |= blocking_pairs(top_terms(body, config.salient_terms), config.max_block_size)
    report("candidates", len(pairs), len(pairs))

    entity_df: Counter[str] = Counter()
    for p in prepared:
        entity_df.update(p.key.people | p.key.orgs)
    weight = {k: entity_weight(df, n) for k, df in entity_df.items()}

    ordered = [
        (i, j) for i, j in sorted(pairs)
        if _window_ok(prepared[i].key, prepared[j].key, config.window_days)
    ]
    left = np.array([i for i, _ in ordered], dtype=np.int64)
    right = np.array([j for _, j in ordered], dtype=np.int64)
    cosines = pair_cosines(body, left, right) if ordered else np.zeros(0)
    head_cosines = pair_cosines(heads, left, right) if ordered else np.zeros(0)
    jaccards = (signatures[left] == signatures[right]).mean(axis=1) if ordered else np.zeros(0)
    if ordered:
        empty = shingle_counts == 0
        jaccards[empty[left] | empty[right]] = 0.0

    out = []
    for k, (i, j) in enumerate(ordered):
        out.append((i, j, pair_features(
            prepared[i].key, prepared[j].key, float(jaccards[k]), float(cosines[k]),
            float(head_cosines[k]), weight, config,
        )))
    report("scoring", len(ordered), len(ordered))
    return out


def _link(a: str, b: str, kind: str, feats: PairFeatures) -> Link:
    scores, facts = evidence(feats, kind)
    first, second = sorted((a, b))
    return Link(first, second, kind, scores, facts)


def cluster_documents(
    documents: Iterable[Document],
    config: Config | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    progress: Progress | None = None,
) -> ClusterResult:
    """Group documents into story clusters holding duplicate groups, every link explained.

    Args:
        documents: the articles (ids must be unique).
        config: settings; ``Config()`` by default.
        skipped: inputs the loader could not use, passed through to the result.
        progress: optional ``callback(stage, done, total)``; the library itself never prints.
    """
    config = config or Config()
    report = progress or (lambda stage, done, total: None)
    corpus = Corpus(config)
    for i, doc in enumerate(documents, 1):
        corpus.add(doc)
        if i % 200 == 0:
            report("reading", i, 0)
    n = len(corpus.records)
    report("reading", n, n)
    # A "surname" that other articles write in lower case is a common word.
    common = {w for w, c in corpus.lower_df.items() if c >= 2}
    corpus.records = [replace(p, key=drop_common_names(p.key, common)) for p in corpus.records]
    corpus.lower_df = Counter()
    prepared = corpus.records
    ids = [p.id for p in prepared]

    scored = score_candidates(corpus, config, report)
    copies = UnionFind(n)
    links: list[Link] = []
    event_scores: list[tuple[int, int, float]] = []
    by_pair: dict[tuple[int, int], PairFeatures] = {}
    for i, j, feats in scored:
        kind = copy_kind(feats, prepared[i].exact == prepared[j].exact, config)
        if kind is not None:
            copies.union(i, j)
            links.append(_link(prepared[i].id, prepared[j].id, kind, feats))
        event_scores.append((i, j, feats.event_score))
        by_pair[(i, j)] = feats
    stories, merges = average_linkage(
        copies, event_scores, config.cluster_threshold, config.same_event_threshold
    )
    for i, j in merges:
        links.append(_link(prepared[i].id, prepared[j].id, EVENT, by_pair[(i, j)]))
    links.sort(key=lambda link: (link.a, link.b))
    clusters = build_clusters(ids, links, stories)
    report("clustering", n, n)
    details = {
        p.id: {
            "date": p.key.date.label() if p.key.date else None,
            "shown_date": (p.published or "")[:10] or (p.key.date.human() if p.key.date else ""),
            "source": p.source,
            "venue": p.key.names.get(p.key.venue, p.key.venue) if p.key.venue else None,
        }
        for p in prepared
    }
    return ClusterResult(
        documents=n,
        clusters=clusters,
        links=links,
        skipped=list(skipped),
        titles={p.id: p.title for p in prepared},
        details=details,
    )
