"""The batch run on Apache Spark: the same stages, the same rules (the functions of
:mod:`analysis`, :mod:`corpus`, :mod:`candidates`, :mod:`pairs`, :mod:`cluster`), the same
result as :func:`dedup.pipeline.cluster_documents`, whatever the partitioning.

Design (each stage, what moves, and why the result is the default engine's):

0. **Read, with stable ordinals.** A JSONL path (a file, folder or glob, gzipped too, any
   file system Spark reads) is read as lines of bytes, numbered in the order of the files'
   paths and of the lines in each (:meth:`_Run.lines`, never
   ``monotonically_increasing_id``) and parsed by the loader's own line reader (:func:`dedup.loaders.records.record_line`); a
   DataFrame's rows likewise (:func:`~dedup.loaders.records.record_value`); documents given
   in Python (the ``dedup cluster --engine spark`` command, which reads folders, text, web
   pages and several files through :mod:`dedup.loaders` as the default engine does) are read
   **on the driver**, their duplicate ids dropped there, and shipped in slices. Ids met twice
   in a path or DataFrame: the first stays (found by grouping ids, in the job that brings
   back the records the read skipped; only the few duplicates come back to the driver).
1. **Site chrome, grouped by site** (:class:`~dedup.pipeline.ChromeSchedule`, the default
   engine's rule): each page's line keys (small: hashes of lines, not the text) are grouped
   by site and run through the schedule in input order. It gives each page its chrome and
   its *analysis position*: the place where the default engine analyses it (a site's first
   8 pages wait for the 8th; sites of fewer pages come last). One task per site: a site of
   millions of pages is the skew point of this stage (keys only, sorted once).
2. **Text pass in ``mapPartitions``**: documents sorted by analysis position into range
   partitions, each partition analysed by :func:`dedup.corpus.analyse_apart` with a
   vocabulary of its own, in the batches the default engine uses (exactly as a worker
   process of :mod:`dedup.workers` does): the batch's term-count rows of title+body and
   title+lead (:func:`dedup.similarity.count_rows`) and the words each document writes in
   lower case, read as :meth:`dedup.corpus.Corpus.add_analysed` reads a worker's.
3. **One vocabulary, in the default engine's order**: a token's global id is its rank by
   first sight, ``(partition, id in the partition)``, a ``reduceByKey(min)`` and a sort:
   the order one process numbers tokens in. Term ids matter (salient-term ties go to the
   lower id; the TF-IDF sums run in id order), so this is the canonical term order, and no
   partitioning changes a tie. Each partition's ids are mapped to global ones (a cogroup by
   partition, as :meth:`dedup.corpus.Corpus.add_analysed` maps a worker's); the rows are
   then hash-partitioned by row, for good (see 7).
4. **Global statistics as aggregations**: document frequencies of terms (``reduceByKey``;
   the IDF from them is scikit-learn's, value for value: :func:`dedup.similarity.
   idf_transformer`), the common words (written in lower case by two documents or more),
   name weights (:func:`dedup.scoring.entity_weight` of each name's document count, after
   common words are dropped from the people: a name that is a common word counts where it
   names an organisation). All three in one ``reduceByKey`` and one job; broadcast.
5. **Per-document features** (TF-IDF rows of body and head, salient terms by
   :func:`dedup.similarity.top_terms`, scored event key, publication day), in the
   partitions of step 3, keyed by row (the default engine's corpus row).
6. **Candidates** (:class:`dedup.candidates.CandidateRules`): exact copies grouped by key
   (each paired with the first of its text); LSH rows routed by ``(band, band values)`` and
   grouped; salient terms grouped, a term held by more than ``max_block_size`` documents
   dropped (the same cap); for each row, the earlier rows sharing terms with it and how
   many, counted as arrays by ``reduceByKey``; its partners among those sharing
   ``min_shared`` terms chosen by :meth:`~dedup.candidates.CandidateRules.partners` (the date
   window against every row's day, broadcast as one array; at most ``max_partners``, as
   the default engine).
   Guard rails: texts without shingles all share one signature, so in bands after the first
   their pairs with each other are not made again (one bucket of k² pairs, not one per
   band); a bucket of more than :data:`BUCKET_SPLIT` documents has its pairs made by several
   tasks, chunk by chunk. Both are counted (``stats``) and named in the job descriptions.
7. **Pair features, scored by the existing code**: each pair joined with its two rows'
   features (the features stay in their partitions, by row: each join shuffles the pairs); per partition, :func:`dedup.pairs.measured_pairs` (the batch's text measures,
   event-key columns and containment, with the broadcast name weights) and
   :func:`dedup.copies.copy_rule` on the rows
   the partition's pairs need (the date window of :func:`dedup.candidates.in_window` first).
8. **Connected components** of the copy links and of the pairs scoring ``cluster_threshold``
   or more (all pairs when it is 0 or less). One job scores the pairs and counts the edges;
   up to :data:`DRIVER_EDGES` edges come to the driver, whose union-find gives each vertex
   its component's smallest vertex; more go through large-star/small-star in plain Spark
   (one counting job a round), which gives the same.
   Average linkage only merges two stories whose average reaches the threshold, so through
   a pair that does: every story lies in one component.
9. **Stories per component**: :func:`dedup.cluster.link_rows` (copy rule, :func:`settle`,
   links with their evidence) on each component's rows in id order and all its pairs;
   rows and pairs outside a component cannot change what happens inside it (see
   :func:`link_rows`), so this is exact.
10. **Result, on the driver**: the records, links and stories are collected and made into a
   :class:`~dedup.result.ClusterResult` by :func:`dedup.cluster.cluster_result`, as the
   default engine makes it (the stories, links and records in one job). This stage holds
   every record (no text) on the driver: fine for millions, not for a hundred million; there
   ``output=`` has the executors write the rows of ``--format jsonl`` and the links as
   Parquet instead (:func:`dedup.report.jsonl_rows` of each component).

Partitions: :func:`partitions_for` gives a stage one partition per :data:`PARTITION_DOCS`
documents, up to ``partitions`` when the caller gives a most: a task costs Spark a tenth of
a second or more however small, so a small input runs in few tasks, and a large one in
partitions of a bounded size (eight partitions of 100,000 articles ran ``local[2]``'s JVM
out of its default heap). Every persisted RDD is kept in memory and on disk
(:func:`spilled`).

Named driver-side parts: the read of documents given in Python (and so the command's read),
the duplicate ids, the broadcast statistics (IDF vector, common words, name weights), the
components of up to :data:`DRIVER_EDGES` edges and the result assembly of step 10 (not with
``output=``). Each stage is a job group: ``stats`` counts the jobs, stages and tasks.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from .boilerplate import source_of
from .candidates import CandidateRules, blocking_partners, key_facts, publication_day
from .cluster import UnionFind, cluster_result, link_rows
from .config import Config
from .copies import copy_rule
from .corpus import analyse_apart
from .documents import Document, Progress, Skipped
from .errors import ConfigError, InputError, describe
from .events import EventKey, drop_common_names
from .fingerprint import MinHasher, id_fingerprints
from .loaders.decode import REASON_EMPTY
from .pairs import PairScorer, PairTable, measured_pairs
from .pipeline import (
    BATCH_CHARS,
    BATCH_DOCUMENTS,
    ChromeSchedule,
    checked_arguments,
    checked_documents,
    page_keys_of,
)
from .result import ClusterResult
from .scoring import entity_weight
from .similarity import idf_transformer, tfidf_rows, top_terms
from .vocabulary import Vocabulary

log = logging.getLogger("dedup.spark")

# A bucket (LSH band value, or the texts without shingles) of more documents than this has its
# pairs made by several tasks, CHUNK documents against CHUNK at a time.
BUCKET_SPLIT = 256
CHUNK = 128

# Documents a partition of a stage is given (up to the ``partitions`` of the call): a task
# costs Spark about 0.1-0.2 s however small, so small inputs run in few partitions. At
# about 5 KB of features a document, and the pair join's two feature rows for each of about
# 20 pairs a document, 2,000 documents make partitions of about 10 MB (features) to 100 MB
# (the pair join): Spark's 128-200 MB.
PARTITION_DOCS = 2000

# The connected components of the pairs that merge are found on the driver (a union-find)
# when there are no more edges than this (about 100 MB of Python pairs at most); more go
# through large-star/small-star. Both give each vertex its component's smallest vertex.
DRIVER_EDGES = 1_000_000


# Pairs are scored in blocks of rows while there are no more than SCORE_BLOCKS blocks of
# SCORE_BLOCK_ROWS rows (40,000 documents): each row is shipped once for each block, to the
# tasks of its block with every block, instead of once for each of its pairs in the pair join
# (twice a pair: about 50 copies at 25 candidate pairs a document, measured on the synthetic
# corpus). Above that, the pair join: its volume grows with the pairs, the blocks' with
# documents times blocks.
SCORE_BLOCK_ROWS = 5000
SCORE_BLOCKS = 8


def _cell(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


def _block_pairs(items: Iterable[tuple[int, Any]]) -> Iterator[tuple[Features, Features]]:
    """A block task's pairs with their two rows' features: its items are (0, pair) and (1,
    packed features of a row)."""
    pairs, found = [], {}
    for side, item in items:
        if side:
            found[item[0]] = item
        else:
            pairs.append(item)
    rows = {row: Features.unpacked(found[row]) for row in {r for pair in pairs for r in pair}}
    return ((rows[a], rows[b]) for a, b in pairs)


def _spread(key: Any) -> int:
    """The partition hash of a shuffle key made of ints, strings and bytes (tuples of them):
    the same in every process, as pyspark's ``portable_hash``, without its look-up of
    ``PYTHONHASHSEED`` in the environment at every key and part of a key (half the time of
    the shuffles of many small keys: cProfile of the Python workers)."""
    kind = type(key)
    if kind is int:
        return key
    if kind is tuple:
        h = 0x345678
        for part in key:
            h = ((h * 1000003) ^ _spread(part)) & 0xFFFFFFFFFFFF
        return h
    if kind is str:
        return zlib.crc32(key.encode("utf-8"))
    if kind is bytes:
        return zlib.crc32(key)
    from pyspark.rdd import portable_hash

    return portable_hash(key)


def partitions_for(documents: int, limit: int | None = None) -> int:
    """Partitions of a stage over ``documents``: one per :data:`PARTITION_DOCS`, at least
    one, at most ``limit`` when one is given."""
    wanted = max(1, -(-documents // PARTITION_DOCS))
    return wanted if limit is None else min(limit, wanted)


def spilled() -> Any:
    """The storage level of every RDD the engine persists: memory, then disk. pyspark's
    ``persist()`` keeps partitions in memory only, where one that does not fit is computed
    again (a text pass, a pair join) or, as one large serialized block, can fail the run
    with the JVM out of heap."""
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


def cluster_spark(
    spark: Any, data: Any, config: Config | None = None, *, partitions: int | None = None,
    skipped: Iterable[Skipped] = (), progress: Progress | None = None,
    stats: dict[str, int] | None = None, output: str | os.PathLike | None = None,
) -> Any:
    """:func:`dedup.pipeline.cluster_documents` on Spark: the same result.

    Args:
        spark: a ``SparkSession`` (or ``SparkContext``).
        data: a path Spark reads (JSON Lines, gzipped too: local, HDFS, S3 through the
            session's configuration), a DataFrame with ``id`` and ``text`` columns (and
            optional ``title``, ``published``/``date``, ``source``, ``url``), or documents
            (an iterable of :class:`~dedup.documents.Document`, read on the driver).
        config: settings; ``Config()`` by default.
        partitions: the most partitions of a stage (default: none); a stage has one per
            :data:`PARTITION_DOCS` documents, up to this. A path is read in the splits of
            Spark's text source (``spark.sql.files.maxPartitionBytes``).
        skipped: inputs the caller could not use, passed through to the result.
        progress: optional ``callback(stage, done, total)`` with the default engine's stages.
        stats: a dict to fill with the run's counts: documents, texts without shingles
            (the one bucket they share), buckets split into tasks, salient terms over the
            cap, candidate pairs, scored pairs (in the date window), edges of the
            components, and the Spark jobs, stages and tasks the run took.
        output: a folder (any path Spark writes) to write the result to as Parquet, from
            the executors, instead of returning it: ``articles/`` (the rows of ``--format
            jsonl``: id, cluster, group, kind, tier, cluster_size, group_size), ``links/``
            (a, b, kind, and scores and evidence as JSON text) and ``skipped/`` (path,
            reason, line, id). Returns a :class:`Written` then, no record on the driver.

    Returns:
        the :class:`~dedup.result.ClusterResult`, or with ``output`` a :class:`Written`.
    """
    sc = getattr(spark, "sparkContext", spark)
    given = () if isinstance(data, (str, os.PathLike)) or _is_frame(data) else data
    config = checked_arguments(given, config)
    if partitions is not None and (isinstance(partitions, bool)
                                   or not isinstance(partitions, int) or partitions < 1):
        raise ConfigError(f"The 'partitions' parameter must be a whole number of 1 or more. "
                          f"Got {partitions!r} instead.")
    report = progress or (lambda stage, done, total: None)
    counts: dict[str, int] = {} if stats is None else stats
    run = _Run(sc, config, partitions, report, counts)
    run.given_session = spark if hasattr(spark, "sparkContext") else None
    run.output = None if output is None else os.fspath(output)
    return run.run(data, list(skipped))


def spark_session(master: str | None = None) -> Any:
    """A ``SparkSession`` for the command (``master``: a Spark master URL, ``local[*]`` by
    default; an existing session's settings win, as Spark's builder does). Raises
    :class:`~dedup.errors.ConfigError` when pyspark or Java is missing.

    On a local master the executors run in the driver's JVM, whose heap is Spark's
    ``spark.driver.memory``, 1 GB unless set: too little for the documents the command
    reads on the driver and hands to Spark (100,000 articles of 4 KB ran it out of heap).
    Unless the user set it (:func:`local_driver_memory`), a local session gets a quarter of
    the machine's memory, 1 GB at least."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError("--engine spark needs pyspark: pip install 'dedup[spark]' "
                          f"({exc})") from exc
    master = master or "local[*]"
    builder = SparkSession.builder.appName("dedup").master(master)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    memory = local_driver_memory(master)
    if memory is not None:
        builder = builder.config("spark.driver.memory", memory)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a master that cannot be reached
        raise ConfigError(f"Spark did not start (is Java installed? is the master "
                          f"{master or 'local[*]'} reachable?): {describe(exc)}") from exc
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def local_driver_memory(master: str, environ: Any = os.environ,
                        physical: int | None = None) -> str | None:
    """The ``spark.driver.memory`` :func:`spark_session` gives a ``local`` master: a quarter
    of ``physical`` bytes (the machine's memory, or the container's limit where lower, by
    default) in MiB, 1 GB at least. None for another master, or where the user sets it:
    ``SPARK_DRIVER_MEMORY`` or ``SPARK_MEM``, ``PYSPARK_SUBMIT_ARGS`` (``--driver-memory``,
    the setting, or a ``--properties-file``), or a ``spark-defaults.conf`` in
    ``SPARK_CONF_DIR`` or ``SPARK_HOME/conf`` that sets it (a setting given to the builder
    would win over all of those)."""
    if not master.startswith("local"):
        return None
    if environ.get("SPARK_DRIVER_MEMORY") or environ.get("SPARK_MEM"):
        return None
    submit = environ.get("PYSPARK_SUBMIT_ARGS", "")
    if any(word in submit for word in ("driver-memory", "spark.driver.memory",
                                       "properties-file")):
        return None
    folders = [environ.get("SPARK_CONF_DIR"),
               environ.get("SPARK_HOME") and os.path.join(environ["SPARK_HOME"], "conf")]
    for folder in filter(None, folders):
        try:
            with open(os.path.join(folder, "spark-defaults.conf")) as f:
                if any(line.split()[:1] == ["spark.driver.memory"] for line in f):
                    return None
        except OSError:
            continue
    if physical is None:
        physical = _memory_available()
        if physical is None:
            return None
    return f"{max(1024, physical // 4 // 2**20)}m"


def _memory_available() -> int | None:
    """The machine's memory in bytes, or the container's limit (cgroup v2 ``memory.max``,
    v1 ``memory.limit_in_bytes``) where that is lower; None where neither can be read."""
    try:
        found = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    for limit in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(limit) as f:
                value = f.read().strip()
        except OSError:
            continue
        if value.isdigit():
            found = min(found, int(value))
    return found


def _is_frame(data: Any) -> bool:
    return hasattr(data, "rdd") and hasattr(data, "columns")


class Features:
    """What pair scoring and clustering need of one document (corpus row ``row``).

    Pickled as a tuple of plain values, the event key as the bytes it was pickled to once
    and unpickled where it is read (:attr:`key`): most passes over the persisted features
    read only the row, the fingerprint or the salient terms, and unpickling event keys (and
    a dataclass's default pickling, a state dict from ``fields()``) took a good part of
    their time (cProfile of the Python workers)."""

    __slots__ = ("row", "id", "exact", "_key", "_key_bytes", "day", "fingerprint", "shingles",
                 "body", "head")

    def __init__(self, row: int, id: str, exact: str, key: EventKey | None, day: int,
                 fingerprint: np.ndarray | None, shingles: int,
                 body: tuple[np.ndarray, np.ndarray], head: tuple[np.ndarray, np.ndarray],
                 key_bytes: bytes | None = None) -> None:
        self.row, self.id, self.exact = row, id, exact
        self._key, self._key_bytes = key, key_bytes  # as scored: common words dropped
        # from the people; one of the two given
        self.day = day  # publication day (candidates.publication_day)
        self.fingerprint = fingerprint  # whole text's MinHash signature, then its lead's;
        # None for a text without shingles (all have the one of :func:`empty_fingerprint`)
        self.shingles = shingles
        self.body = body  # TF-IDF row: columns, values
        self.head = head

    @property
    def key(self) -> EventKey:
        if self._key is None:
            self._key = pickle.loads(self._key_bytes)
        return self._key

    @property
    def key_bytes(self) -> bytes:
        if self._key_bytes is None:
            self._key_bytes = pickle.dumps(self._key, protocol=5)
        return self._key_bytes

    def __reduce__(self) -> tuple[Any, tuple]:
        return Features, (self.row, self.id, self.exact, None, self.day, self.fingerprint,
                          self.shingles, self.body, self.head, self.key_bytes)

    def __repr__(self) -> str:
        return f"Features(row={self.row}, id={self.id!r})"

    def packed(self) -> tuple[int, bytes, bytes]:
        """What scoring needs as plain values for a shuffle: the row; the arrays
        (fingerprint, TF-IDF rows) as one buffer, after their lengths and types and the
        numbers (day, shingles); the id, exact-text key and event key pickled once
        (:meth:`unpacked` reads it)."""
        arrays = [] if self.fingerprint is None else [self.fingerprint]
        arrays = [np.ascontiguousarray(a) for a in (*arrays, *self.body, *self.head)]
        numbers = np.array([self.day, self.shingles, len(arrays), *map(len, arrays)],
                           dtype=np.int64)
        types = "".join(a.dtype.str for a in arrays).encode("ascii")  # 3 characters each
        return (self.row, b"".join([numbers.tobytes(), types, *(a.tobytes() for a in arrays)]),
                pickle.dumps((self.id, self.exact, self.key_bytes), protocol=5))

    @staticmethod
    def unpacked(item: tuple[int, bytes, bytes]) -> Features:
        row, blob, named = item
        day, shingles, count = np.frombuffer(blob, np.int64, 3).tolist()
        sizes = np.frombuffer(blob, np.int64, count, 24).tolist()
        at = 24 + 8 * count
        types = blob[at:at + 3 * count].decode("ascii")
        at += 3 * count
        arrays = []
        for k, size in enumerate(sizes):
            dtype = np.dtype(types[3 * k:3 * k + 3])
            arrays.append(np.frombuffer(blob, dtype, size, at))
            at += size * dtype.itemsize
        doc_id, exact, key = pickle.loads(named)
        fingerprint = arrays.pop(0) if count == 5 else None
        return Features(row, doc_id, exact, None, day, fingerprint, shingles,
                        (arrays[0], arrays[1]), (arrays[2], arrays[3]), key)


class _Run:
    def __init__(self, sc: Any, config: Config, limit: int | None, report: Progress,
                 stats: dict[str, int]) -> None:
        self.sc, self.config, self.report, self.stats = sc, config, report, stats
        # the most partitions of a stage (None: no most); the stages after the text pass have
        # partitions_for the documents kept (the text pass too, for documents given in
        # Python); ``parts`` before the count of documents is known: the default
        # parallelism without a most
        self.limit = limit
        self.parts = limit or sc.defaultParallelism
        self.given_session: Any = None  # the SparkSession the caller gave, if one
        self.persisted: list[Any] = []  # RDDs the read persisted, let go by finish()
        self.output: str | None = None
        self.groups: list[str] = []

    def session(self) -> Any:
        """The SparkSession the caller gave, else the one of this context."""
        if self.given_session is not None:
            return self.given_session
        from pyspark.sql import SparkSession

        return SparkSession.builder.getOrCreate()

    def stage(self, text: str) -> None:
        """Name the jobs that follow in the Spark UI (the job's progress shows each stage);
        they are counted by :meth:`tally_jobs` through their group."""
        self.groups.append((f"dedup-{id(self)}-{len(self.groups)}", text, time.perf_counter()))
        self.sc.setJobGroup(self.groups[-1][0], f"dedup: {text}")
        log.info(text)

    def tally_jobs(self) -> None:
        """The Spark jobs, stages run (not those skipped: shuffle output reused) and tasks of
        this run, from the status tracker, into ``stats``."""
        tracker = self.sc.statusTracker()
        jobs = stages = tasks = 0
        seen: set[int] = set()
        ends = [start for _, _, start in self.groups[1:]] + [time.perf_counter()]
        for (group, text, start), end in zip(self.groups, ends):
            counts = [0, 0, 0]
            for job in tracker.getJobIdsForGroup(group):
                counts[0] += 1
                info = tracker.getJobInfo(job)
                for stage in (info.stageIds if info else ()):
                    found = tracker.getStageInfo(stage)
                    if stage not in seen and found is not None and found.numCompletedTasks:
                        seen.add(stage)
                        counts[1] += 1
                        counts[2] += found.numCompletedTasks
            log.info("%-55s %3d jobs %3d stages %5d tasks %8.1f s", text, *counts, end - start)
            jobs, stages, tasks = jobs + counts[0], stages + counts[1], tasks + counts[2]
        self.stats.update({"spark jobs": jobs, "spark stages": stages, "spark tasks": tasks})
        self.sc.setJobGroup("dedup-done", "dedup: done")

    def run(self, data: Any, skipped: list[Skipped]) -> ClusterResult:
        sc, config = self.sc, self.config
        self.stage("read")
        docs, skipped, dup_skips = self.read(data, skipped)  # docs: (ordinal, Document)

        self.stage("site chrome: each site's pages in order")
        ordered = self.scheduled(docs)  # (position, (Document, chrome)), sorted
        self.stage("text pass")
        analysed = ordered.mapPartitionsWithIndex(_analyse_partition(config)).persist(spilled())
        text_parts = analysed.getNumPartitions()

        self.stage("vocabulary: tokens numbered by first sight; documents kept")
        words = analysed.filter(lambda r: r[0] == "words").map(lambda r: (r[1], r[2]))
        # per word: where it was first seen (partition, id there) and everywhere it was seen
        sights = (words.flatMap(lambda pw: ((w, (pw[0], i)) for i, w in enumerate(pw[1])))
                  .groupByKey(text_parts, _spread).map(lambda t: _first_sight(t[1])).persist(spilled()))
        # one job: each text-pass partition's kept documents, texts without shingles and
        # failures, and the words first seen in each partition (counted where they are)
        counts = (analysed.mapPartitionsWithIndex(_tally)
                  .union(sights.mapPartitions(_first_seen)).collect())
        tally = [c[1:] for c in counts if c[0] == "tally"]
        sizes: dict[int, int] = {}
        for _, part, seen in (c for c in counts if c[0] == "seen"):
            sizes[part] = sizes.get(part, 0) + seen
        failed = [s for _, s in sorted(skip for _, _, _, skips in tally for skip in skips)]
        offsets = _offsets({part: kept for part, kept, _, _ in tally})
        n = sum(kept for _, kept, _, _ in tally)
        parts = self.parts = partitions_for(n, self.limit)
        self.stats["documents"] = n
        self.stats["empty texts"] = sum(empty for _, _, empty, _ in tally)
        self.report("reading", n, n)
        start = sc.broadcast(offsets)
        # corpus rows: the kept documents in analysis order; (part, (row, data))
        rows = analysed.mapPartitionsWithIndex(
            lambda part, it: ((r[1][0], (start.value[part] + k, r[1][1:]))
                              for k, r in enumerate(x for x in it if x[0] == "doc")))
        first_id = sc.broadcast(_offsets(sizes))
        width = max(sum(sizes.values()), 1)
        numbering = (sights.map(lambda t: (t[0][0], (t[0][1], t[1])))
                     .groupByKey(text_parts).flatMap(lambda t: _number(t, first_id.value)))
        # hash-partitioned by row (one shuffle of the counts rows): the features made from
        # them stay in these partitions, so the pair join ships the pairs, not the features
        mapped = (rows.cogroup(numbering, text_parts).flatMap(_renumber)
                  .map(lambda r: (r[0], r)).partitionBy(parts)
                  .map(lambda t: t[1], preservesPartitioning=True).persist(spilled()))
        # (row, record, title+body counts row, title+lead counts row, fingerprint, shingles)

        self.stage("statistics: document frequencies, common words, names")
        # one shuffle: ("t", term id) -> documents holding it; ("w", word) -> documents
        # writing it in lower case, counted up to 2; ("n", name) -> documents naming it
        # (as a person or an organisation), documents naming it as an organisation
        counted = (mapped.mapPartitions(_term_and_name_counts)
                   .union(analysed.filter(lambda r: r[0] == "lower")
                          .map(lambda r: (("w", r[1]), (r[2], 0))))
                   .reduceByKey(_add_counts, parts, _spread)
                   .filter(lambda t: t[0][0] != "w" or t[1][0] >= 2).collect())
        sights.unpersist()
        df = np.zeros(width, dtype=np.int64)
        for key, (cols, docs_holding) in counted:
            if key[0] == "t":
                df[cols] += docs_holding
        common = frozenset(k[1] for k, _ in counted if k[0] == "w")
        weight = name_weights(((k[1], v) for k, v in counted if k[0] == "n"), common, n)
        transformer = sc.broadcast(idf_transformer(df, n) if n else None)
        common_b = sc.broadcast(common)
        weight_b = sc.broadcast(weight)
        rules = CandidateRules.of(config)

        self.stage("features: TF-IDF rows, salient terms, event keys")
        featured = mapped.mapPartitions(
            _features_of(transformer, common_b, rules.salient_terms, width),
            preservesPartitioning=True).persist(spilled())  # (Features, record pickled, marks), by row
        self.report("fingerprints", n, n)

        pairs = self.candidates(featured, rules)

        self.stage("pair features and scores")
        # keyed by row where they are (partitioned by row): each join shuffles the pairs only
        feats = featured.map(lambda f: (f[0].row, f[0].packed()), preservesPartitioning=True)
        compared = sc.accumulator(0)
        blocks = -(-n // SCORE_BLOCK_ROWS)
        if blocks <= SCORE_BLOCKS:
            # rows in `blocks` blocks (row % blocks); a pair is scored in the task of its two
            # blocks, where each row is sent once for each block: `blocks` copies of a row,
            # not one for each of its pairs (about 50 at 25 candidate pairs a document)
            score = _score_partition(config, weight_b)
            grid = blocks * (blocks + 1) // 2
            # the features as plain values (Features.packed: numbers and one buffer), made
            # once a row, not pickled objects for each copy
            shipped = feats.flatMap(lambda t: ((_cell(t[0] % blocks, other), (1, t[1]))
                                               for other in range(blocks)))
            wanted = pairs.map(lambda p: (_cell(p[0] % blocks, p[1] % blocks), (0, p)))
            scored = (wanted.union(shipped).groupByKey(max(min(grid, parts * 2), 1), _spread)
                      .flatMap(lambda t: score(_block_pairs(t[1])))
                      .map(lambda p: _counted(p, compared, True)).persist(spilled()))
        else:
            scored = (pairs.partitionBy(parts).join(feats, parts)
                      .map(lambda t: (t[1][0], (t[0], t[1][1]))).partitionBy(parts)
                      .join(feats, parts)
                      .map(lambda t: (Features.unpacked(t[1][0][1]), Features.unpacked(t[1][1])))
                      .mapPartitions(_score_partition(config, weight_b))
                      .map(lambda p: _counted(p, compared, True)).persist(spilled()))

        self.stage("connected components")
        threshold = config.cluster_threshold
        edges = scored.filter(lambda p: p[-1] or threshold <= 0 or p[8] >= threshold) \
            .map(lambda p: (p[0], p[1]))
        # one job scores the pairs and counts the edges; a partition's edges come back with
        # its count while it has no more than DRIVER_EDGES (then the components are found
        # here, as large-star/small-star would find them: each vertex, its smallest)
        bound = DRIVER_EDGES
        found = edges.mapPartitions(lambda it: _edges_up_to(it, bound)).collect()
        total = sum(count for count, _ in found)
        self.stats["edges"] = total
        if total <= bound:
            components = _Components(
                labels=sc.broadcast(_smallest_of_components(e for _, part in found for e in part)))
        else:  # (row, smallest row)
            components = _Components(rdd=connected_components(edges, parts).persist(spilled()))
        del found
        for name, counter in self.counters.items():
            self.stats[name] = counter.value
        self.stats["scored pairs"] = compared.value
        self.report("candidates", self.stats["candidates"], self.stats["candidates"])
        self.report("scoring", compared.value, compared.value)
        if self.stats["empty texts"] > 1 or self.stats["buckets split"]:
            log.info("guard rails: %d texts without shingles (one bucket), %d buckets split",
                     self.stats["empty texts"], self.stats["buckets split"])

        self.stage("stories per component; the records")
        # members and the pairs of their first rows, to their component (rows on no edge
        # stand alone); a component keeps the pairs whose second row is its own too
        items_of = featured.map(lambda f: (f[0].row, ("m", (f[0].row, f[0].id, f[0].exact,
                                                            f[0].key_bytes))))  # key pickled
        pairs_of = scored.map(lambda p: (p[0], ("p", p)))
        grouped = components.grouped(items_of.union(pairs_of), parts)
        cached = (docs, analysed, mapped, featured, scored, components.rdd)
        if self.output is not None:
            written = self.write(grouped, featured, components, weight_b,
                                 [*skipped, *dup_skips, *failed])
            self.finish(n, cached)
            return written
        linked = grouped.groupByKey(parts).flatMap(_link_component(config, weight_b))
        # one job: the stories and links, and every record (no text)
        # (the record and key as the bytes they were pickled to, unpickled here only)
        records = featured.map(lambda f: ("record", (f[0].id, f[1], f[0].key_bytes)))
        collected = linked.union(records).collect()

        self.stage("result (on the driver)")
        records = sorted((value for kind, value in collected if kind == "record"),
                         key=lambda r: r[0])
        ids = [r[0] for r in records]
        index = {doc_id: i for i, doc_id in enumerate(ids)}
        stories = UnionFind(len(ids))
        links = []
        for kind, value in collected:
            if kind == "story":
                first = index[value[0]]
                for other in value[1:]:
                    stories.union(first, index[other])
            elif kind == "link":
                links.append(value)
        links.sort(key=lambda link: (link.a, link.b))
        result = cluster_result([pickle.loads(r[1]) for r in records],
                                [pickle.loads(r[2]) for r in records], links,
                                stories, config, [*skipped, *dup_skips, *failed])
        self.finish(n, cached)
        return result

    def finish(self, n: int, cached: Sequence[Any]) -> None:
        """The end of a run, written or collected: clustering reported done, the cached
        datasets let go, the jobs tallied."""
        self.report("clustering", n, n)
        for rdd in (*cached, *self.persisted):
            if rdd is not None:
                rdd.unpersist()
        self.tally_jobs()

    def write(self, grouped: Any, featured: Any, components: _Components, weight: Any,
              skipped: list[Skipped]) -> Written:
        """Stage 10 without the driver: each component's article rows (those of ``--format
        jsonl``, by :func:`dedup.report.jsonl_rows` of the component) and links, and a row
        for each article on no edge, written as Parquet by the executors."""
        from pyspark.errors import AnalysisException

        self.stage("stories per component, written as Parquet")
        session = self.session()
        out = self.output
        try:
            return self.write_tables(session, grouped, featured, components, weight, skipped)
        except AnalysisException as exc:  # the folder is there already, cannot be written
            raise InputError(f"Spark could not write the Parquet output {out}: "
                             f"{describe(exc)}") from exc

    def write_tables(self, session: Any, grouped: Any, featured: Any, components: _Components,
                     weight: Any, skipped: list[Skipped]) -> Written:
        out = self.output
        linked = grouped.groupByKey(self.parts).flatMap(
            _component_rows(self.config, weight)).persist(spilled())
        alone = components.alone(featured.map(lambda f: (f[0].row, f[0].id)))
        articles = linked.filter(lambda t: t[0] == "article").map(lambda t: t[1]) \
            .union(alone.mapPartitions(_alone_rows))
        session.createDataFrame(articles, ARTICLE_SCHEMA).write.parquet(f"{out}/articles")
        links = linked.filter(lambda t: t[0] == "link").map(lambda t: t[1])
        session.createDataFrame(links, LINK_SCHEMA).write.parquet(f"{out}/links")
        linked.unpersist()
        rows = [(s.path, s.reason, s.line, s.id) for s in skipped]
        session.createDataFrame(rows, SKIPPED_SCHEMA).coalesce(1).write.parquet(f"{out}/skipped")
        return Written(out, self.stats["documents"], list(skipped))

    # -- stage 0 ---------------------------------------------------------------------------

    def read(self, data: Any, skipped: list[Skipped]
             ) -> tuple[Any, list[Skipped], list[Skipped]]:
        """(ordinal, Document) of every usable input record, ordinals from input order,
        with the inputs skipped (those given, then the read's) and the duplicate ids."""
        sc = self.sc
        if not isinstance(data, (str, os.PathLike)) and not _is_frame(data):
            # documents given in Python: read here, so checked here (no Spark job)
            docs, dups, seen = [], [], set()
            for ordinal, doc in enumerate(checked_documents(data)):
                if doc.id in seen:
                    dups.append(Skipped.duplicate_id(doc.id))
                else:
                    seen.add(doc.id)
                    docs.append((ordinal, doc))
            slices = min(partitions_for(len(docs), self.limit), max(len(docs), 1))
            return sc.parallelize(docs, slices), skipped, dups
        if isinstance(data, (str, os.PathLike)):
            items, empty = self.lines(os.fspath(data))
            skipped = [*skipped, *empty]
        else:
            columns = set(data.columns)
            if not {"id", "text"} <= columns:
                raise InputError(f"The DataFrame must have 'id' and 'text' columns. Got "
                                 f"{sorted(columns)} instead.")
            items = data.rdd.zipWithIndex().map(lambda t: (t[1], _row_item(t[0], t[1])))
        items = items.persist(spilled())
        self.persisted.append(items)
        docs = items.filter(lambda it: isinstance(it[1], Document))
        # one job: the records the read skipped, and the ordinals of ids met before
        # (grouped by id; only the duplicates come to the driver)
        found = (items.filter(lambda it: isinstance(it[1], Skipped))
                 .map(lambda it: ("skip", it[0], it[1]))
                 .union(docs.map(lambda it: (it[1].id, it[0])).groupByKey(self.parts)
                        .filter(lambda t: len(t[1]) > 1)
                        .flatMap(lambda t: (("dup", o, t[0]) for o in sorted(t[1])[1:])))
                 .collect())
        skipped = [*skipped, *[s for kind, _, s in sorted(found, key=lambda t: t[1])
                               if kind == "skip"]]
        duplicates = {o: i for kind, o, i in found if kind == "dup"}
        if duplicates:
            dropped = sc.broadcast(set(duplicates))
            docs = docs.filter(lambda it: it[0] not in dropped.value)
        dup_skips = [Skipped.duplicate_id(i) for _, i in sorted(duplicates.items())]
        return docs, skipped, dup_skips

    def lines(self, path: str) -> tuple[Any, list[Skipped]]:
        """(ordinal, Document or Skipped) of each line of the JSON Lines files at ``path``
        (a file, a folder read recursively, or a glob; gzipped too), read by the executors:
        files in the order of their paths, lines in file order, numbered from 1 in each file;
        with the empty files, skipped as the loader skips them.

        The lines are read as bytes (Spark SQL's text source, cast to binary, lines ended by
        ``\\n`` alone) and decoded by the loader (:func:`~dedup.loaders.records.record_line`),
        as the default engine reads them: ``textFile`` decodes in the JVM, where a line that
        is not UTF-8 (a cp1252 quote) comes out with U+FFFD in place of the bytes that the
        loader refuses, and it also ends lines at a lone ``\\r``. The text source orders its
        splits by size, not by file: each line is placed by its file and split
        (``_metadata``), counted in one job, as ``zipWithIndex`` counts partitions. Files
        Spark hides (names starting with ``_`` or ``.``) are not read."""
        from pyspark.sql import functions as F

        try:  # a missing path is found here, on the driver
            frame = (self.session().read.option("lineSep", "\n")
                     .option("recursiveFileLookup", "true").text(path))
            listed = frame.inputFiles()
            frame = frame.select(F.col("_metadata.file_path"), F.col("_metadata.file_block_start"),
                                 F.col("value").cast("binary"))
        except Exception as exc:  # pyspark's AnalysisException: no such path, not readable
            raise InputError(f"{path}: Spark cannot read it: {describe(exc)}") from exc
        lines = frame.rdd.mapPartitions(_numbered_in_split).persist(spilled())
        self.persisted.append(lines)
        sizes: dict[tuple[str, int], int] = {}
        try:  # the first job that reads every file (a truncated .gz fails here)
            counted = lines.mapPartitions(_split_sizes).collect()
        except Exception as exc:  # py4j's Py4JJavaError, with Spark's reason in it
            raise InputError(f"{path}: Spark could not read it: {describe(exc)}") from exc
        for split, count in counted:
            sizes[split] = sizes.get(split, 0) + count
        here = os.path.abspath(path)
        shown = {f: path if _local_path(f) in (path, here) else _local_path(f)
                 for f in {*listed, *(file for file, _ in sizes)}}
        read = {_file_key(file) for file, _ in sizes}  # inputFiles writes "file:///x",
        empty = [f for f in listed if _file_key(f) not in read]  # _metadata "file:/x"
        # each split's first ordinal overall and first line number in its file, in the
        # order of the files' paths (not of their URIs: "a b" is "a%20b" there)
        starts, at, line, file_before = {}, 0, 0, None
        for split in sorted(sizes, key=lambda split: (_file_key(split[0]), split[1])):
            if split[0] != file_before:
                line, file_before = 0, split[0]
            starts[split] = (at, line)
            at, line = at + sizes[split], line + sizes[split]
        placed = self.sc.broadcast((starts, shown))
        items = lines.flatMap(lambda t: _line_item(t[3], placed.value, t[0], t[1], t[2]))
        wanted = partitions_for(at, self.limit)
        # a file Spark cannot split (one .gz) is one partition: spread it as documents given
        # in Python are (the items carry their ordinals, so the order is kept)
        if items.getNumPartitions() < wanted:
            items = items.repartition(wanted)
        return items, [Skipped(shown[f], REASON_EMPTY) for f in sorted(empty, key=_file_key)]

    # -- stage 1 ---------------------------------------------------------------------------

    def scheduled(self, docs: Any) -> Any:
        """(position, (Document, chrome)) in analysis order, range-partitioned."""
        parts = docs.getNumPartitions()
        plan = (docs.map(lambda it: (source_of(it[1]), (it[0], page_keys_of(it[1]))))
                .filter(lambda t: t[0] is not None)
                .groupByKey(parts).flatMap(_site_plan))  # (ordinal, (position, chrome))
        sited = docs.filter(lambda it: source_of(it[1]) is not None).join(plan, parts) \
            .map(lambda t: (t[1][1][0], (t[1][0], t[1][1][1])))
        alone = docs.filter(lambda it: source_of(it[1]) is None) \
            .map(lambda it: ((0, it[0], 0), (it[1], frozenset())))
        union = alone.union(sited).persist(spilled())
        self.persisted.append(union)
        return union.sortByKey(numPartitions=parts)

    # -- stage 6 ---------------------------------------------------------------------------

    def candidates(self, featured: Any, rules: CandidateRules) -> Any:
        """Distinct candidate pairs (row, row), lower row first, of the three sources."""
        parts = self.parts
        self.stage("candidates: exact copies grouped by key")
        same = (featured.map(lambda f: (f[0].exact, f[0].row)).groupByKey(parts, _spread)
                .flatMap(lambda t: _first_pairs(t[1])))
        self.stage("candidates: LSH rows routed by (band, band hash)")
        bands = rules.bands
        empty = empty_fingerprint(self.config)
        buckets = (featured.flatMap(lambda f: (
            ((b, _print(f[0], empty)[start:stop].tobytes()), (f[0].row, f[0].shingles == 0))
            for b, (start, stop) in enumerate(bands)))
            .groupByKey(parts, _spread).mapValues(sorted).filter(lambda t: len(t[1]) > 1))
        split = self.sc.accumulator(0)
        lsh = self.bucket_pairs(buckets, split)
        self.stage("candidates: salient terms grouped (same cap)")
        capped = self.sc.accumulator(0)
        blocks = featured.flatMap(lambda f: ((int(c), f[0].row) for c in f[2])) \
            .groupByKey(parts, _spread).mapValues(sorted) \
            .map(lambda t: _counted(t, capped, not rules.blockable(len(t[1]))))
        # terms shared by each pair, counted as arrays a row (the earlier rows and how many
        # terms each shares with it), not a record for each pair of each term's holders; then
        # each later row's partners (CandidateRules.partners: the window, max_partners), read
        # against every row's publication day
        days = self.sc.broadcast(_row_days(featured))
        shared = (blocks.filter(lambda t: 2 <= len(t[1]) and rules.blockable(len(t[1])))
                  .mapPartitions(_shared_counts).reduceByKey(_add_counts, parts, _spread)
                  .flatMap(lambda t: _partners(t[0], *t[1], rules, days.value)))
        self.stage("candidates: rare key facts grouped")
        facts = (featured.flatMap(lambda f: ((fact, f[0].row) for fact in key_facts(f[0].key)))
                 .groupByKey(parts, _spread).mapValues(sorted)
                 .filter(lambda t: rules.rare_fact(len(t[1])))
                 .flatMap(lambda t: _fact_pairs(t[1], rules, days.value)))
        found = self.sc.accumulator(0)
        pairs = same.union(lsh).union(shared).union(facts).map(lambda pair: (pair, None)) \
            .reduceByKey(lambda a, _: a, parts, _spread) \
            .map(lambda t: _counted(t[0], found, True))  # distinct
        self.counters = {"buckets split": split, "salient terms over the cap": capped,
                         "candidates": found}
        return pairs

    def bucket_pairs(self, buckets: Any, split: Any) -> Any:
        """Pairs of rows of each bucket ((band, value), sorted [(row, empty)]); texts without
        shingles paired with each other in the first band only; large buckets in chunks."""
        small = buckets.filter(lambda t: len(t[1]) <= BUCKET_SPLIT).flatMap(
            lambda t: _chunk_pairs(t[0][0], t[1], t[1], True))
        tasks = buckets.filter(lambda t: len(t[1]) > BUCKET_SPLIT) \
            .map(lambda t: _counted(t, split, True)).flatMap(_chunk_tasks)
        large = tasks.repartition(self.parts).flatMap(
            lambda t: _chunk_pairs(t[0], t[1], t[2], t[3]))
        return small.union(large)


class _Components:
    """The connected components of the pairs that merge, as each vertex's smallest vertex:
    a dictionary broadcast from the driver (``labels``, up to :data:`DRIVER_EDGES` edges) or
    an RDD of (row, smallest row) (``rdd``). Rows on no edge have no component."""

    def __init__(self, labels: Any = None, rdd: Any = None) -> None:
        self.labels, self.rdd = labels, rdd

    def grouped(self, keyed: Any, parts: int) -> Any:
        """(component, value) for each (row, value) of ``keyed`` whose row is on an edge."""
        if self.rdd is not None:
            return keyed.join(self.rdd, parts).map(lambda t: (t[1][1], t[1][0]))
        labels = self.labels
        return keyed.filter(lambda t: t[0] in labels.value) \
            .map(lambda t: (labels.value[t[0]], t[1]))

    def alone(self, ids: Any) -> Any:
        """The ids of (row, id) ``ids`` on no edge."""
        if self.rdd is not None:
            return ids.leftOuterJoin(self.rdd).filter(lambda t: t[1][1] is None) \
                .map(lambda t: t[1][0])
        labels = self.labels
        return ids.filter(lambda t: t[0] not in labels.value).map(lambda t: t[1])


# -- functions run on the executors (module level: pickled by reference) ----------------------


def _row_days(featured: Any) -> np.ndarray:
    """Every row's publication day (candidates.publication_day), by row: a few int64 arrays
    collected, one a partition."""
    found = featured.mapPartitions(lambda fs: [np.array(
        [(f[0].row, f[0].day) for f in fs], dtype=np.int64).reshape(-1, 2)]).collect()
    both = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    days = np.zeros(int(both[:, 0].max()) + 1 if len(both) else 0, dtype=np.int64)
    days[both[:, 0]] = both[:, 1]
    return days


def _partners(later: int, earlier: np.ndarray, shared: np.ndarray, rules: CandidateRules,
              days: np.ndarray) -> list[tuple[int, int]]:
    """The blocking pairs (row, row) of the row ``later`` kept by
    :meth:`CandidateRules.partners` among the rows before it that share salient terms
    with it (``earlier``, ``shared`` terms each; ``days``: every row's day)."""
    enough = shared >= rules.min_shared
    rows, shared = earlier[enough], shared[enough]
    if not len(rows):
        return []
    keep = blocking_partners(days, rules)(np.full(len(rows), later, dtype=np.int64), rows,
                                          shared)
    return [(int(r), later) for r in rows[keep].tolist()]


def _fact_pairs(rows: list[int], rules: CandidateRules, days: np.ndarray
                ) -> list[tuple[int, int]]:
    """The pairs (row, row), lower row first, of the rows (sorted) that give one rare key
    fact (:func:`~dedup.candidates.fact_pairs`), inside the date window (``days``: every
    row's day)."""
    held = np.asarray(rows, dtype=np.int64)
    a, b = np.triu_indices(len(held), 1)
    left, right = held[a], held[b]
    keep = rules.in_window(days[left], days[right])
    return list(zip(left[keep].tolist(), right[keep].tolist()))


def _counted(value: Any, counter: Any, when: bool) -> Any:
    """``value``, counting it in an accumulator where ``when``."""
    if when:
        counter.add(1)
    return value


def _tally(part: int, records: Iterator[tuple]) -> list[tuple[str, int, int, int, list]]:
    """A text-pass partition's kept documents, texts without shingles and failures."""
    kept = empty = 0
    skips = []
    for record in records:
        if record[0] == "doc":
            kept += 1
            empty += record[1][-1] == 0
        elif record[0] == "skip":
            skips.append((record[1], record[2]))
    return [("tally", part, kept, empty, skips)]


def _first_seen(sights: Iterator[tuple[tuple[int, int], list]]) -> Iterator[tuple[str, int, int]]:
    """How many of these words were first seen in each text-pass partition."""
    seen: dict[int, int] = {}
    for (part, _), _ in sights:
        seen[part] = seen.get(part, 0) + 1
    return (("seen", part, count) for part, count in seen.items())


# Document frequencies travel as arrays of (term ids, documents holding them), one for each
# TERM_RANGE ids a partition holds, not a record for each term of each document.
TERM_RANGE = 1 << 16


def _term_and_name_counts(rows: Iterator[tuple]) -> Iterator[tuple[tuple[str, Any], tuple]]:
    """A partition's document frequencies, ``(("t", range), (term ids, documents))`` for
    each range of :data:`TERM_RANGE` ids it holds, and names, ``(("n", name), (documents,
    as an organisation))``: summed, document frequencies and name counts."""
    cols, names = [], {}
    for row in rows:
        cols.append(row[2][0])  # a row's columns are distinct
        key = row[1].key
        for name in key.people | key.orgs:
            docs, org = names.get(name, (0, 0))
            names[name] = docs + 1, org + (name in key.orgs)
    if cols:
        terms, docs = np.unique(np.concatenate(cols).astype(np.int64), return_counts=True)
        ranges = terms // TERM_RANGE
        bounds = np.flatnonzero(np.diff(ranges)) + 1
        for part_terms, part_docs in zip(np.split(terms, bounds), np.split(docs, bounds)):
            yield ("t", int(part_terms[0] // TERM_RANGE)), (part_terms, part_docs)
    for name in sorted(names):
        yield ("n", name), names[name]


def _shared_counts(groups: Iterator[tuple[int, list[int]]]
                   ) -> Iterator[tuple[int, tuple[np.ndarray, np.ndarray]]]:
    """A partition's salient-term groups (term, holders in order) as, for each row, the
    earlier rows that share terms with it and how many they share: ``(row, (rows,
    counts))``, summed over partitions by :func:`_add_counts`."""
    earlier: dict[int, list[np.ndarray]] = {}
    for _, holders in groups:
        rows = np.asarray(holders, dtype=np.int64)
        for k in range(1, len(rows)):
            earlier.setdefault(int(rows[k]), []).append(rows[:k])
    for row, found in earlier.items():
        yield row, np.unique(np.concatenate(found), return_counts=True)


def _add_counts(a: tuple, b: tuple) -> tuple:
    """Two counts of one key: pairs of numbers, or counts of ids (ids, counts: document
    frequencies of terms, terms a pair of rows shares)."""
    if isinstance(a[0], np.ndarray):
        terms, where = np.unique(np.concatenate([a[0], b[0]]), return_inverse=True)
        docs = np.zeros(len(terms), dtype=np.int64)
        np.add.at(docs, where, np.concatenate([a[1], b[1]]))
        return terms, docs
    return a[0] + b[0], a[1] + b[1]


def name_weights(counts: Iterable[tuple[str, tuple[int, int]]], common: frozenset[str],
                 n: int) -> dict[str, float]:
    """:func:`~dedup.scoring.entity_weight` of each name's document count in the keys as
    scored (:func:`~dedup.events.drop_common_names`: a common word is no person, so such a
    name counts where it names an organisation only), from (name, (documents naming it,
    documents naming it as an organisation))."""
    weight = {}
    for name, (named, as_org) in counts:
        held = as_org if name in common else named
        if held:
            weight[name] = entity_weight(held, n)
    return weight


def _edges_up_to(edges: Iterator[tuple[int, int]], bound: int
                 ) -> list[tuple[int, list[tuple[int, int]]]]:
    """A partition's edge count, and its edges while they are no more than ``bound``."""
    kept: list[tuple[int, int]] = []
    count = 0
    for edge in edges:
        count += 1
        if count <= bound:
            kept.append(edge)
    return [(count, kept if count <= bound else [])]


def _smallest_of_components(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each vertex of ``edges`` with the smallest vertex of its component (what
    :func:`connected_components` gives, found in this process)."""
    vertices: dict[int, int] = {}
    pairs = []
    for a, b in edges:
        if a != b:
            pairs.append((vertices.setdefault(a, len(vertices)),
                          vertices.setdefault(b, len(vertices))))
    union = UnionFind(len(vertices))
    for a, b in pairs:
        union.union(a, b)
    smallest: dict[int, int] = {}
    for v, k in vertices.items():
        root = union.find(k)
        smallest[root] = min(smallest.get(root, v), v)
    return {v: smallest[union.find(k)] for v, k in vertices.items()}


def _offsets(sizes: dict[int, int]) -> dict[int, int]:
    """Where each partition's items start in the numbering of all of them, in order."""
    out, total = {}, 0
    for part in sorted(sizes):
        out[part] = total
        total += sizes[part]
    return out


def _numbered_in_split(rows: Iterable[Any]) -> Iterator[tuple[str, int, int, bytes]]:
    """(file, split start, index of the line in its split in this partition, line bytes)
    of the rows of Spark SQL's text source (a split is read whole by one partition)."""
    count: dict[tuple[str, int], int] = {}
    for file, start, value in rows:
        k = count.get((file, start), 0)
        count[(file, start)] = k + 1
        yield file, start, k, bytes(value)


def _split_sizes(lines: Iterable[tuple[str, int, int, bytes]]
                 ) -> Iterator[tuple[tuple[str, int], int]]:
    count: dict[tuple[str, int], int] = {}
    for file, start, _, _ in lines:
        count[(file, start)] = count.get((file, start), 0) + 1
    return iter(count.items())


def _local_path(uri: str) -> str:
    """A ``file:`` URI as the local path it names; another URI as it is."""
    scheme, path = _file_key(uri)
    return path if scheme == "file" else uri


def _file_key(uri: str) -> tuple[str, str]:
    """A file's URI as Spark writes it in one place or another (``file:///x`` or
    ``file:/x``, ``%20`` for a space), reduced to its scheme and path: equal for one file,
    and sorted as its path is."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return parsed.scheme, unquote(parsed.path)


def _line_item(line: bytes, placed: tuple[dict[tuple[str, int], tuple[int, int]],
                                          dict[str, str]],
               file: str, start: int, k: int) -> list[tuple[int, Any]]:
    """(ordinal, Document or Skipped) of one line, the ``k``-th of its file's split at
    ``start`` (``placed``: each split's first ordinal and line number, each file's name as
    shown); none for a blank line."""
    from .loaders.records import record_line

    starts, shown = placed
    first, line_number = starts[(file, start)]
    ordinal = first + k
    item = record_line(line, shown[file], line_number + k + 1)
    return [] if item is None else [(ordinal, item)]


def _row_item(row: Any, ordinal: int) -> Any:
    from .loaders.records import record_value

    value = {k: v for k, v in row.asDict(recursive=True).items() if v is not None}
    return record_value(value, "dataframe", ordinal + 1)


def _site_plan(site: tuple[str, Iterable[tuple[int, Any]]]) -> Iterator[tuple[int, Any]]:
    """One site's pages through the default engine's schedule: (ordinal, (position,
    chrome)); the position sorts as the default engine analyses (pages released when
    ``ordinal`` is read: ``(0, ordinal, k)``; at the end: ``(1, first page, k)``)."""
    source, pages = site
    schedule: ChromeSchedule[int] = ChromeSchedule()
    pages = sorted(pages)
    for ordinal, keys in pages:
        for k, (page, own) in enumerate(schedule.offer(ordinal, source, keys)):
            yield page, ((0, ordinal, k), own)
    for k, (page, own) in enumerate(schedule.rest()):
        yield page, ((1, pages[0][0], k), own)


def _analyse_partition(config: Config) -> Any:
    def analyse(part: int, items: Iterator[Any]) -> Iterator[tuple]:
        vocabulary = Vocabulary()
        minhasher = MinHasher(config.num_perm, config.seed)
        kept: list[tuple] = []
        lower: list[np.ndarray] = []
        batch: list[tuple[Any, Document, frozenset[str]]] = []
        chars = 0

        def send() -> Iterator[tuple]:
            # the batch as a worker process sends it (dedup.workers): counted term rows of
            # title+body and title+lead, the words each writes in lower case; read as
            # Corpus.add_analysed reads them (the partition's own ids, mapped later)
            done = analyse_apart([d for _, d, _ in batch], [o for _, _, o in batch],
                                 vocabulary, config, minhasher, part)
            positions = {d.id: p for p, d, _ in batch}
            for skip in done.skipped:
                yield ("skip", positions[skip.id], skip)
            bounds = done.lower_bounds.tolist()
            for k, record in enumerate(done.records):
                kept.append((record, _counted_row(done.terms, k), _counted_row(done.heads, k),
                             done.signatures[k], int(done.shingles[k])))
            lower.append(done.lower[:bounds[-1]])

        for position, (doc, own) in items:
            batch.append((position, doc, own))
            chars += len(doc.text)
            if len(batch) >= BATCH_DOCUMENTS or chars >= BATCH_CHARS:
                yield from send()
                batch, chars = [], 0
        if batch:
            yield from send()
        for record, terms, heads, fingerprint, shingles in kept:
            yield ("doc", (part, record, terms, heads, fingerprint, shingles))
        yield ("words", part, list(vocabulary.words))
        if lower:  # documents writing each word in lower case (distinct ids a document),
            # counted up to 2
            held = np.minimum(np.bincount(np.concatenate(lower).astype(np.int64),
                                          minlength=len(vocabulary)), 2)
            for i in np.flatnonzero(held).tolist():
                yield ("lower", vocabulary.words[i], int(held[i]))

    return analyse


def _counted_row(rows: tuple[np.ndarray, np.ndarray, np.ndarray], k: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Row ``k`` of counted term rows (:func:`~dedup.similarity.count_rows`'s CSR arrays):
    columns (increasing), counts; copies, so the batch's arrays are let go."""
    indptr, cols, values = rows
    start, stop = int(indptr[k]), int(indptr[k + 1])
    return cols[start:stop].copy(), values[start:stop].astype(np.float32)


def _row(matrix: sp.csr_matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    start, stop = matrix.indptr[k], matrix.indptr[k + 1]
    return matrix.indices[start:stop].copy(), matrix.data[start:stop].copy()


def _first_sight(sights: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], list]:
    """A word's first sight (partition, id there) and all its sights."""
    sights = list(sights)
    return min(sights), sights


def _number(group: tuple[int, Iterable[tuple[int, list]]], first_id: dict[int, int]
            ) -> Iterator[tuple[int, tuple[int, int]]]:
    """The global ids of the words first seen in one partition (after all words first seen
    in partitions before it, in the order seen), as (partition, (id there, global id)) for
    every partition that saw each."""
    part, words = group
    for rank, (_, sights) in enumerate(sorted(words, key=lambda w: w[0])):
        gid = first_id[part] + rank
        for where, lid in sights:
            yield where, (lid, gid)


def _renumber(group: tuple[int, tuple[Iterable[Any], Iterable[Any]]]) -> Iterator[tuple]:
    """A partition's documents in global token ids: (row, record, counts row, head counts
    row, fingerprint, shingles)."""
    _, (docs, numbering) = group
    pairs = list(numbering)
    local = np.zeros(len(pairs), dtype=np.int64)
    for lid, gid in pairs:
        local[lid] = gid
    for row, (record, counts, head, fingerprint, shingles) in docs:
        yield (row, record, _global(counts, local), _global(head, local), fingerprint, shingles)


def _global(row: tuple[np.ndarray, np.ndarray], numbering: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """A counts row in global ids, its columns increasing (as :class:`~dedup.similarity.TermCounts` keeps them)."""
    cols = numbering[row[0]]
    order = np.argsort(cols, kind="stable")
    return cols[order].astype(np.int32), row[1][order]


def _csr(rows: list[tuple[np.ndarray, np.ndarray]], width: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(c) for c, _ in rows], out=indptr[1:])
    cols = np.concatenate([c for c, _ in rows]) if rows else np.zeros(0, np.int32)
    vals = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
    return sp.csr_matrix((vals.astype(np.float32), cols.astype(np.int32), indptr),
                         shape=(len(rows), width))


def _features_of(transformer: Any, common: Any, salient: int, width: int) -> Any:
    def features(items: Iterator[tuple]) -> Iterator[tuple[Features, bytes, np.ndarray]]:
        # (features, the record pickled: read by the last pass only, salient terms)
        items = list(items)
        if not items:
            return
        body, head = tfidf_rows(transformer.value, _csr([r[2] for r in items], width),
                                _csr([r[3] for r in items], width))
        marks = top_terms(body, salient)
        for k, (row, record, _, _, fingerprint, shingles) in enumerate(items):
            key = drop_common_names(record.key, common.value)
            yield (Features(row, record.id, record.exact, key, publication_day(key),
                            fingerprint if shingles else None, shingles, _row(body, k),
                            _row(head, k)),
                   pickle.dumps(record, protocol=5), _row(marks, k)[0])

    return features


def _first_pairs(rows: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Each row of a text paired with the first row of that text."""
    rows = sorted(rows)
    return ((rows[0], r) for r in rows[1:])


def _chunk_tasks(bucket: tuple[tuple[int, bytes], list]) -> Iterator[tuple]:
    """A large bucket's pairs as tasks of CHUNK rows against CHUNK rows."""
    (band, _), members = bucket
    chunks = [members[k:k + CHUNK] for k in range(0, len(members), CHUNK)]
    for a, first in enumerate(chunks):
        for b in range(a, len(chunks)):
            yield band, first, chunks[b], a == b


def _chunk_pairs(band: int, first: list, second: list, same: bool) -> Iterator[tuple[int, int]]:
    """Pairs of a bucket's rows (``same``: within ``first``; else ``first`` x ``second``, all
    of whose rows are higher), lower row first; two texts without shingles (all in one
    bucket in every band) are paired in the first band only."""
    for k, (a, empty_a) in enumerate(first):
        for b, empty_b in (first[k + 1:] if same else second):
            if band == 0 or not (empty_a and empty_b):
                yield a, b


def empty_fingerprint(config: Config) -> np.ndarray:
    """The fingerprint of every text without shingles (:func:`~dedup.fingerprint.
    id_fingerprints` of no tokens): one value for all, so not shipped with each."""
    return id_fingerprints([np.zeros(0, dtype=np.int32)], np.zeros(0, dtype=np.uint64),
                           config.shingle_size, MinHasher(config.num_perm, config.seed))[0][0]


def _print(f: Features, empty: np.ndarray) -> np.ndarray:
    return empty if f.fingerprint is None else f.fingerprint


def _score_partition(config: Config, weight: Any) -> Any:
    rules = CandidateRules.of(config)
    empty = empty_fingerprint(config)

    def score(items: Iterator[tuple[Features, Features]]) -> Iterator[tuple]:
        items = list(items)
        if not items:
            return
        found = {f.row: f for pair in items for f in pair}
        order = sorted(found)
        local = {row: k for k, row in enumerate(order)}
        feats = [found[row] for row in order]
        left = np.array([local[a.row] for a, _ in items], dtype=np.int64)
        right = np.array([local[b.row] for _, b in items], dtype=np.int64)
        sort = np.lexsort((right, left))
        left, right = left[sort], right[sort]
        day = np.array([f.day for f in feats], dtype=np.int64)
        inside = rules.in_window(day[left], day[right])
        left, right = left[inside], right[inside]
        if not len(left):
            return
        prints = np.vstack([_print(f, empty) for f in feats])
        width = config.num_perm
        signatures, leads = prints[:, :width], prints[:, width:]
        shingles = np.array([f.shingles for f in feats], dtype=np.int64)
        columns = max(max((int(c.max()) for f in feats for c in (f.body[0], f.head[0])
                           if len(c)), default=0) + 1, 1)
        body = _csr([f.body for f in feats], columns)
        head = _csr([f.head for f in feats], columns)
        keys = [f.key for f in feats]
        table = measured_pairs(signatures, leads, shingles, body, head,
                               PairScorer(keys, config, weight.value), left, right)
        containment, shorter = table.containment, table.shorter
        exact = [f.exact for f in feats]
        same = np.array([exact[a] == exact[b] for a, b in zip(left.tolist(), right.tolist())],
                        dtype=bool)
        copy = copy_rule(same, table.jaccard, containment, shorter, table.head_cosine, config)
        for k in range(len(left)):
            yield (order[left[k]], order[right[k]], float(table.jaccard[k]),
                   table.cosine[k], table.head_cosine[k], float(table.people[k]),
                   int(table.date[k]), int(table.place[k]), float(table.score[k]),
                   float(containment[k]), int(shorter[k]), int(table.ages[k]),
                   int(table.outcome[k]), bool(same[k]), bool(copy[k]))

    return score


def _linked(config: Config, weight: Any, group: tuple[int, Iterable[tuple[str, Any]]]
            ) -> tuple[list[str], UnionFind | None, list]:
    """A component's member ids (in id order), its stories over them and its links
    (:func:`dedup.cluster.link_rows` on its rows and pairs)."""
    _, items = group
    members = sorted((m for kind, m in items if kind == "m"), key=lambda m: m[0])
    inside = {m[0] for m in members}
    pairs = sorted(p for kind, p in items if kind == "p" and p[1] in inside)
    ids = sorted(m[1] for m in members)
    if len(members) < 2 or not pairs:
        return ids, None, []
    local = {m[0]: k for k, m in enumerate(members)}
    by_id = sorted(range(len(members)), key=lambda k: members[k][1])
    rank = np.empty(len(members), dtype=np.int64)
    rank[by_id] = np.arange(len(members))
    columns = list(zip(*pairs))
    table = PairTable(
        np.array([local[a] for a in columns[0]], dtype=np.int64),
        np.array([local[b] for b in columns[1]], dtype=np.int64),
        np.array(columns[2], dtype=np.float64), np.array(columns[3], dtype=np.float32),
        np.array(columns[4], dtype=np.float32), np.array(columns[5], dtype=np.float64),
        np.array(columns[6], dtype=np.int64), np.array(columns[7], dtype=np.int64),
        np.array(columns[8], dtype=np.float64), np.array(columns[9], dtype=np.float64),
        np.array(columns[10], dtype=np.int64), np.array(columns[11], dtype=np.int64),
        np.array(columns[12], dtype=np.int64),
    ).renumbered(rank)
    ordered = [members[k] for k in by_id]
    stories, links = link_rows([m[1] for m in ordered], [m[2] for m in ordered],
                               [pickle.loads(m[3]) for m in ordered], table, weight.value,
                               config)
    return ids, stories, links


def _link_component(config: Config, weight: Any) -> Any:
    def link(group: tuple[int, Iterable[tuple[str, Any]]]) -> Iterator[tuple]:
        ids, stories, links = _linked(config, weight, group)
        for found in links:
            yield ("link", found)
        if stories is not None:
            for story in stories.components():
                if len(story) > 1:
                    yield ("story", sorted(ids[k] for k in story))

    return link


# The Parquet tables of an output folder (cluster_spark(..., output=)): the article rows of
# ``--format jsonl`` (dedup.report.jsonl_rows), the links (scores and evidence as the JSON
# of --format json), the inputs skipped.
ARTICLE_SCHEMA = ("id string, cluster string, group string, kind string, tier string, "
                  "cluster_size int, group_size int")
ARTICLE_COLUMNS = ("id", "cluster", "group", "kind", "tier", "cluster_size", "group_size")
LINK_SCHEMA = "a string, b string, kind string, scores string, evidence string"
SKIPPED_SCHEMA = "path string, reason string, line long, id string"


@dataclass
class Written:
    """What :func:`cluster_spark` with ``output`` wrote: the folder (``articles/``,
    ``links/``, ``skipped/``: Parquet), the documents clustered and the inputs skipped."""

    path: str
    documents: int
    skipped: list[Skipped]


def _article_rows(ids: list[str], links: list, stories: UnionFind | None) -> list[tuple]:
    """The ``--format jsonl`` rows of these documents (their stories and links)."""
    from .cluster import build_clusters
    from .report import jsonl_rows

    part = ClusterResult(len(ids), build_clusters(ids, links, stories), links)
    return [tuple(row[c] for c in ARTICLE_COLUMNS) for row in jsonl_rows(part)]


def _component_rows(config: Config, weight: Any) -> Any:
    def rows(group: tuple[int, Iterable[tuple[str, Any]]]) -> Iterator[tuple]:
        from .report import dumps

        ids, stories, links = _linked(config, weight, group)
        for row in _article_rows(ids, links, stories):
            yield ("article", row)
        for found in links:
            yield ("link", (found.a, found.b, found.kind, dumps(found.scores),
                            dumps(found.evidence)))

    return rows


def _alone_rows(ids: Iterator[str]) -> list[tuple]:
    """The rows of documents on no edge: each its own story."""
    return _article_rows(sorted(ids), [], None)


def connected_components(edges: Any, partitions: int) -> Any:
    """(vertex, the smallest vertex of its component) for every vertex of ``edges`` (an RDD
    of pairs of integers), by large-star/small-star (Kiveris et al., "Connected Components
    in MapReduce and Beyond", 2014), in plain Spark: repeated until a round changes nothing,
    when every edge joins a vertex to its component's smallest."""
    current = edges.filter(lambda e: e[0] != e[1]).map(lambda e: (max(e), min(e))) \
        .distinct(partitions).persist(spilled())
    before = None
    while True:
        large = (current.flatMap(lambda e: (e, (e[1], e[0]))).groupByKey(partitions)
                 .flatMap(_large_star))
        small = large.groupByKey(partitions).flatMap(_small_star)
        # one shuffle: the new edges, distinct, each marked 1 (was there before), 2 (is
        # there now) or 3 (both); the round changed nothing when all are 3
        marked = (current.map(lambda e: (e, 1)).union(small.map(lambda e: (e, 2)))
                  .reduceByKey(lambda a, b: a | b, partitions).persist(spilled()))
        # one job a round, which computes (and so caches) every partition of ``marked``
        # before the round before is let go (isEmpty would stop at the first partition
        # with a change, and the next round would compute the rest again from the start)
        settled = marked.filter(lambda t: t[1] != 3).count() == 0
        if before is not None:
            before.unpersist()
        before = marked
        current = marked.filter(lambda t: t[1] & 2).keys()
        if settled:
            break
    labels = current.union(current.values().distinct(partitions).map(lambda v: (v, v)))
    return labels.reduceByKey(min, partitions)


def _large_star(node: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """Every larger neighbour of ``u`` linked to the smallest of ``u`` and its neighbours
    (edges as (larger, smaller))."""
    u, neighbours = node
    neighbours = set(neighbours)
    low = min(min(neighbours), u)
    return ((v, low) for v in neighbours if v > u)


def _small_star(node: tuple[int, Iterable[int]]) -> Iterator[tuple[int, int]]:
    """``u`` and its smaller neighbours linked to the smallest of them."""
    u, neighbours = node
    neighbours = set(neighbours)
    low = min(neighbours)
    yield (u, low)
    for v in neighbours:
        if v != low:
            yield (v, low)
