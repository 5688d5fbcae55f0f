"""TF-IDF vectors (scikit-learn) built from the tokens the pipeline already has, cosine of
candidate pairs only, and each document's most distinctive terms.

Term counts are collected one document at a time (:class:`TermCounts`), so the text need not
be kept; scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfTransformer` weighs them
once the corpus is read (:func:`tfidf`, imported at that stage).
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ._compiled import pair_dots as _pair_dots

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfTransformer

    from .vocabulary import Vocabulary

class TermCounts:
    """Sparse term-count rows appended one document at a time; columns are token ids of a
    shared :class:`~dedup.vocabulary.Vocabulary`. Only content terms are counted.

    Rows given as token ids wait in a batch and are counted together (one sparse
    duplicate-summing pass per batch, no per-document counting in Python)."""

    def __init__(self, vocabulary: Vocabulary, batch: int = 256) -> None:
        self.vocabulary = vocabulary
        self._indices = array("i")
        self._counts = array("f")
        self._indptr = array("q", [0])
        self._pending: list[np.ndarray] = []
        self._batch = batch

    def add_ids(self, *parts: np.ndarray) -> None:
        """Append one row: the counts of the content terms among the token ids of ``parts``
        (the row's token-id arrays, such as its title and its body)."""
        self._pending.append(parts)
        if len(self._pending) >= self._batch:
            self._settle()

    def add_counts(self, counts: dict[str, int]) -> None:
        """Append one row of term counts (new terms are numbered in the vocabulary)."""
        self._settle()
        add = self.vocabulary.add
        self._indices.extend([add(t) for t in counts])
        self._counts.extend(counts.values())
        self._indptr.append(len(self._indices))

    def add_row(self, cols: np.ndarray, counts: np.ndarray) -> None:
        """Append a row given as columns (increasing, as :meth:`add_ids` keeps them) and
        counts (restoring a saved index, or a row its caller counted)."""
        self._settle()
        self._append(np.asarray(cols), np.asarray(counts))

    def _append(self, cols: np.ndarray, counts: np.ndarray) -> None:
        self._indices.frombytes(cols.astype(np.int32).tobytes())
        self._counts.frombytes(counts.astype(np.float32).tobytes())
        self._indptr.append(len(self._indices))

    def _settle(self) -> None:
        """Count the rows waiting as token ids."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        if len(pending) == 1:  # one row (the crawler index adds one at a time): no matrix
            self._append_ids(np.concatenate(pending[0]) if pending[0] else np.zeros(0, np.int32))
            return
        self._extend(*count_rows(pending, self.vocabulary.content()))

    def add_counted(self, indptr: np.ndarray, cols: np.ndarray, counts: np.ndarray) -> None:
        """Append rows counted elsewhere (:func:`count_rows`), as CSR arrays whose columns are
        this vocabulary's ids (each row's columns distinct, in any order: they are sorted
        here, as :meth:`add_ids` keeps them)."""
        self._settle()
        rows = sp.csr_matrix((counts, cols, indptr),
                             shape=(len(indptr) - 1, max(len(self.vocabulary), 1)))
        rows.has_sorted_indices = False  # scipy's sort of each row (C), twenty times lexsort's
        rows.sort_indices()
        self._extend(rows.indptr, rows.indices, rows.data)

    def _extend(self, indptr: np.ndarray, cols: np.ndarray, counts: np.ndarray) -> None:
        offset = len(self._indices)
        self._indices.frombytes(cols.astype(np.int32).tobytes())
        self._counts.frombytes(counts.astype(np.float32).tobytes())
        self._indptr.extend((np.asarray(indptr[1:], dtype=np.int64) + offset).tolist())

    def _append_ids(self, ids: np.ndarray) -> None:
        """Count one row of token ids (as :meth:`_settle` counts a batch)."""
        ids = ids[self.vocabulary.content()[ids]]
        self._append(*np.unique(ids, return_counts=True))

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Columns and counts of row ``i``."""
        self._settle()
        start, stop = self._indptr[i], self._indptr[i + 1]
        return (np.array(self._indices[start:stop], dtype=np.int32),
                np.array(self._counts[start:stop], dtype=np.float32))

    def rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Several rows at once, in the order given: row pointers, then the columns (as
        ``intp``: numpy gathers by an int32 index several times slower, converting it each
        time) and counts of all of them (a CSR of just these rows; one gather, no call per
        row)."""
        self._settle()
        rows = np.asarray(rows, dtype=np.int64)
        pointers = np.frombuffer(self._indptr, dtype=np.int64)
        starts, lengths = pointers[rows], pointers[rows + 1] - pointers[rows]
        del pointers  # a view pins the array: the next row could not be appended
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        positions = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        indices = np.frombuffer(self._indices, dtype=np.int32)
        counts = np.frombuffer(self._counts, dtype=np.float32)
        cols, values = indices[positions].astype(np.intp), counts[positions]  # copies
        del indices, counts
        return indptr, cols, values

    def __len__(self) -> int:
        return len(self._indptr) - 1 + len(self._pending)

    def matrix(self, *, release: bool = False) -> sp.csr_matrix:
        """The rows as a CSR matrix (float32 counts). ``release``: the matrix takes the
        arrays the rows are kept in, instead of a copy of them, and the rows are let go (for
        an owner that adds and reads no more rows: the batch run, whose counts are half its
        memory at the scoring stage)."""
        self._settle()
        shape = (len(self._indptr) - 1, max(len(self.vocabulary), 1))
        arrays = (np.frombuffer(self._counts, dtype=np.float32),
                  np.frombuffer(self._indices, dtype=np.int32),
                  np.frombuffer(self._indptr, dtype=np.int64))
        if release:  # views pin the arrays: they are no longer this object's to grow
            self._indices, self._counts, self._indptr = array("i"), array("f"), array("q", [0])
        else:  # copies: a view would pin the arrays, and the next add() could not grow them
            arrays = tuple(a.copy() for a in arrays)
        return sp.csr_matrix(arrays, shape=shape)


def count_rows(
    rows: list[tuple[np.ndarray, ...]], content: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Term-count rows of several documents at once, as CSR arrays (row pointers, columns
    increasing within each row, float32 counts): each row the content terms (``content``:
    per token id) among the token-id arrays of its tuple (such as its title and its body),
    counted by one sparse duplicate-summing pass."""
    arrays = [ids for parts in rows for ids in parts]
    flat = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int32)
    bounds = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([sum(len(ids) for ids in parts) for parts in rows], out=bounds[1:])
    keep = content[flat]
    row_of = np.repeat(np.arange(len(rows)), np.diff(bounds))[keep]
    flat = flat[keep]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=len(rows)), out=indptr[1:])
    batch = sp.csr_matrix(
        (np.ones(len(flat), dtype=np.float32), flat, indptr),
        shape=(len(rows), max(len(content), 1)),
    )
    batch.sum_duplicates()  # sorts each row's columns and adds up repeated terms
    return batch.indptr.astype(np.int64), batch.indices.astype(np.int32), batch.data


def distinct_counts(ids: np.ndarray, runs: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``ids`` (non-negative), increasing, and how often each occurs.
    ``runs``: ``ids`` are a few increasing lists end to end (a query's postings), sorted by
    numpy's stable sort, which merges the runs (see :func:`dedup.candidates.distinct`)."""
    if not runs:
        values, counts = np.unique(ids, return_counts=True)
        return values.astype(np.int64), counts.astype(np.int64)
    ids = np.sort(ids, kind="stable")
    edges = np.empty(len(ids) + 1, dtype=bool)
    edges[0] = edges[-1] = True
    np.not_equal(ids[1:], ids[:-1], out=edges[1:-1])
    starts = np.flatnonzero(edges)
    return ids[starts[:-1]].astype(np.int64), np.diff(starts).astype(np.int64)


def tfidf(
    counts: sp.csr_matrix, *others: sp.csr_matrix, in_place: bool = False
) -> list[sp.csr_matrix]:
    """Sublinear TF-IDF of ``counts`` (IDF fitted on it) and of ``others`` with the same IDF,
    by scikit-learn's ``TfidfTransformer(sublinear_tf=True, norm="l2")`` (smoothed IDF); rows
    are L2-normalised. ``in_place``: the float32 CSR matrices given become the result (the
    transformer's ``copy=False``: no copy of the largest arrays of a run; for matrices nobody
    else holds).

    The transformer is :func:`idf_transformer` of the counts' document frequencies (what
    scikit-learn's ``fit`` computes, value for value): the one path the Spark engine weighs
    its partitions' rows by too."""
    counts = sp.csr_matrix(counts)
    # scikit-learn's fit: document frequencies by a bincount of the columns, in the counts'
    # float type (float64 for others)
    dtype = counts.dtype.type if counts.dtype in (np.float32, np.float64) else np.float64
    df = column_counts(counts.indices, counts.shape[1])
    transformer = idf_transformer(df, counts.shape[0], dtype)
    return tfidf_rows(transformer, counts, *others, in_place=in_place)


def column_counts(columns: np.ndarray, width: int, chunk: int = 1 << 22) -> np.ndarray:
    """``np.bincount(columns, minlength=width)``, the same counts, a chunk of ``columns`` at
    a time: ``bincount`` casts what it counts to int64, a copy twice the size of int32
    columns (400 MB at 200,000 articles, the top of a large run's scoring stage)."""
    counts = np.zeros(width, dtype=np.intp)
    for start in range(0, len(columns), chunk):
        counts += np.bincount(columns[start:start + chunk], minlength=width)
    return counts


def idf_transformer(df: np.ndarray, n_docs: int, dtype: type = np.float32) -> TfidfTransformer:
    """The transformer :func:`tfidf` fits, fitted from document frequencies alone (``df``: per
    column, the documents holding the term; ``n_docs``: the documents): the same ``idf_``,
    value for value, as scikit-learn's ``fit`` on the count matrix those figures come from (a
    test compares them), so that rows of a corpus held in parts (the Spark engine,
    :mod:`dedup.spark`) are weighted as the whole matrix is. Its ``transform`` of some rows
    gives those rows of the whole matrix's ``fit_transform``."""
    from sklearn.feature_extraction.text import TfidfTransformer  # at the scoring stage only

    transformer = TfidfTransformer(sublinear_tf=True, norm="l2")
    # scikit-learn's fit: the frequencies in the counts' float type, smoothed, log + 1
    smoothed = np.asarray(df).astype(dtype) + dtype(1.0)
    idf = np.full_like(smoothed, fill_value=n_docs + 1, dtype=dtype)
    idf /= smoothed
    np.log(idf, out=idf)
    idf += 1.0
    transformer.idf_ = idf
    transformer.n_features_in_ = len(idf)
    return transformer


def tfidf_rows(
    transformer: TfidfTransformer, *counts: sp.csr_matrix, in_place: bool = False
) -> list[sp.csr_matrix]:
    """Rows of count matrices weighted as :func:`tfidf` weighs them, by a fitted ``transformer``
    (:func:`idf_transformer`), as float32 CSR. ``in_place``: as for :func:`tfidf`."""
    width = len(transformer.idf_)
    out = []
    for matrix in counts:
        matrix = sp.csr_matrix(matrix, shape=(matrix.shape[0], width))
        if in_place and matrix.dtype == np.float32 and transformer.sublinear_tf:
            weighted = _transform_in_place(transformer, matrix)
        else:
            weighted = transformer.transform(matrix, copy=not in_place)
        out.append(sp.csr_matrix(weighted).astype(np.float32, copy=False))
    return out


def _transform_in_place(
    transformer: TfidfTransformer, matrix: sp.csr_matrix, chunk: int = 1 << 22
) -> sp.csr_matrix:
    """``transformer.transform(matrix, copy=False)`` (sublinear TF, IDF, L2 norm) done as
    scikit-learn does it, value for value (a test compares them), with the IDF of the
    values' columns gathered a chunk at a time: scikit-learn gathers them for all values at
    once, a transient as large as the matrix's values (200 MB at 200,000 articles)."""
    from sklearn.preprocessing import normalize  # at the scoring stage only

    data, indices, idf = matrix.data, matrix.indices, transformer.idf_
    np.log(data, data)
    data += 1.0
    for start in range(0, len(data), chunk):
        data[start:start + chunk] *= idf[indices[start:start + chunk]]
    return normalize(matrix, norm=transformer.norm, copy=False)


def tfidf_weights(counts: np.ndarray, df: np.ndarray, n_docs: int) -> np.ndarray:
    """Sublinear TF-IDF weights of terms counted ``counts`` times in a document and held by
    ``df`` of ``n_docs`` documents, not normalised: ``(1 + ln tf) * (ln((1 + n) / (1 + df)) + 1)``.

    The formula :func:`tfidf` fits (scikit-learn's ``TfidfTransformer(sublinear_tf=True)``,
    smoothed IDF), for the crawler index, whose statistics change with every article."""
    # the same operations in two float64 arrays (no temporary per step)
    weights = np.log(np.asarray(counts, dtype=np.float64))
    weights += 1.0
    idf = np.add(df, 1.0)
    np.divide(1 + n_docs, idf, out=idf)
    np.log(idf, out=idf)
    idf += 1.0
    weights *= idf
    return weights


def pair_cosines(
    matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = 8_000
) -> np.ndarray:
    """Cosine of rows ``left[k]`` and ``right[k]`` for every k (rows are L2-normalised), as
    float32: the compiled ``pair_dots`` (``dedup/_pairs.c``) where it is built, else
    :func:`scipy_pair_cosines`, the same values bit for bit."""
    if (_pair_dots is None or matrix.dtype != np.float32 or not matrix.has_canonical_format
            or not len(left)):
        return scipy_pair_cosines(matrix, left, right, chunk)
    out = np.zeros(len(left), dtype=np.float32)
    _pair_dots(matrix.indptr, matrix.indices, matrix.data, matrix.shape[1],
               np.ascontiguousarray(left), np.ascontiguousarray(right), out)
    return out


def scipy_pair_cosines(
    matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray, chunk: int = 8_000
) -> np.ndarray:
    """:func:`pair_cosines` by scipy: the rows' copies multiplied, a block of pairs at a time."""
    out = np.zeros(len(left), dtype=np.float32)
    for start in range(0, len(left), chunk):  # in blocks: row copies stay small
        stop = start + chunk
        products = matrix[left[start:stop]].multiply(matrix[right[start:stop]])
        out[start:stop] = np.asarray(products.sum(axis=1)).ravel()
    return out


def _csr_arrays(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A CSR matrix in canonical form: int64 row pointers, int32 columns, float32 values."""
    m = sp.csr_matrix(matrix)
    m.sum_duplicates()
    return (m.indptr.astype(np.int64, copy=False), m.indices.astype(np.int32, copy=False),
            m.data.astype(np.float32, copy=False))


def heaviest(columns: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` heaviest of a row's terms, equal weights to the lower column:
    the salient terms an article is blocked on, in the batch call and the index alike."""
    return np.lexsort((columns, -weights))[:k]


def top_terms(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Binary matrix marking each row's ``k`` highest-weighted terms (:func:`heaviest`)."""
    indptr, indices, data = _csr_arrays(matrix)
    keep = np.zeros(len(data), dtype=bool)
    for i in range(len(indptr) - 1):
        start, stop = indptr[i], indptr[i + 1]
        keep[start + heaviest(indices[start:stop], data[start:stop], k)] = True
    # heaviest() marks min(k, terms) of each row: the marks' row pointers, rows in order
    kept = np.zeros(len(indptr), dtype=np.int64)
    np.cumsum(np.minimum(np.diff(indptr), k), out=kept[1:])
    return sp.csr_matrix(
        (np.ones(int(kept[-1]), dtype=np.float32), indices[keep], kept), shape=matrix.shape
    )
