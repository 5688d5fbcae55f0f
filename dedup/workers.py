"""The text pass on every core: batches of documents analysed in worker processes and kept
in the corpus in the order they were read, so that the corpus, and every result, is the
one a single process makes (see :meth:`dedup.corpus.Corpus.add_analysed`).

A worker analyses batches with a vocabulary of its own, kept from batch to batch, and sends
back the records, the term-count rows (counted in the worker, columns in its vocabulary's
ids), the ids of the words each document writes in lower case, the tokens it numbered while
analysing the batch (in the order it first saw them) and the MinHash signatures
(:class:`~dedup.corpus.AnalysedBatch`); no token-id array of a text. The main process reads the inputs, learns each site's
chrome (which needs every page in order), and keeps the batches in order: it numbers each
worker's new tokens in the corpus vocabulary, in the order the worker saw them, and maps the
worker's ids to the corpus's (the rows' columns sorted again in the corpus's ids). Every token a worker knew before a batch was in a batch kept
before it, so the tokens new to the corpus are numbered in the order one process would
number them in. A document whose analysis fails in a worker is skipped with
``internal error: ...``, as in one process.

Worker processes cost their start (tens of milliseconds with ``fork``, used on Linux; a
second or more with ``spawn``, elsewhere), so the pool starts only once the input has filled
:data:`POOL_AFTER` batches: a run of a few hundred documents stays in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

import numpy as np

from .config import Config
from .corpus import AnalysedBatch, Corpus, analyse_apart
from .documents import Document, Skipped
from .errors import ConfigError
from .fingerprint import MinHasher
from .vocabulary import Vocabulary

# The batches analysed in this process before a pool starts (a batch: up to
# pipeline.BATCH_DOCUMENTS documents): a run of one batch stays in one process.
POOL_AFTER = 1


def checked_jobs(jobs: int | None) -> int:
    """The number of processes for ``jobs`` (None: one per core this process may use);
    raises ConfigError for anything but None or a whole number of 1 or more."""
    if jobs is None:
        return available_cores()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(
            f"The 'jobs' parameter must be a whole number of 1 or more, or None for one "
            f"process per core. Got {jobs!r} instead.")
    return jobs


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform says)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class TextPass:
    """Batches of documents analysed into ``corpus`` in the order they are given: in this
    process while ``jobs`` is 1 or the input is short, else in ``jobs`` worker processes.

    :meth:`add` returns the list that will hold the batch's skipped documents (filled once
    the batch is kept); :meth:`close` waits for every batch and stops the workers. Use it as
    a context manager, so that the workers stop on an error too."""

    def __init__(self, corpus: Corpus, jobs: int = 1) -> None:
        self.corpus = corpus
        self.jobs = jobs
        self._batches = 0
        self._pool: ProcessPoolExecutor | None = None
        self._waiting: deque[tuple[Future[AnalysedBatch], list[Skipped]]] = deque()
        self._numbering: dict[int, np.ndarray] = {}  # per worker: its ids to the corpus's

    def __enter__(self) -> TextPass:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._stop()

    def add(self, docs: Sequence[Document], site_chrome: Sequence[frozenset[str]]) -> list[Skipped]:
        """Analyse ``docs`` (with their sites' chrome) after the batches given before."""
        self._batches += 1
        if self._pool is None and (self.jobs == 1 or self._batches <= POOL_AFTER):
            return self.corpus.add_batch(docs, site_chrome)
        if self._pool is None:
            self._pool = _start(self.corpus.config, self.jobs)
        skipped: list[Skipped] = []
        self._waiting.append((self._pool.submit(_analyse, docs, site_chrome), skipped))
        # Keep what is done, in order; wait only when enough batches are on their way to
        # keep every worker busy (the main process reads and keeps batches meanwhile).
        while self._waiting and (self._waiting[0][0].done() or len(self._waiting) > 2 * self.jobs):
            self._keep()
        return skipped

    def close(self) -> None:
        """Keep every batch still on its way, then stop the workers."""
        try:
            while self._waiting:
                self._keep()
        finally:
            self._stop()

    def _keep(self) -> None:
        future, skipped = self._waiting.popleft()
        batch = future.result()
        numbering = self._numbering.get(batch.worker, np.zeros(0, dtype=np.int32))
        if len(numbering) != batch.first_new:
            raise RuntimeError(f"worker {batch.worker} numbered {batch.first_new} tokens before "
                               f"this batch; {len(numbering)} were kept")
        new = self.corpus.vocabulary.add_all(batch.new_words)
        numbering = self._numbering[batch.worker] = np.concatenate([numbering, new])
        skipped.extend(self.corpus.add_analysed(batch, numbering))

    def _stop(self) -> None:
        self._waiting.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _start(config: Config, jobs: int) -> ProcessPoolExecutor:
    # fork: the workers start with dedup and its tables loaded, in milliseconds. On Linux only:
    # macOS has fork too, but its system libraries are not safe to use after it (Python's
    # default there is spawn, which imports dedup again in each worker).
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_init, initargs=(config,))


_config: Config | None = None
_minhasher: MinHasher | None = None
_vocabulary: Vocabulary | None = None


def _init(config: Config) -> None:
    """A worker's start: its settings and vocabulary, and Ctrl-C left to the main process
    (which stops the workers), so that an interrupted run prints no traceback per worker."""
    global _config, _minhasher, _vocabulary
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Forked while another thread (the progress display) may have been writing: the copies of
    # sys.stdout and sys.stderr may hold a lock no thread here will release, and the worker
    # flushes them when it ends. New ones have their own locks; stdout is the command's
    # output, which a worker must never write to.
    sys.stdout = open(os.devnull, "w")
    sys.stderr = open(os.dup(2), "w", buffering=1)
    _config, _minhasher = config, MinHasher(config.num_perm, config.seed)
    _vocabulary = Vocabulary()


def _analyse(docs: Sequence[Document], site_chrome: Sequence[frozenset[str]]) -> AnalysedBatch:
    assert _config is not None and _minhasher is not None and _vocabulary is not None
    return analyse_apart(docs, site_chrome, _vocabulary, _config, _minhasher, os.getpid())
