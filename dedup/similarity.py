"""TF-IDF vectors (scikit-learn) fitted on the tokens the pipeline already has, cosine of
candidate pairs only, and each document's most distinctive terms."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "mr", "mrs", "ms", "just"}


def content_terms(tokens: list[str]) -> list[str]:
    """Tokens that carry meaning: no stop words, no bare numbers, no one-letter words."""
    return [t for t in tokens if len(t) > 1 and t not in _STOP and not t.isdigit()]


def _identity(terms: list[str]) -> list[str]:
    return terms


def fit_tfidf(term_lists: list[list[str]]) -> tuple[TfidfVectorizer, sp.csr_matrix]:
    """Fit sublinear TF-IDF on pre-tokenized documents; rows are L2-normalised."""
    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, dtype=np.float32, norm="l2"
    )
    matrix = vectorizer.fit_transform(term_lists)
    return vectorizer, matrix.tocsr()


def pair_cosines(matrix: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine of rows ``left[k]`` and ``right[k]`` for every k (rows are L2-normalised)."""
    if len(left) == 0:
        return np.zeros(0, dtype=np.float32)
    products = matrix[left].multiply(matrix[right])
    return np.asarray(products.sum(axis=1)).ravel()


def top_terms(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Binary matrix marking each row's ``k`` highest-weighted terms."""
    rows, cols = [], []
    for i in range(matrix.shape[0]):
        start, stop = matrix.indptr[i], matrix.indptr[i + 1]
        data = matrix.data[start:stop]
        idx = matrix.indices[start:stop]
        if len(data) > k:
            keep = np.argpartition(-data, k - 1)[:k]
            idx = idx[keep]
        rows.append(np.full(len(idx), i, dtype=np.int64))
        cols.append(idx)
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return sp.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=matrix.shape)
