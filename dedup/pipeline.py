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
from .fingerprint import MinHasher, document_signatures
from .normalize import clean_text, tokenize
from .result import EVENT, ClusterResult, Link
from .scoring import PairFeatures, copy_kind, entity_weight, evidence, pair_features
from .similarity import content_terms, fit_tfidf, pair_cosines, top_terms

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Prepared:
    """One document after the single text pass."""

    id: str
    title: str
    body: str
    tokens: list[str]
    exact: str
    key: EventKey


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


def prepare(doc: Document) -> Prepared:
    cleaned = clean_text(doc.text)
    title, body = split_title(doc, cleaned)
    tokens = tokenize(body)
    exact = hashlib.blake2b(" ".join(tokenize(title) + tokens).encode(), digest_size=16).hexdigest()
    key = extract_event_key(title, body, doc.published)
    return Prepared(doc.id, title, body, tokens, exact, key)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def head_terms(p: Prepared) -> list[str]:
    """Content terms of the headline and the first sentence of the body."""
    lead = _SENTENCE_END.split(p.body[:600], maxsplit=1)[0]
    return content_terms(tokenize(p.title)) + content_terms(tokenize(lead))


def _window_ok(a: EventKey, b: EventKey, days: int) -> bool:
    if a.published is None or b.published is None or a.date is None or b.date is None:
        return True
    if not (a.date.year_known and b.date.year_known):
        return True
    return abs((a.published - b.published).days) <= days


def score_candidates(
    prepared: list[Prepared], config: Config, report: Progress
) -> list[tuple[int, int, PairFeatures]]:
    """Candidate pairs (row indices, i < j) with their features, in a deterministic order."""
    n = len(prepared)
    signatures, shingle_counts = document_signatures(
        [p.tokens for p in prepared], config.shingle_size, MinHasher(config.num_perm, config.seed)
    )
    report("fingerprints", n, n)

    term_lists = [content_terms(tokenize(p.title)) + content_terms(p.tokens) for p in prepared]
    vectorizer, tfidf = fit_tfidf(term_lists) if n else (None, None)
    # The headline and the lead sentence: where news says what happened, to whom, where.
    heads = vectorizer.transform([head_terms(p) for p in prepared]) if n else None

    pairs: set[tuple[int, int]] = set()
    by_text: dict[str, int] = {}
    for i, p in enumerate(prepared):
        first = by_text.setdefault(p.exact, i)
        if first != i:
            pairs.add((first, i))
    if n > 1:
        pairs |= lsh_pairs(signatures, config.near_duplicate_threshold)
        pairs |= blocking_pairs(top_terms(tfidf, config.salient_terms), config.max_block_size)
    report("candidates", len(pairs), len(pairs))

    entity_df: Counter[str] = Counter()
    for p in prepared:
        entity_df.update(p.key.people | p.key.orgs)
    weight = {k: entity_weight(df, n) for k, df in entity_df.items()}

    ordered = sorted(pairs)
    ordered = [(i, j) for i, j in ordered if _window_ok(prepared[i].key, prepared[j].key, config.window_days)]
    left = np.array([i for i, _ in ordered], dtype=np.int64)
    right = np.array([j for _, j in ordered], dtype=np.int64)
    cosines = pair_cosines(tfidf, left, right) if len(ordered) else np.zeros(0)
    head_cosines = pair_cosines(heads, left, right) if len(ordered) else np.zeros(0)
    jaccards = (
        (signatures[left] == signatures[right]).mean(axis=1) if len(ordered) else np.zeros(0)
    )
    empty = shingle_counts == 0
    if len(ordered):
        jaccards[empty[left] | empty[right]] = 0.0

    out = []
    for k, (i, j) in enumerate(ordered):
        a, b = prepared[i].key, prepared[j].key
        out.append((i, j, pair_features(
            a, b, float(jaccards[k]), float(cosines[k]), float(head_cosines[k]), weight, config
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
    docs = list(documents)
    n = len(docs)

    prepared: list[Prepared] = []
    lower_df: Counter[str] = Counter()
    for i, doc in enumerate(docs):
        p = prepare(doc)
        prepared.append(p)
        lower_df.update(lowercase_words(p.body))
        if i % 200 == 0 or i == n - 1:
            report("reading", i + 1, n)
    # A "surname" that other articles write in lower case is a common word.
    common = {w for w, c in lower_df.items() if c >= 2}
    prepared = [replace(p, key=drop_common_names(p.key, common)) for p in prepared]
    del lower_df, common
    ids = [p.id for p in prepared]

    scored = score_candidates(prepared, config, report)
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
            "shown_date": (doc.published or "")[:10] or (p.key.date.human() if p.key.date else ""),
            "source": doc.source,
            "venue": p.key.names.get(p.key.venue, p.key.venue) if p.key.venue else None,
        }
        for p, doc in zip(prepared, docs)
    }
    return ClusterResult(
        documents=n,
        clusters=clusters,
        links=links,
        skipped=list(skipped),
        titles={p.id: p.title for p in prepared},
        details=details,
    )
