"""``python -m benchmarks.engine [FILES...]``: does the crawler index agree with the batch run?

Each labeled file (default: every file in ``../shared/data/``) is given a ``source`` and a
``url`` per article where it lacks them (made up per site: every crawled page has them), then

* clustered in one batch (:func:`dedup.cluster_documents`), and
* fed to a :class:`dedup.DedupIndex` one :meth:`~dedup.DedupIndex.add` at a time in
  publication order (undated articles last, then by id), as a crawler meets them.

Reported per file: the ARI of the index's story ids against the batch clusters, both as each
verdict gave them (``at add``) and as the index holds them once every article is in
(``settled``), and once more after :meth:`~dedup.DedupIndex.settle` (``settle()``, what a
crawler can call when idle; its CPU seconds too); the ARI of each against the gold stories;
and the copy verdicts whose
``original`` belongs to another gold story (a copy a crawler would drop by mistake).

``--why`` says where the held stories and the batch's differ, in pairs of articles one puts
in one story and the other does not, step by step from the index to the batch:

* ``settling``: the held stories against the batch's clustering (``cluster.settle``) of the
  very pairs the index scored (0 when every story was settled whole; the index settles at
  most ``cluster.SETTLE_ROWS`` rows per article);
* ``statistics``: those pairs scored as the index scored them (each with the IDF, name
  weights and common words of the moment its later article came, the warm-up rule for the
  first articles, and its site's chrome as known then) against the same pairs scored by the
  batch (the final statistics, the batch's analyses);
* ``candidates``: the pairs the index compared (chosen with the statistics of their day)
  against the pairs the batch compares, both scored by the batch.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

import dedup.index
from benchmarks.labeled import _day, read_records
from benchmarks.metrics import adjusted_rand_index
from benchmarks.sets import labeled_files
from dedup import Config, DedupIndex, Document, cluster_documents
from dedup.cluster import settle
from dedup.copies import copy_rule
from dedup.events import sure_span
from dedup.fingerprint import pair_containments
from dedup.pairs import pair_measures, score_candidates, score_pairs
from dedup.pipeline import build_corpus, scored_keys
from dedup.similarity import tfidf

SITES = 12


def crawled_documents(records: Sequence[dict[str, Any]]) -> list[Document]:
    """The records as a crawler has them: each with a source and a url (made up per site
    where missing), in publication order."""
    docs = []
    for number, r in enumerate(records):
        source = r.get("source") or f"site-{number % SITES:02d}"
        slug = "".join(c if c.isalnum() else "-" for c in str(source).lower()).strip("-")
        url = r.get("url") or f"https://{slug or 'site'}.example/news/{r['id']}"
        docs.append(Document(str(r["id"]), r.get("text") or "", r.get("title"),
                             r.get("published") or r.get("date"), source, url))
    return sorted(docs, key=lambda d: (_day(d.published) is None, _day(d.published) or 0, d.id))


def compare(path: Path) -> dict[str, Any]:
    records = read_records(path)
    docs = crawled_documents(records)
    gold = {str(r["id"]): r["cluster"] for r in records}
    start = time.process_time()  # CPU seconds: the machine is shared
    batch = cluster_documents(docs)
    batch_s = time.process_time() - start
    batch_story = {m: c.id for c in batch.clusters for m in c.members}
    index = DedupIndex()
    at_add: dict[str, str] = {}
    wrong_copies = 0
    start = time.process_time()
    for doc in docs:
        verdict = index.add(doc)
        at_add[doc.id] = verdict.story
        if verdict.status in ("exact", "near-duplicate") and verdict.original is not None:
            wrong_copies += gold[verdict.original] != gold[doc.id]
    index_s = time.process_time() - start
    settled = index.stories()
    start = time.process_time()
    index.settle()  # what a crawler can call when idle: every pair chosen and scored again
    settle_s = time.process_time() - start
    resettled = index.stories()
    ids = sorted(batch_story)
    gold = {k: gold[k] for k in ids}
    return {
        "file": path.name, "docs": len(ids),
        "ari_add": adjusted_rand_index(batch_story, {k: at_add[k] for k in ids}),
        "ari_settled": adjusted_rand_index(batch_story, {k: settled[k] for k in ids}),
        "ari_settle_call": adjusted_rand_index(batch_story, {k: resettled[k] for k in ids}),
        "gold_batch": adjusted_rand_index(gold, batch_story),
        "gold_add": adjusted_rand_index(gold, {k: at_add[k] for k in ids}),
        "gold_settled": adjusted_rand_index(gold, {k: settled[k] for k in ids}),
        "wrong_copies": wrong_copies, "batch_s": batch_s, "index_s": index_s,
        "settle_cpu_s": settle_s,
    }


def batch_drift(path: Path, fractions: Sequence[float] = (0.5, 0.75, 0.9, 0.95, 0.98)
                ) -> list[tuple[int, int, float]]:
    """How far the batch run itself moves as articles arrive: for the first ``k`` articles
    (publication order), the ARI of ``cluster_documents`` of those ``k`` against the batch of
    every article, restricted to those ``k``. It bounds what any index can hold between two
    re-scorings of all pairs: one made at ``k`` articles is at best this far from the batch
    once all are in."""
    docs = crawled_documents(read_records(path))
    full = {m: c.id for c in cluster_documents(docs).clusters for m in c.members}
    out = []
    for f in fractions:
        k = round(f * len(docs))
        part = {m: c.id for c in cluster_documents(docs[:k]).clusters for m in c.members}
        out.append((k, len(docs), adjusted_rand_index({i: full[i] for i in part}, part)))
    return out


def _together(labels: dict[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for doc_id, label in labels.items():
        groups.setdefault(label, []).append(doc_id)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def _apart(a: dict[str, str], b: dict[str, str]) -> tuple[int, int]:
    """Pairs of articles in one story in ``a`` but not in ``b``, and the other way round."""
    pa, pb = _together(a), _together(b)
    return len(pa - pb), len(pb - pa)


def _settled(ids: list[str], pairs: list[tuple[str, str]], scores: Any, copies: Any,
             keys: list[Any], config: Config) -> dict[str, str]:
    """The batch's clustering (``cluster.settle``, rows in id order) of scored pairs."""
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    rank = {ids[i]: k for k, i in enumerate(order)}
    left = np.array([min(rank[a], rank[b]) for a, b in pairs], dtype=np.int64)
    right = np.array([max(rank[a], rank[b]) for a, b in pairs], dtype=np.int64)
    at = np.lexsort((right, left))
    _, stories, _ = settle(len(ids), left[at], right[at], np.asarray(scores, dtype=float)[at],
                           np.asarray(copies, dtype=bool)[at], config.cluster_threshold,
                           config.same_event_threshold, [sure_span(keys[i]) for i in order])
    return {ids[i]: ids[order[stories.find(k)]] for k, i in enumerate(order)}


def batch_scored(path: Path, config: Config) -> tuple[list[Document], Any, list[Any], Any,
                                                     list[str], np.ndarray, np.ndarray]:
    """The batch's pairs of a labeled file, as crawled: (documents, corpus, scored keys,
    pair table, ids by row, exact-text number by row, copy flag of each pair)."""
    docs = crawled_documents(read_records(path))
    corpus, _ = build_corpus(docs, config, lambda *a: None)
    keys = scored_keys(corpus)
    table, _ = score_candidates(corpus, corpus.records, keys, config, lambda *a: None)
    ids = [p.id for p in corpus.records]
    exact = np.unique([p.exact for p in corpus.records], return_inverse=True)[1].ravel()
    copy = copy_rule(exact[table.left] == exact[table.right], table.jaccard, table.containment,
                     table.shorter, table.head_cosine, config)
    return docs, corpus, keys, table, ids, exact, copy


def why(path: Path) -> dict[str, Any]:
    """Where the held stories and the batch's differ, step by step (see the module doc)."""
    config = Config()
    docs, corpus, keys, table, ids, exact, copy = batch_scored(path, config)
    batch_pairs = [(ids[i], ids[j]) for i, j in zip(table.left.tolist(), table.right.tolist())]
    batch = _settled(ids, batch_pairs, table.score, copy, keys, config)
    index = DedupIndex(config)
    for doc in docs:
        index.add(doc)
    state = index.state()
    index_ids = [r.record.id for r in state.rows]
    pairs = [(index_ids[o], index_ids[r]) for r, o, _ in state.edges]
    as_scored = _settled(index_ids, pairs, [e.score for _, _, e in state.edges],
                         [e.copy > 0 for _, _, e in state.edges],
                         [r.record.key for r in state.rows], config)
    # The index's pairs, scored by the batch.
    row = {doc_id: i for i, doc_id in enumerate(ids)}
    left = np.array([row[a] for a, _ in pairs], dtype=np.int64)
    right = np.array([row[b] for _, b in pairs], dtype=np.int64)
    signatures, shingles = corpus.finish()
    body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
    jaccard, cosine, head = pair_measures(signatures, shingles, body, heads, left, right)
    rescored, _ = score_pairs(keys, left, right, jaccard, cosine, head, config)
    contained, shorter = pair_containments(signatures, corpus.leads(), shingles, left, right)
    by_batch = _settled(ids, pairs, rescored.score,
                        copy_rule(exact[left] == exact[right], jaccard, contained, shorter, head,
                                  config), keys, config)
    held = index.stories()
    batch_set = {tuple(sorted(p)) for p in batch_pairs}
    index_set = {tuple(sorted(p)) for p in pairs}
    return {
        "file": path.name, "settling": _apart(held, as_scored),
        "statistics": _apart(as_scored, by_batch), "candidates": _apart(by_batch, batch),
        "total": _apart(held, batch), "only_index": len(index_set - batch_set),
        "only_batch": len(batch_set - index_set), "both": len(index_set & batch_set),
        "analysed_apart": sum(
            index._corpus.terms.row(i)[1].sum() != corpus.terms.row(row[doc_id])[1].sum()
            for i, doc_id in enumerate(index_ids)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--why", action="store_true",
                        help="where the held stories and the batch's differ, step by step")
    parser.add_argument("--batch-drift", action="store_true",
                        help="ARI of the batch of the first k articles against the batch of all")
    parser.add_argument("--resettle-growth", type=float, metavar="G",
                        help="settle the streaming statistics each time the index grows by a "
                        "factor G (dedup.index.RESETTLE_GROWTH; an experiment, default 2)")
    parser.add_argument("--refresh", type=int, metavar="N",
                        help="older articles each add refreshes while the index is small "
                        "(dedup.index.REFRESH_PER_ADD; an experiment, default 1, 0: none)")
    parser.add_argument("--refresh-pairs", choices=("new", "chosen", "all"),
                        help="what a refresh does to an older article's pairs "
                        "(dedup.index.REFRESH_PAIRS; an experiment, default new)")
    args = parser.parse_args(argv)
    files = labeled_files(args.files)
    if files is None:
        return 2
    if args.resettle_growth is not None:
        if args.resettle_growth <= 1:
            parser.error("--resettle-growth must be above 1")
        dedup.index.RESETTLE_GROWTH = args.resettle_growth
    if args.refresh is not None:
        if args.refresh < 0:
            parser.error("--refresh must be 0 or more")
        dedup.index.REFRESH_PER_ADD = args.refresh
    if args.refresh_pairs is not None:
        dedup.index.REFRESH_PAIRS = args.refresh_pairs
    if args.batch_drift:
        print(f"{'file':<20}{'first k':>8}{'of':>6}{'ARI batch(k) vs batch(all)':>28}")
        for path in files:
            for k, n, ari in batch_drift(path):
                print(f"{path.name:<20}{k:>8}{n:>6}{ari:>28.3f}")
        return 0
    if args.why:
        print("pairs of articles in one story on one side only (index side, batch side):")
        print(f"{'file':<20}{'settling':>11}{'statistics':>12}{'candidates':>12}{'total':>12}"
              f"{'pairs both':>11}{'index only':>11}{'batch only':>11}{'analysed apart':>15}")
        for path in files:
            r = why(path)
            print(f"{r['file']:<20}{str(r['settling']):>11}{str(r['statistics']):>12}"
                  f"{str(r['candidates']):>12}{str(r['total']):>12}{r['both']:>11}"
                  f"{r['only_index']:>11}{r['only_batch']:>11}{r['analysed_apart']:>15}")
        return 0
    print(f"{'file':<20}{'docs':>6}{'ARI add':>9}{'settled':>9}{'settle()':>9}{'gold:batch':>11}"
          f"{'gold:add':>9}{'gold:set':>9}{'wrong copies':>13}{'batch CPU s':>12}{'index CPU s':>12}"
          f"{'settle() CPU s':>15}")
    for path in files:
        r = compare(path)
        print(f"{r['file']:<20}{r['docs']:>6}{r['ari_add']:>9.3f}{r['ari_settled']:>9.3f}"
              f"{r['ari_settle_call']:>9.3f}"
              f"{r['gold_batch']:>11.3f}{r['gold_add']:>9.3f}{r['gold_settled']:>9.3f}"
              f"{r['wrong_copies']:>13}{r['batch_s']:>12.1f}{r['index_s']:>12.1f}"
              f"{r['settle_cpu_s']:>15.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
