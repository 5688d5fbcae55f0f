"""The batch call, conducted: documents → :mod:`analysis` (the text pass of each, once) →
:mod:`corpus` (what is kept of them) → :mod:`pairs` (candidate pairs from :mod:`candidates`,
scored) → :mod:`cluster` (copies linked, stories grown) → :class:`~dedup.result.ClusterResult`.

The crawler index (:mod:`dedup.index`) uses the same stages one article at a time.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, TypeVar

from .boilerplate import SiteChrome, page_keys, source_of
from .cluster import cluster_scored
from .config import Config
from .corpus import Corpus
from .documents import Document, Progress, Skipped
from .errors import ConfigError, InputError
from .events import EventKey, drop_common_names
from .memory import give_back_memory
from .pairs import score_lean
from .result import ClusterResult
from .workers import TextPass, checked_jobs

T = TypeVar("T")

# The stages a run reports to its ``progress`` callback, in order: ``reading`` as the texts
# are analysed (done: documents so far; total: 0 until the pass ends), each later one once,
# when it ends (done == total: documents, candidate pairs, scored pairs, documents).
STAGES = ("reading", "fingerprints", "candidates", "scoring", "clustering")


def cluster_documents(
    documents: Iterable[Document],
    config: Config | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    progress: Progress | None = None,
    jobs: int | None = 1,
) -> ClusterResult:
    """Group documents into story clusters holding duplicate groups, every link explained.

    Args:
        documents: the articles (ids must be unique), read once. The lines a site repeats
            on its pages (its chrome) are learned as they go by, so a list, an iterator and a
            generator of the same documents give the same result.
        config: settings; ``Config()`` by default.
        skipped: inputs the loader could not use, passed through to the result.
        progress: optional ``callback(stage, done, total)``; the library itself never prints.
        jobs: processes for the text pass (cleaning, the token scan, event keys, MinHash
            signatures), the larger part of a run: 1 (the default) analyses in this process;
            N starts N worker processes once the input passes one batch (512
            documents; ``fork`` on Linux); None, one per core.
            The result is the same for every value. A library call starts no process unless
            asked; the ``dedup`` command uses every core.
    """
    config = checked_arguments(documents, config)
    jobs = checked_jobs(jobs)
    report = progress or (lambda stage, done, total: None)
    with gc_paused():
        return _cluster(documents, config, skipped, report, jobs)


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
    documents: Iterable[Document], config: Config, skipped: Sequence[Skipped], report: Progress,
    jobs: int,
) -> ClusterResult:
    corpus, failed = build_corpus(documents, config, report, jobs=jobs)
    give_back_memory()  # the text pass's batches
    return cluster_corpus(corpus, skipped=[*skipped, *failed], report=report, release=True)


def build_corpus(
    documents: Iterable[Document], config: Config, report: Progress, *, jobs: int = 1
) -> tuple[Corpus, list[Skipped]]:
    """The single pass: every document analysed into a :class:`Corpus`, and the documents that
    could not be kept (a duplicate id, an internal error in one document's analysis).

    Each site's own chrome is learned as its pages go by (:class:`~dedup.boilerplate.
    SiteChrome`, the crawler index's learner): a site's first :data:`HOLD_PAGES` pages wait
    until they are all in, then are analysed with the chrome those pages show; every later
    page with the chrome learned so far. The documents are read once, and a list, an iterator
    and a generator of the same documents give the same result. ``jobs``: the processes that
    analyse the batches (:class:`~dedup.workers.TextPass`; the corpus is the same)."""
    corpus = Corpus(config)
    schedule = ChromeSchedule()
    failed: list[list[Skipped]] = []  # in the order one process finds them
    batch: list[tuple[Document, frozenset[str]]] = []
    chars = 0
    seen: set[str] = set()

    with TextPass(corpus, jobs) as text_pass:

        def send() -> None:
            nonlocal batch, chars
            failed.append(text_pass.add([d for d, _ in batch], [o for _, o in batch]))
            report("reading", len(corpus.records), 0)
            batch, chars = [], 0

        def analyse(docs: list[tuple[Document, frozenset[str]]]) -> None:
            nonlocal chars
            for doc, own in docs:
                batch.append((doc, own))
                chars += len(doc.text)
                if len(batch) >= BATCH_DOCUMENTS or chars >= BATCH_CHARS:
                    send()

        for doc in checked_documents(documents):
            if doc.id in seen:  # the first one stays; a loader reports duplicates itself
                failed.append([Skipped.duplicate_id(doc.id)])
                continue
            seen.add(doc.id)
            analyse(schedule.offer(doc, source_of(doc), page_keys_of(doc)))
        analyse(schedule.rest())
        if batch:
            send()
    report("reading", len(corpus.records), len(corpus.records))
    return corpus, [skip for part in failed for skip in part]


class ChromeSchedule(Generic[T]):
    """When each page is analysed, and with which site chrome (the one rule, for the batch
    run and for the Spark engine, which runs it on each site's pages apart): pages without a
    site at once, with none; a site's first :data:`HOLD_PAGES` pages wait until they are all
    in, then go with the chrome those pages show; every later page at once, with the chrome
    learned so far; the pages of sites with fewer pages go at the end (:meth:`rest`), site
    by site in the order of their first page, with all their pages' chrome."""

    def __init__(self) -> None:
        self.learner = SiteChrome()
        self.held: dict[str, list[T]] = {}  # a site's first pages, waiting
        self.settled: set[str] = set()  # sites past their first pages

    def offer(self, item: T, source: str | None, keys: set[str] | None
              ) -> list[tuple[T, frozenset[str]]]:
        """The pages to analyse now that ``item`` (of site ``source``, with its lines'
        :func:`~dedup.boilerplate.page_keys`, None where they could not be read) is read."""
        if source is None:
            return [(item, frozenset())]
        own = (self.learner.chrome(source) if keys is None
               else self.learner.count(source, keys))
        if source in self.settled:
            return [(item, own)]
        waiting = self.held.setdefault(source, [])
        waiting.append(item)
        if len(waiting) < HOLD_PAGES:
            return []
        self.settled.add(source)
        return [(page, own) for page in self.held.pop(source)]

    def rest(self) -> list[tuple[T, frozenset[str]]]:
        """The pages still waiting (sites with fewer than :data:`HOLD_PAGES` pages)."""
        out = [(page, self.learner.chrome(source))
               for source, waiting in self.held.items() for page in waiting]
        self.held.clear()
        return out


def page_keys_of(doc: Document) -> set[str] | None:
    """The :func:`~dedup.boilerplate.page_keys` of a page, None where reading them fails (a
    bug on one page: it teaches nothing; its analysis reports it)."""
    if source_of(doc) is None:
        return None
    try:
        return page_keys(doc)
    except Exception:
        return None


# A site's first pages wait for each other, so that the chrome they share is known before
# any of them is analysed (a line is chrome on 3 pages and half of them).
HOLD_PAGES = 8


def checked_documents(documents: Iterable[Document]) -> Iterator[Document]:
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


def cluster_corpus(
    corpus: Corpus, *, skipped: Sequence[Skipped] = (), report: Progress | None = None,
    release: bool = False,
) -> ClusterResult:
    """Cluster what a :class:`Corpus` holds (the batch call and the incremental index's
    batch view share this, so both give the same clusters for the same documents).
    ``release``: the corpus's term counts are let go as they are weighed (the batch call,
    which reads the corpus no more; see :func:`~dedup.pairs.score_candidates`)."""
    report = report or (lambda stage, done, total: None)
    keys = scored_keys(corpus, release=release)
    table, weight = score_lean(corpus, corpus.records, keys, corpus.config, report,
                               release=release)
    if release:  # the TF-IDF matrices and the fingerprints, let go
        give_back_memory()
    return cluster_scored(corpus, keys, table, weight, skipped=skipped, report=report)


def scored_keys(corpus: Corpus, *, release: bool = False) -> list[EventKey]:
    """The event keys of a corpus's records as they are scored: a "surname" that other
    articles write in lower case is a common word, not a name. ``release``: each record
    holds its scored key from here on, in place of the key it was read with (for a caller
    that reads the records' keys no more as they were: the batch run, whose records are
    otherwise held with two keys each), and equal scored people sets are shared. The corpus's
    :class:`~dedup.records.RecordPool` is let go (the batch run keeps no more records): its
    tables, and the people sets of the keys replaced, which only it still held."""
    common = corpus.common_words
    if not release:
        return [drop_common_names(p.key, common) for p in corpus.records]
    # The pool of the records as read goes first: each key's people set, once replaced, is
    # freed as soon as no record holds it, and the next one made takes its place in the heap.
    corpus.release_pool()
    shared = corpus.pool.strings  # a new pool, of the scored people sets alone
    keys = []
    for p in corpus.records:
        key = drop_common_names(p.key, common, shared)
        if key is not p.key:
            object.__setattr__(p, "key", key)  # a frozen record: its one field replaced
        keys.append(key)
    corpus.release_pool()
    return keys


