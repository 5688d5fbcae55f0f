"""Reference clusterers to compare :mod:`dedup` against.

* :func:`tfidf_single_link`: TF-IDF cosine, single-link (connected components) at a threshold,
  optionally restricted to pairs published within ``window_days`` of each other. All pairs are
  compared, which is fine for a baseline on a few thousand documents.
* :func:`exact_hash`: identical text after lowercasing and whitespace collapsing.
* :func:`minhash_lsh`: datasketch MinHash over word shingles + MinHashLSH candidates.

Documents are dicts with keys ``id``, ``text``, ``title`` and ``date`` (ISO 8601 or ``None``).
Every function returns ``dict[id, label]`` covering every document.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

Doc = Mapping[str, Any]

TFIDF_THRESHOLD = 0.25
"""The TF-IDF baseline's one threshold for every set in ``python -m benchmarks run``: the
cosine with the best mean pairwise F1 over the two development sets in
``python -m benchmarks.quality``'s joint sweep (0.05..0.95, step 0.025), fixed here."""
TFIDF_WINDOW_DAYS = 3

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


# --------------------------------------------------------------------------- graph helpers


def components_from_adjacency(ids: Sequence[str], adjacency: Any) -> dict[str, int]:
    """Label each id with its connected component in a (sparse or dense boolean) adjacency."""
    _, labels = connected_components(csr_matrix(adjacency), directed=False)
    return {doc_id: int(label) for doc_id, label in zip(ids, labels)}


def components_from_edges(ids: Sequence[str], edges: Sequence[tuple[int, int]]) -> dict[str, int]:
    """Label each id with its connected component given edges as index pairs."""
    n = len(ids)
    if edges:
        rows, cols = zip(*edges)
    else:
        rows, cols = (), ()
    data = np.ones(len(rows), dtype=np.int8)
    adjacency = coo_matrix((data, (rows, cols)), shape=(n, n))
    return components_from_adjacency(ids, adjacency)


# --------------------------------------------------------------------------- TF-IDF single link


def doc_text(doc: Doc) -> str:
    """Title and body joined, the text the TF-IDF baseline sees."""
    return f"{doc.get('title') or ''}\n{doc.get('text') or ''}"


def tfidf_similarity(docs: Sequence[Doc]) -> np.ndarray:
    """Dense all-pairs cosine similarity of TF-IDF vectors (sublinear tf, English stop words)."""
    n = len(docs)
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        matrix = vectorizer.fit_transform([doc_text(d) for d in docs])
    except ValueError:  # empty vocabulary: no document has a usable word
        return np.eye(n)
    # rows are L2-normalized, so the dot product is the cosine
    return (matrix @ matrix.T).toarray()


def parse_day(value: Any) -> int | None:
    """Day ordinal of an ISO 8601 date or datetime string (its first 10 characters), or ``None``."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return None


def date_window_mask(docs: Sequence[Doc], window_days: float | None) -> np.ndarray | None:
    """Boolean matrix: may documents i and j link under the publication window?

    ``True`` where both dates are within ``window_days`` of each other, or where either document
    has no (parsable) date. Returns ``None`` when ``window_days`` is ``None`` (no restriction).
    """
    if window_days is None:
        return None
    days = [parse_day(d.get("date")) for d in docs]
    known = np.array([d is not None for d in days])
    ordinals = np.array([d if d is not None else 0 for d in days], dtype=float)
    close = np.abs(ordinals[:, None] - ordinals[None, :]) <= window_days
    undated = ~known[:, None] | ~known[None, :]
    return close | undated


def threshold_components(
    ids: Sequence[str],
    similarity: np.ndarray,
    threshold: float,
    mask: np.ndarray | None = None,
) -> dict[str, int]:
    """Single-link clusters: components of ``similarity >= threshold`` (and ``mask``, if given)."""
    adjacency = similarity >= threshold
    if mask is not None:
        adjacency &= mask
    return components_from_adjacency(ids, adjacency)


def tfidf_single_link(
    docs: Sequence[Doc], threshold: float, window_days: float | None = None
) -> dict[str, int]:
    """TF-IDF cosine single-link clustering.

    Links every pair with cosine ``>= threshold`` and, if ``window_days`` is given and both
    documents have a date, ``|date difference| <= window_days`` days (undated documents are not
    restricted); connected components are the clusters.
    """
    ids = [d["id"] for d in docs]
    if not ids:
        return {}
    similarity = tfidf_similarity(docs)
    return threshold_components(ids, similarity, threshold, date_window_mask(docs, window_days))


def tfidf_single_link_blocked(
    docs: Sequence[Doc], threshold: float, window_days: float | None = None, block: int = 1000
) -> dict[str, int]:
    """:func:`tfidf_single_link` in row blocks of sparse products: the same clusters, all
    pairs still compared (quadratic time), but memory bounded by one block of similarities
    instead of the dense ``n × n`` matrix. For corpora of tens of thousands of documents."""
    ids = [d["id"] for d in docs]
    if not ids:
        return {}
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    try:
        matrix = vectorizer.fit_transform([doc_text(d) for d in docs]).tocsr()
    except ValueError:  # empty vocabulary: every document alone
        return {doc_id: k for k, doc_id in enumerate(ids)}
    days = np.array([parse_day(d.get("date")) or -1 for d in docs], dtype=np.int64)
    transposed = matrix.T.tocsc()
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, len(ids), block):
        sims = (matrix[start:start + block] @ transposed).tocoo()
        i, j = sims.row + start, sims.col
        keep = (sims.data >= threshold) & (i < j)
        if window_days is not None:
            undated = (days[i] < 0) | (days[j] < 0)
            keep &= undated | (np.abs(days[i] - days[j]) <= window_days)
        rows.append(i[keep])
        cols.append(j[keep])
    edges = list(zip(np.concatenate(rows).tolist(), np.concatenate(cols).tolist()))
    return components_from_edges(ids, edges)


# --------------------------------------------------------------------------- exact hash


def normalize_text(text: str) -> str:
    """Lowercase and collapse runs of whitespace to one space, stripped."""
    return _SPACE.sub(" ", text).strip().lower()


def exact_hash(docs: Sequence[Doc]) -> dict[str, str]:
    """Cluster documents whose normalized body text is identical (label = SHA-1 of that text)."""
    return {
        d["id"]: hashlib.sha1(normalize_text(d.get("text") or "").encode("utf-8")).hexdigest()
        for d in docs
    }


# --------------------------------------------------------------------------- MinHash LSH


def word_shingles(text: str, size: int) -> set[str]:
    """Set of word ``size``-shingles of lowercased text; a shorter text is one shingle."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def minhash_lsh(
    docs: Sequence[Doc], threshold: float = 0.8, num_perm: int = 128, shingle: int = 5
) -> dict[str, int]:
    """Near-duplicate clusters from datasketch MinHash + MinHashLSH.

    Each document's word ``shingle``-shingles are hashed with a per-document ``MinHash.update``
    loop; every LSH candidate pair is an edge (no exact-Jaccard verification) and connected
    components are the clusters. Documents without words stay singletons.
    """
    from datasketch import MinHash, MinHashLSH

    ids = [d["id"] for d in docs]
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures: dict[int, MinHash] = {}
    for index, doc in enumerate(docs):
        shingles = word_shingles(doc.get("text") or "", shingle)
        if not shingles:
            continue
        signature = MinHash(num_perm=num_perm)
        for item in shingles:
            signature.update(item.encode("utf-8"))
        signatures[index] = signature
        lsh.insert(index, signature)
    edges = [
        (index, other)
        for index, signature in signatures.items()
        for other in lsh.query(signature)
        if other != index
    ]
    return components_from_edges(ids, edges)
