"""The batch call, conducted: documents → :mod:`analysis` (the text pass of each, once) →
:mod:`corpus` (what is kept of them) → :mod:`pairs` (candidate pairs from :mod:`candidates`,
scored) → :mod:`cluster` (copies linked, stories grown) → :class:`~dedup.result.ClusterResult`.

The crawler index (:mod:`dedup.index`) uses the same stages one article at a time.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence

from .boilerplate import learn_site_chrome, source_of
from .cluster import cluster_scored
from .config import Config
from .corpus import Corpus
from .documents import Document, Progress, Skipped
from .errors import ConfigError, InputError
from .events import EventKey, drop_common_names
from .pairs import score_candidates
from .result import ClusterResult


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


