"""The batch call: load → normalize → fingerprint → candidates → score → link → cluster.

Text is tokenized once; shingles, TF-IDF and event keys are all fed from that pass.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .boilerplate import learn_site_chrome, source_of, strip_site_chrome
from .candidates import blocking_pairs, lsh_pairs, unique_pairs
from .cluster import build_clusters, settle
from .config import Config
from .dates import DateError, parse_published
from .documents import Document, FieldWarning, Skipped
from .errors import ConfigError, InputError
from .events import EventKey, drop_common_names, extract_event_key
from .fingerprint import MinHasher, id_signatures, pair_jaccards, shingle_count
from .normalize import TextPass, clean_report, clean_text, first_sentences
from .pairs import PairTable, features, score_pairs
from .result import EVENT, EXACT, NEAR, ClusterResult, Link
from .scoring import PairFeatures, copy_pairs, evidence
from .similarity import TermCounts, distinct_counts, pair_cosines, tfidf, top_terms
from .vocabulary import LowerWords, Vocabulary

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Prepared:
    """What the pipeline keeps of one document after the single text pass (no text)."""

    id: str
    title: str
    exact: str
    key: EventKey
    published: str | None = None  # the publication date as read (ISO), see dedup.dates
    source: str | None = None
    warnings: tuple[FieldWarning, ...] = ()
    text: TextRecord | None = None


@dataclass(frozen=True)
class TextRecord:
    """What the text pass did to one document: its words (whitespace separated) and the words
    each rule removed, most first (see :mod:`dedup.chrome`; ``site chrome`` is the lines its
    site repeats, :mod:`dedup.boilerplate`)."""

    words: int
    removed: tuple[tuple[str, int], ...] = ()

    @property
    def removed_words(self) -> int:
        return sum(n for _, n in self.removed)

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words, "removed": self.removed_words,
                "removed_by": dict(self.removed),
                "top_rule": self.removed[0][0] if self.removed else None}

    @classmethod
    def of(cls, done: TextPass, site_words: int = 0) -> TextRecord:
        counts = Counter(done.removed)
        if site_words:
            counts["site chrome"] += site_words
        ranked = sorted(((rule, n) for rule, n in counts.items() if n), key=lambda r: (-r[1], r[0]))
        return cls(done.words, tuple(ranked))


def split_title(doc: Document, cleaned: str) -> tuple[str, str]:
    """Title and body of an article. The loaders find titles (first meaningful line of a text
    file, ``<title>`` of a page); when the text repeats the title as its first line, the body
    starts after it."""
    if not doc.title or not doc.title.strip():
        return "", cleaned
    title = " ".join(clean_text(doc.title).split())
    lines = cleaned.split("\n", 5)  # the first five lines, and the rest in one piece
    for i, line in enumerate(lines[:5]):
        if " ".join(line.lstrip("#").split()) == title:  # a Markdown heading too
            return title, "\n".join(lines[:i] + lines[i + 1:]).strip()
    return title, cleaned


@dataclass
class Analysis:
    """One document's text, analysed once: everything later stages need from it. Tokens are
    ids of ``vocabulary`` (see :mod:`dedup.vocabulary`)."""

    record: Prepared
    ids: np.ndarray
    title_ids: np.ndarray
    lead_ids: np.ndarray
    lower_words: LowerWords
    vocabulary: Vocabulary


def analyse(
    doc: Document, vocabulary: Vocabulary, site_chrome: frozenset[str] = frozenset()
) -> Analysis:
    """Clean, split, tokenize and extract the event key of one document (``site_chrome``: the
    lines its site repeats on most pages, see :mod:`dedup.boilerplate`). New tokens are
    numbered in ``vocabulary``."""
    return analyse_batch([doc], vocabulary, [site_chrome])[0]


def analyse_batch(
    docs: Sequence[Document], vocabulary: Vocabulary,
    site_chrome: Sequence[frozenset[str]] | None = None,
) -> list[Analysis]:
    """:func:`analyse` for several documents, one step at a time over all of them (each step's
    patterns and tables stay in the CPU caches: a third faster than document by document).
    Tokens are numbered in the same order as one document at a time."""
    chrome = site_chrome or [frozenset()] * len(docs)
    split, texts = [], []
    for doc, own in zip(docs, chrome):
        done = clean_report(doc.text)
        body, site_words = strip_site_chrome(done.text, own)
        split.append(split_title(doc, body))
        texts.append(TextRecord.of(done, site_words))
    scanned = []
    for title, body in split:
        title_ids = vocabulary.ids(title)
        ids, lower = vocabulary.scan(body)
        # Headline and lead sentence: where news says what happened, to whom, where.
        lead_ids = vocabulary.ids(first_sentences(body[:600], 1))
        scanned.append((title_ids, ids, lower, lead_ids))
    # The same words in the same order: one key. Token hashes are stable across runs. All
    # documents' hashes are gathered at once; each key hashes its own slice of them.
    hashes = vocabulary.hashes()
    parts = [part for title_ids, ids, _, _ in scanned for part in (title_ids, ids)]
    ends = np.cumsum([len(t) + len(i) for t, i, _, _ in scanned], dtype=np.int64)
    stream = memoryview(hashes[np.concatenate(parts)].tobytes() if parts else b"")
    out = []
    start = 0
    for doc, (title, body), (title_ids, ids, lower, lead_ids), end, text in zip(
        docs, split, scanned, (ends * hashes.itemsize).tolist(), texts
    ):
        exact = hashlib.blake2b(stream[start:end], digest_size=16).hexdigest()
        start = end
        published, warnings = read_published(doc)
        key = extract_event_key(title, body, published, lower)
        record = Prepared(
            doc.id, title, exact, key, published and published.isoformat(), doc.source, warnings,
            text,
        )
        out.append(Analysis(record, ids, title_ids, lead_ids, lower, vocabulary))
    return out


def read_published(doc: Document) -> tuple[dt.date | None, tuple[FieldWarning, ...]]:
    """The publication date of a document, and the warning when its value cannot be read."""
    if doc.published is None:
        return None, ()
    try:
        return parse_published(doc.published), ()
    except DateError as exc:
        return None, (FieldWarning(doc.id, "published", doc.published, str(exc)),)


def prepare(doc: Document) -> Prepared:
    """The record the pipeline keeps of one document."""
    return analyse(doc, Vocabulary()).record


class Corpus:
    """The single pass over the documents: small records, MinHash signatures and term counts
    are kept; the texts are not (so memory grows with the number of documents, not their size)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.records: list[Prepared] = []
        self.vocabulary = Vocabulary()
        self.terms = TermCounts(self.vocabulary)
        self.heads = TermCounts(self.vocabulary)
        # Per token id, how many documents write it in lower case (0, 1, or 2 for two or
        # more); the words at 2 are the common words, kept as a set for the name checks.
        self.common_words: set[str] = set()
        self._lower_docs = np.zeros(0, dtype=np.uint8)
        self._minhasher = MinHasher(config.num_perm, config.seed)
        self._pending: list[np.ndarray] = []
        self._pending_tokens = 0
        self._signatures: list[np.ndarray] = []
        self._shingle_counts: list[np.ndarray] = []

    def add_batch(
        self, docs: Sequence[Document], site_chrome: Sequence[frozenset[str]] | None = None
    ) -> list[Skipped]:
        """Analyse several documents together (:func:`analyse_batch`) and keep them, as
        :meth:`add_analysis` does, counting their lower-case words once for the batch.

        A document whose analysis fails (a bug in one document's analysis is that document's
        problem, not the run's) is not kept: it comes back as a :class:`Skipped` with reason
        ``internal error: <type>: <message>``, and the rest of the batch is kept."""
        skipped: list[Skipped] = []
        try:
            analysed = analyse_batch(docs, self.vocabulary, site_chrome)
        except Exception:
            # Analysis only numbers new tokens in the vocabulary before it returns, so it can
            # be run again one document at a time to find the one that fails.
            chrome = site_chrome or [frozenset()] * len(docs)
            analysed = []
            for doc, own in zip(docs, chrome):
                try:
                    analysed.extend(analyse_batch([doc], self.vocabulary, [own]))
                except Exception as exc:
                    skipped.append(Skipped.internal_error(doc.id, exc, id=doc.id))
        for a in analysed:
            self.add_analysis(a, count_lower=False)
        self._count_lower([a.lower_words.ids for a in analysed])
        return skipped

    def add_analysis(
        self, a: Analysis, signature: np.ndarray | None = None, *, count_lower: bool = True
    ) -> Analysis:
        """Keep what later stages need of an analysed document (analysed with this corpus's
        vocabulary). ``signature``: its MinHash signature, when the caller has it already;
        ``count_lower=False``: the caller counts its lower-case words (a batch at once)."""
        if signature is not None:
            self._append_signature(signature, shingle_count(len(a.ids), self.config.shingle_size))
        self.records.append(a.record)
        self.terms.add_ids(a.title_ids, a.ids)
        self.heads.add_ids(a.title_ids, a.lead_ids)
        if count_lower:
            self._count_lower([a.lower_words.ids])
        if signature is None:
            self._pending.append(a.ids)
            self._pending_tokens += len(a.ids)
            if self._pending_tokens >= 50_000:
                self.flush()
        return a

    def restore(
        self, record: Prepared, terms: tuple[np.ndarray, np.ndarray],
        heads: tuple[np.ndarray, np.ndarray], signature: np.ndarray, shingles: int,
    ) -> None:
        """Append a document as a saved index holds it (no text to analyse)."""
        self._append_signature(signature, shingles)
        self.records.append(record)
        self.terms.add_row(*terms)
        self.heads.add_row(*heads)

    def restore_counts(
        self, record: Prepared, terms: dict[str, int], heads: dict[str, int],
        signature: np.ndarray, shingles: int, lower_words: set[str],
    ) -> None:
        """Append a document given as term counts (a shared index's log entry)."""
        self._append_signature(signature, shingles)
        self.records.append(record)
        self.terms.add_counts(terms)
        self.heads.add_counts(heads)
        add = self.vocabulary.add
        self._count_lower([np.unique(np.array([add(w) for w in lower_words], dtype=np.int32))])

    def _append_signature(self, signature: np.ndarray, shingles: int) -> None:
        """Keep a signature computed elsewhere (after those still pending: document order)."""
        self.flush()
        self._signatures.append(signature.reshape(1, -1).astype(np.uint32))
        self._shingle_counts.append(np.array([shingles], dtype=np.int64))

    def _count_lower(self, id_arrays: Sequence[np.ndarray]) -> None:
        """Count the lower-case words of documents (each array: one document's distinct ids):
        a word two documents write in lower case is a common word. Only the ids that become
        common turn into strings."""
        arrays = [ids for ids in id_arrays if len(ids)]
        if not arrays:
            return
        flat = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
        size = len(self.vocabulary)
        if size > len(self._lower_docs):
            grown = np.zeros(max(size, 2 * len(self._lower_docs)), dtype=np.uint8)
            grown[:len(self._lower_docs)] = self._lower_docs
            self._lower_docs = grown
        if len(arrays) == 1:  # one document: its ids are distinct already
            ids, docs = flat.astype(np.int64), np.ones(len(flat), dtype=np.int64)
        else:
            ids, docs = distinct_counts(flat)
        before = self._lower_docs[ids]
        after = np.minimum(before.astype(np.int64) + docs, 2)
        self._lower_docs[ids] = after
        words = self.vocabulary.words
        self.common_words.update(words[i] for i in ids[(before < 2) & (after == 2)].tolist())

    def seen_once(self) -> set[str]:
        """The words one document or more writes in lower case (a saved index keeps them)."""
        words = self.vocabulary.words
        return {words[i] for i in np.flatnonzero(self._lower_docs).tolist()}

    def restore_lower_words(self, common: set[str], seen: set[str]) -> None:
        """Set the lower-case word counts of a saved index (``seen``: written so once or more;
        ``common``: twice or more)."""
        self.common_words = set(common)
        add = self.vocabulary.add
        ids = np.array([add(w) for w in seen | common], dtype=np.int64)
        twice = np.array([add(w) for w in common], dtype=np.int64)
        self._lower_docs = np.zeros(len(self.vocabulary), dtype=np.uint8)
        self._lower_docs[ids] = 1
        self._lower_docs[twice] = 2

    def signatures_of(self, id_arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """MinHash signatures and shingle counts of token-id arrays."""
        return id_signatures(
            id_arrays, self.vocabulary.hashes(), self.config.shingle_size, self._minhasher
        )

    def flush(self) -> None:
        """Compute the signatures of the documents added since the last flush."""
        if self._pending:
            sigs, counts = self.signatures_of(self._pending)
            self._signatures.append(sigs)
            self._shingle_counts.append(counts)
        self._pending, self._pending_tokens = [], 0

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Signatures and shingle counts of all documents, in order."""
        self.flush()
        if not self._signatures:
            return np.zeros((0, self.config.num_perm), dtype=np.uint32), np.zeros(0, np.int64)
        return np.vstack(self._signatures), np.concatenate(self._shingle_counts)


def publication_day(key: EventKey) -> int:
    """Publication day number where known with its year (else -1): the candidate window."""
    if key.published is None or key.date is None or not key.date.year_known:
        return -1
    return key.published.toordinal()


# The candidate sources, by the names explanations give them.
SAME_TEXT, LSH, BLOCKING = "same text", "minhash-lsh", "blocking"


def candidate_sources(
    prepared: list[Prepared], signatures: np.ndarray, body: Any, config: Config
) -> dict[str, np.ndarray]:
    """The candidate pairs of each source, as sorted (k, 2) arrays of rows ``(i, j)``, ``i < j``
    (a pair may come from several): ``same text`` (equal exact-copy keys: each document
    paired with the first of its text), ``minhash-lsh`` (signatures agreeing on an LSH band)
    and ``blocking`` (two or more shared salient TF-IDF terms). ``body``: the TF-IDF matrix of
    the bodies."""
    n = len(prepared)
    found = [np.zeros((0, 2), dtype=np.int64)]
    by_text: dict[str, int] = {}
    for i, p in enumerate(prepared):
        first = by_text.setdefault(p.exact, i)
        if first != i:
            found.append(np.array([[first, i]], dtype=np.int64))
    sources = {SAME_TEXT: np.concatenate(found)}
    empty = np.zeros((0, 2), dtype=np.int64)
    sources[LSH] = lsh_pairs(signatures, config.near_duplicate_threshold) if n > 1 else empty
    sources[BLOCKING] = (
        blocking_pairs(top_terms(body, config.salient_terms), config.max_block_size)
        if n > 1 else empty
    )
    return sources


def in_window(keys: list[EventKey], left: np.ndarray, right: np.ndarray, config: Config) -> np.ndarray:
    """Which pairs the date-aware window lets through: articles published more than
    ``window_days`` apart are never compared (a pair with an undated article always is)."""
    day = np.array([publication_day(key) for key in keys], dtype=np.int64)
    undated = (day[left] < 0) | (day[right] < 0)
    return undated | (np.abs(day[left] - day[right]) <= config.window_days)


def pair_measures(
    signatures: np.ndarray, shingle_counts: np.ndarray, body: Any, heads: Any,
    left: np.ndarray, right: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle Jaccard estimates (0 where a text has no shingle), body and headline-and-lead
    TF-IDF cosines of pairs."""
    if not len(left):
        return np.zeros(0), np.zeros(0), np.zeros(0)
    cosines = pair_cosines(body, left, right)
    head_cosines = pair_cosines(heads, left, right)
    jaccards = pair_jaccards(signatures, left, right)
    empty = shingle_counts == 0
    jaccards[empty[left] | empty[right]] = 0.0
    return jaccards, cosines, head_cosines


def score_candidates(
    corpus: Corpus, prepared: list[Prepared], keys: list[EventKey], config: Config,
    report: Progress,
) -> tuple[PairTable, dict[str, float]]:
    """Candidate pairs (row indices, i < j) with their features, in a deterministic order
    (``keys``: the records' event keys as scored, common words dropped from their people)."""
    n = len(prepared)
    signatures, shingle_counts = corpus.finish()
    report("fingerprints", n, n)
    body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix()) if n else (None, None)

    both = np.concatenate(list(candidate_sources(prepared, signatures, body, config).values()))
    both = unique_pairs(both[:, 0], both[:, 1], n)
    report("candidates", len(both), len(both))

    left, right = both[:, 0], both[:, 1]
    inside = in_window(keys, left, right, config)
    left, right = left[inside], right[inside]
    jaccards, cosines, head_cosines = pair_measures(
        signatures, shingle_counts, body, heads, left, right
    )
    table, weight = score_pairs(
        keys, left, right, jaccards, cosines, head_cosines, config
    )
    report("scoring", len(left), len(left))
    return table, weight


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
        documents: the articles (ids must be unique). A collection (list, tuple, or any
            object whose ``iter()`` gives a fresh iterator) is read twice: first to learn the
            lines each site repeats on most of its pages (its chrome), then to analyse. A
            one-shot iterator or generator is read once, without that step.
        config: settings; ``Config()`` by default.
        skipped: inputs the loader could not use, passed through to the result.
        progress: optional ``callback(stage, done, total)``; the library itself never prints.
    """
    config = checked_arguments(documents, config)
    report = progress or (lambda stage, done, total: None)
    with gc_paused():
        return _cluster(documents, config, skipped, report)


def checked_arguments(documents: Iterable[Document], config: Config | None) -> Config:
    """The configuration of a batch call (``Config()`` for None); raises ConfigError or
    InputError, saying what was given, for a config or documents of the wrong type."""
    config = Config() if config is None else config
    if not isinstance(config, Config):
        raise ConfigError(f"The 'config' parameter must be a Config. Got {config!r} instead.")
    if isinstance(documents, (str, bytes)) or not isinstance(documents, Iterable):
        raise InputError(
            f"The 'documents' parameter must be an iterable of Document. "
            f"Got {type(documents).__name__} instead."
        )
    return config


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the pass allocates millions of small acyclic objects
    that it would scan again and again for nothing (about a tenth of the run time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _cluster(
    documents: Iterable[Document], config: Config, skipped: Sequence[Skipped], report: Progress
) -> ClusterResult:
    corpus, failed = build_corpus(documents, config, report)
    return cluster_corpus(corpus, skipped=[*skipped, *failed], report=report)


def build_corpus(
    documents: Iterable[Document], config: Config, report: Progress
) -> tuple[Corpus, list[Skipped]]:
    """The single pass: every document analysed into a :class:`Corpus` (a collection is read
    twice, first to learn each site's chrome), and the documents that could not be kept
    (a duplicate id, an internal error in one document's analysis)."""
    chrome: dict[str, frozenset[str]] = {}
    if iter(documents) is not documents:
        # A collection can be read twice: first learn each site's own chrome.
        chrome = learn_site_chrome(_checked(documents))
    documents = _checked(documents)
    corpus = Corpus(config)
    failed: list[Skipped] = []
    batch: list[Document] = []
    chars = 0
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:  # the first one stays; a loader reports duplicates itself
            failed.append(Skipped(doc.id, f"duplicate id '{doc.id}'", id=doc.id))
            continue
        seen.add(doc.id)
        batch.append(doc)
        chars += len(doc.text)
        if len(batch) >= BATCH_DOCUMENTS or chars >= BATCH_CHARS:
            failed += _add_batch(corpus, batch, chrome)
            report("reading", len(corpus.records), 0)
            batch, chars = [], 0
    failed += _add_batch(corpus, batch, chrome)
    report("reading", len(corpus.records), len(corpus.records))
    return corpus, failed


def _checked(documents: Iterable[Document]) -> Iterator[Document]:
    """``documents``, raising InputError for an item that is not a Document."""
    for number, doc in enumerate(documents):
        if not isinstance(doc, Document):
            raise InputError(
                f"Item {number} of 'documents' must be a Document. Got {type(doc).__name__} "
                "instead (dedup.loaders.load reads files into Documents)."
            )
        yield doc


# Documents analysed together (see analyse_batch): up to this many, or this much text.
BATCH_DOCUMENTS = 512
BATCH_CHARS = 4_000_000


def _add_batch(
    corpus: Corpus, batch: list[Document], chrome: dict[str, frozenset[str]]
) -> list[Skipped]:
    if not batch:
        return []
    none: frozenset[str] = frozenset()
    own = [chrome.get(source_of(doc) or "", none) for doc in batch] if chrome else None
    return corpus.add_batch(batch, own)


def cluster_corpus(
    corpus: Corpus, *, skipped: Sequence[Skipped] = (), report: Progress | None = None
) -> ClusterResult:
    """Cluster what a :class:`Corpus` holds (the batch call and the incremental index's
    batch view share this, so both give the same clusters for the same documents)."""
    report = report or (lambda stage, done, total: None)
    keys = scored_keys(corpus)
    table, weight = score_candidates(corpus, corpus.records, keys, corpus.config, report)
    return cluster_scored(corpus, keys, table, weight, skipped=skipped, report=report)


def scored_keys(corpus: Corpus) -> list[EventKey]:
    """The event keys of a corpus's records as they are scored: a "surname" that other
    articles write in lower case is a common word, not a name."""
    common = corpus.common_words
    return [drop_common_names(p.key, common) for p in corpus.records]


def cluster_scored(
    corpus: Corpus, keys: list[EventKey], table: PairTable, weight: dict[str, float], *,
    skipped: Sequence[Skipped] = (), report: Progress | None = None,
) -> ClusterResult:
    """Link and cluster the scored candidate pairs of a corpus (:func:`score_candidates`):
    copies by :func:`dedup.scoring.copy_pairs`, stories by :func:`dedup.cluster.settle`."""
    config = corpus.config
    report = report or (lambda stage, done, total: None)
    n = len(corpus.records)
    prepared = corpus.records
    # From here on rows are in id order, so that ties between equal scores and the order of
    # the two articles in a link's evidence never depend on the input order.
    order = sorted(range(n), key=lambda i: prepared[i].id)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    table = table.renumbered(rank)
    prepared = [prepared[i] for i in order]
    ids = [p.id for p in prepared]
    keys = [keys[i] for i in order]
    exact_ids = np.unique([p.exact for p in prepared], return_inverse=True)[1] if n else np.zeros(0)
    same_text = exact_ids[table.left] == exact_ids[table.right]
    copy = copy_pairs(same_text, table.jaccard, config)
    _, stories, merges = settle(
        n, table.left, table.right, table.score, copy,
        config.cluster_threshold, config.same_event_threshold,
    )
    links: list[Link] = []
    for k in np.flatnonzero(copy):
        i, j = int(table.left[k]), int(table.right[k])
        feats = features(table, k, keys, weight, config)
        links.append(_link(prepared[i].id, prepared[j].id, EXACT if same_text[k] else NEAR, feats))
    pair_index = table.left * max(n, 1) + table.right
    for i, j in merges:
        k = int(np.searchsorted(pair_index, i * max(n, 1) + j))
        links.append(_link(prepared[i].id, prepared[j].id, EVENT, features(table, k, keys, weight, config)))
    links.sort(key=lambda link: (link.a, link.b))
    clusters = build_clusters(ids, links, stories)
    report("clustering", n, n)
    details = {
        p.id: {
            "source": p.source,
            "published": p.published,
            "event": key.to_dict(),  # as scored: the people without the corpus's common words
            "text": p.text.to_dict() if p.text else None,
        }
        for p, key in zip(prepared, keys)
    }
    return ClusterResult(
        documents=n,
        clusters=clusters,
        links=links,
        skipped=list(skipped),
        warnings=[w for p in prepared for w in p.warnings],
        titles={p.id: p.title for p in prepared},
        details=details,
        config=config,
    )
