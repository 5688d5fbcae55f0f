"""The corpus: what the single pass keeps of every document (no text), as the batch run and
the crawler index both hold it: small records, MinHash signatures, term counts over one
vocabulary, and how many documents write each word in lower case (the common words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .analysis import Analysis, Prepared, analyse_batch
from .config import Config
from .documents import Document, Skipped
from .fingerprint import MinHasher, id_fingerprints, shingle_count
from .records import RecordPool
from .similarity import TermCounts, count_rows, distinct_counts
from .vocabulary import Vocabulary


class Corpus:
    """The single pass over the documents: small records, MinHash signatures and term counts
    are kept; the texts are not (so memory grows with the number of documents, not their size)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.records: list[Prepared] = []  # kept with their equal parts shared (pool)
        self.pool = RecordPool()
        self.vocabulary = Vocabulary()
        self.terms = TermCounts(self.vocabulary)
        self.heads = TermCounts(self.vocabulary)
        # Per token id, how many documents write it in lower case (0, 1, or 2 for two or
        # more); the words at 2 are the common words, kept as a set for the name checks.
        self.common_words: set[str] = set()
        self.common_order: list[str] = []  # the common words in the order they became so
        self._lower_docs = np.zeros(0, dtype=np.uint8)
        self._minhasher = MinHasher(config.num_perm, config.seed)
        self._pending: list[np.ndarray] = []
        self._pending_tokens = 0
        self._signatures = Rows(np.uint32, config.num_perm)
        self._leads = Rows(np.uint32, config.num_perm)  # of the leads (fingerprint.lead_ids)
        self._shingle_counts = Rows(np.int64)

    def add_batch(
        self, docs: Sequence[Document], site_chrome: Sequence[frozenset[str]] | None = None
    ) -> list[Skipped]:
        """Analyse several documents together (:func:`analyse_batch`) and keep them, as
        :meth:`add_analysis` does, counting their lower-case words once for the batch.

        A document whose analysis fails (a bug in one document's analysis is that document's
        problem, not the run's) is not kept: it comes back as a :class:`Skipped` with reason
        ``internal error: <type>: <message>``, and the rest of the batch is kept."""
        analysed, skipped = analyse_isolated(docs, self.vocabulary, site_chrome)
        for a in analysed:
            self.add_analysis(a, count_lower=False)
        self._count_lower([a.lower_words.ids for a in analysed])
        return skipped

    def add_analysed(self, batch: AnalysedBatch, numbering: np.ndarray) -> list[Skipped]:
        """Keep a batch analysed with another vocabulary (:func:`analyse_apart`, in a worker
        process); ``numbering`` maps that vocabulary's ids to this corpus's (see
        :meth:`Vocabulary.add_all`: the worker's new tokens, numbered here in the order the
        worker first saw them, which is the order :meth:`add_batch` numbers them in). The
        corpus is the same as if :meth:`add_batch` had analysed the batch here."""
        self._append_signature(batch.signatures, batch.shingles)
        self.records.extend(map(self.pool.record, batch.records))
        for counts, rows in ((self.terms, batch.terms), (self.heads, batch.heads)):
            indptr, cols, values = rows
            counts.add_counted(indptr, numbering[cols], values)
        lower = numbering[batch.lower]
        bounds = batch.lower_bounds.tolist()
        self._count_lower([lower[bounds[k]:bounds[k + 1]] for k in range(len(bounds) - 1)])
        return list(batch.skipped)

    def add_analysis(
        self, a: Analysis, signature: np.ndarray | None = None, *, count_lower: bool = True,
        counted: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> Analysis:
        """Keep what later stages need of an analysed document (analysed with this corpus's
        vocabulary). ``signature``: its fingerprint (:meth:`fingerprints_of`), when the caller
        has it already; ``counted``: its body's and headline's term rows (columns, counts) as
        :meth:`TermCounts.add_ids` counts them, when the caller has counted them;
        ``count_lower=False``: the caller counts its lower-case words (a batch at once)."""
        if signature is not None:
            self._append_signature(signature, shingle_count(len(a.ids), self.config.shingle_size))
        self.records.append(self.pool.record(a.record))
        if counted is None:
            self.terms.add_ids(a.title_ids, a.ids)
            self.heads.add_ids(a.title_ids, a.lead_ids)
        else:
            self.terms.add_row(*counted[0])
            self.heads.add_row(*counted[1])
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
        self.records.append(self.pool.record(record))
        self.terms.add_row(*terms)
        self.heads.add_row(*heads)

    def restore_counts(
        self, record: Prepared, terms: dict[str, int], heads: dict[str, int],
        signature: np.ndarray, shingles: int, lower_words: set[str],
    ) -> None:
        """Append a document given as term counts (a shared index's log entry)."""
        self._append_signature(signature, shingles)
        self.records.append(self.pool.record(record))
        self.terms.add_counts(terms)
        self.heads.add_counts(heads)
        add = self.vocabulary.add
        self._count_lower([np.unique(np.array([add(w) for w in lower_words], dtype=np.int32))])

    def _append_signature(self, signature: np.ndarray, shingles: int | np.ndarray) -> None:
        """Keep fingerprints computed elsewhere, of one document or of several (after those
        still pending: document order): each row the whole text's signature, then its lead's
        (:meth:`fingerprints_of`). A fingerprint saved without its lead (``num_perm`` values)
        takes the whole text's signature for it."""
        self.flush()
        rows = np.asarray(signature).astype(np.uint32)
        self._keep(rows.reshape(1, -1) if rows.ndim == 1 else rows, shingles)

    def _keep(self, prints: np.ndarray, shingles: int | np.ndarray) -> None:
        """Keep fingerprint rows (whole text, then lead; a row of ``num_perm`` values stands
        for both) and their shingle counts, after those kept before."""
        width = self.config.num_perm
        self._signatures.extend(prints[:, :width])
        self._leads.extend(prints[:, width:] if prints.shape[1] >= 2 * width else prints[:, :width])
        self._shingle_counts.extend(np.array(shingles, dtype=np.int64).reshape(-1))

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
        new = [words[i] for i in ids[(before < 2) & (after == 2)].tolist()]
        self.common_words.update(new)
        self.common_order.extend(new)

    def common_with(self, ids: np.ndarray) -> frozenset[str]:
        """The words that become common words once a document writing ``ids`` (its distinct
        lower-case word ids) in lower case is counted: those one document wrote so before."""
        ids = np.asarray(ids, dtype=np.int64)
        ids = ids[ids < len(self._lower_docs)]
        words = self.vocabulary.words
        return frozenset(words[i] for i in ids[self._lower_docs[ids] == 1].tolist())

    def seen_once(self) -> set[str]:
        """The words one document or more writes in lower case (a saved index keeps them)."""
        words = self.vocabulary.words
        return {words[i] for i in np.flatnonzero(self._lower_docs).tolist()}

    def restore_lower_words(self, common: set[str], seen: set[str]) -> None:
        """Set the lower-case word counts of a saved index (``seen``: written so once or more;
        ``common``: twice or more)."""
        self.common_words = set(common)
        self.common_order = sorted(common)
        add = self.vocabulary.add
        ids = np.array([add(w) for w in seen | common], dtype=np.int64)
        twice = np.array([add(w) for w in common], dtype=np.int64)
        self._lower_docs = np.zeros(len(self.vocabulary), dtype=np.uint8)
        self._lower_docs[ids] = 1
        self._lower_docs[twice] = 2

    def fingerprints_of(self, id_arrays: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """The fingerprints of token-id arrays: each row the whole text's MinHash signature,
        then its lead's (:func:`~dedup.fingerprint.lead_ids`), ``2 * num_perm`` values; and
        the shingle counts."""
        return id_fingerprints(
            id_arrays, self.vocabulary.hashes(), self.config.shingle_size, self._minhasher
        )

    def flush(self) -> None:
        """Compute the signatures of the documents added since the last flush."""
        if self._pending:
            self._keep(*self.fingerprints_of(self._pending))
        self._pending, self._pending_tokens = [], 0

    def leads(self) -> np.ndarray:
        """The lead signatures of all documents, in order (rows as :meth:`finish`'s)."""
        self.flush()
        return self._leads.values

    def fingerprints(self) -> np.ndarray:
        """Every document's fingerprint (:meth:`fingerprints_of`), in order."""
        signatures, _ = self.finish()
        return np.hstack((signatures, self.leads()))

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Signatures and shingle counts of all documents, in order."""
        self.flush()
        return self._signatures.values, self._shingle_counts.values

    def release_pool(self) -> None:
        """Let go of the pool's tables (for an owner that keeps no more records: the batch run
        once its keys are scored). They hold every distinct part of the records read, and the
        parts no record holds any longer with them: the people of the keys that
        :func:`~dedup.pipeline.scored_keys` replaced (at 20,000 synthetic articles, 263 bytes
        a record of tables and 549 of such sets). A record added later is pooled anew."""
        self.pool = RecordPool()

    def release_fingerprints(self) -> None:
        """Let go of the fingerprints (for an owner that has read them, with :meth:`finish`
        and :meth:`leads`, for the last time: the batch run once its pairs are scored; a
        kilobyte a document)."""
        self._pending, self._pending_tokens = [], 0
        width = self.config.num_perm
        self._signatures, self._leads = Rows(np.uint32, width), Rows(np.uint32, width)
        self._shingle_counts = Rows(np.int64)


class Rows:
    """Rows of values (of ``width`` values each, or single values) appended a block at a
    time (the crawler index's columns: a row at a time) into one array, which grows in place
    (``realloc``: a large array is remapped, not copied, and its pages not yet written take
    no memory), by an eighth at a time. The rows
    of a corpus's fingerprints were kept as pieces, one per batch, and joined at the end:
    held twice at that moment, and the pieces left holes in the heap. ``values``: the rows so
    far (a view: writes go through; rows appended later do not show in it; an array a view
    still holds is copied, not grown in place)."""

    def __init__(self, dtype: type, width: int | None = None) -> None:
        self._shape = () if width is None else (width,)
        self._data = np.empty((0, *self._shape), dtype=dtype)
        self._size = 0

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=self._data.dtype).reshape(-1, *self._shape)
        end = self._size + len(rows)
        self._reserve(end)
        self._data[self._size:end] = rows
        self._size = end

    def append(self, row: Any) -> None:
        """One row (or value): the crawler index's columns grow an article at a time."""
        self._reserve(self._size + 1)
        self._data[self._size] = row
        self._size += 1

    def _reserve(self, end: int) -> None:
        if end > len(self._data):
            capacity = max(end, len(self._data) + len(self._data) // 8, 1024)
            try:  # numpy refuses while a view of the array is held
                self._data.resize((capacity, *self._shape), refcheck=True)
            except ValueError:
                grown = np.zeros((capacity, *self._shape), dtype=self._data.dtype)
                grown[:self._size] = self._data[:self._size]
                self._data = grown

    @property
    def values(self) -> np.ndarray:
        return self._data[:self._size]

    def __len__(self) -> int:
        return self._size


def analyse_isolated(
    docs: Sequence[Document], vocabulary: Vocabulary,
    site_chrome: Sequence[frozenset[str]] | None = None,
) -> tuple[list[Analysis], list[Skipped]]:
    """:func:`analyse_batch`, where a document whose analysis fails (a bug in one document's
    analysis is that document's problem, not the run's) comes back as a :class:`Skipped`
    with reason ``internal error: <type>: <message>`` and the others are analysed."""
    skipped: list[Skipped] = []
    try:
        return analyse_batch(docs, vocabulary, site_chrome), skipped
    except Exception:
        # Analysis only numbers new tokens in the vocabulary before it returns, so it can
        # be run again one document at a time to find the one that fails.
        chrome = site_chrome or [frozenset()] * len(docs)
        analysed = []
        for doc, own in zip(docs, chrome):
            try:
                analysed.extend(analyse_batch([doc], vocabulary, [own]))
            except Exception as exc:
                skipped.append(Skipped.internal_error(doc.id, exc, id=doc.id))
        return analysed, skipped


@dataclass(frozen=True)
class AnalysedBatch:
    """A batch of documents analysed with a vocabulary kept apart (:func:`analyse_apart`), as
    a worker process sends it back: small to pickle (no text, no Python object per token).

    ``terms`` and ``heads``: the kept documents' term-count rows (of title and body; of title
    and lead sentence) as CSR arrays (row pointers, columns: token ids of that vocabulary,
    counts; :func:`~dedup.similarity.count_rows`); ``lower``: the ids of the words each
    writes in lower case, document ``k``'s being ``lower[lower_bounds[k]:lower_bounds[k +
    1]]``; ``new_words``: the tokens the vocabulary numbered while analysing the batch (from
    id ``first_new`` on), in that order; ``signatures`` and ``shingles``: the fingerprints
    (whole text, then lead) and shingle counts of the kept documents; ``skipped``: the
    documents whose analysis failed; ``worker``: the process (its vocabulary's numbering is
    its own). The token ids themselves are not sent: the worker counts them."""

    records: list[Prepared]
    terms: tuple[np.ndarray, np.ndarray, np.ndarray]
    heads: tuple[np.ndarray, np.ndarray, np.ndarray]
    lower: np.ndarray
    lower_bounds: np.ndarray
    new_words: list[str]
    first_new: int
    signatures: np.ndarray
    shingles: np.ndarray
    skipped: list[Skipped]
    worker: int


def analyse_apart(
    docs: Sequence[Document], site_chrome: Sequence[frozenset[str]], vocabulary: Vocabulary,
    config: Config, minhasher: MinHasher, worker: int = 0,
) -> AnalysedBatch:
    """Analyse a batch as :meth:`Corpus.add_batch` does, with ``vocabulary`` (a worker's own,
    kept from batch to batch), for :meth:`Corpus.add_analysed` to keep."""
    first_new = len(vocabulary)
    analysed, skipped = analyse_isolated(docs, vocabulary, site_chrome)
    lower = [a.lower_words.ids for a in analysed]
    lower_bounds = np.zeros(len(lower) + 1, dtype=np.int64)
    np.cumsum([len(ids) for ids in lower], out=lower_bounds[1:])
    flat = np.concatenate(lower).astype(np.int32) if lower else np.zeros(0, np.int32)
    content = vocabulary.content()
    terms = count_rows([(a.title_ids, a.ids) for a in analysed], content)
    heads = count_rows([(a.title_ids, a.lead_ids) for a in analysed], content)
    signatures, shingles = id_fingerprints(
        [a.ids for a in analysed], vocabulary.hashes(), config.shingle_size, minhasher
    )
    return AnalysedBatch([a.record for a in analysed], terms, heads, flat, lower_bounds,
                         vocabulary.words[first_new:], first_new, signatures, shingles, skipped,
                         worker)
