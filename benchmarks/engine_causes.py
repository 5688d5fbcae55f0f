"""``python -m benchmarks.engine_causes [FILE]``: why the crawler index's held stories and
the batch's differ, cause by cause (issue 11; ``../shared/data/ecbplus-dev.jsonl`` by
default).

The file is fed through :meth:`dedup.DedupIndex.add` as :mod:`benchmarks.engine` feeds it,
with each pair's features captured as the index scored them (at its add, or at the last
automatic settle, which scores with the batch's code), and how each pair was proposed.
Then, one cause at a time, the index's pairs are corrected towards the batch's (a feature
of the final statistics, or the batch's pairs) and settled again
(:func:`benchmarks.engine._settled`): each line gives the pairs corrected, the pairs of
articles then still in one story on one side only (index side, batch side), and the ARI of
the stories so made against the batch's. The corrections do not add up (clustering is not
linear): the last lines make them together. Diagnosis only: it wraps index methods in this
process.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

import dedup.index as di
from benchmarks.engine import _apart, _settled, batch_scored
from benchmarks.metrics import adjusted_rand_index
from dedup import Config, DedupIndex
from dedup.candidates import CandidateRules, QueryCandidates, key_facts
from dedup.pairs import event_scores, pair_measures, score_candidates, score_pairs
from dedup.pipeline import scored_keys
from dedup.similarity import tfidf

DEFAULT = Path("../shared/data/ecbplus-dev.jsonl")
FIELDS = ("cosine", "head_cosine", "people", "date", "place", "ages", "outcome")


def _columns(table: Any, k: int) -> dict[str, float]:
    return {name: float(getattr(table, name)[k]) if getattr(table, name) is not None else 0.0
            for name in FIELDS}


def _score(f: dict[str, float]) -> float:
    return float(event_scores(*(np.array([f[name]]) for name in FIELDS[:3]),
                              *(np.array([int(f[name])]) for name in FIELDS[3:]))[0])


class _Capture:
    """What the index computed for each article: its candidates, how each was proposed,
    the three statistics-dependent features of each pair (its own, and those of the older
    articles its add refreshed: ``measured``, one entry per scoring, the refreshed row or
    None for the article's own), and the blocking terms each indexed article was posted
    on."""

    def __init__(self) -> None:
        self.now: dict[str, Any] = {}
        self.posted: dict[int, set[int]] = {}
        measures, refresh, candidates = (DedupIndex._measures, DedupIndex._refresh,
                                         DedupIndex._candidates)
        add, reblock, move = QueryCandidates.add, QueryCandidates.reblock, QueryCandidates.move
        now, posted = self.now, self.posted

        def meas(index: DedupIndex, *args: Any, **kwargs: Any) -> Any:
            out = measures(index, *args, **kwargs)
            now.setdefault("measured", []).append((now.get("query"), args[7], out))
            return out

        def fresh(index: DedupIndex, row: int, body: tuple, salient: np.ndarray) -> None:
            now["query"] = row
            try:
                refresh(index, row, body, salient)
            finally:
                now["query"] = None

        def cands(index: DedupIndex, a: Any, sig: np.ndarray, body: tuple,
                  own: frozenset[str] = frozenset()) -> np.ndarray:
            salient = index._rules.salient(*body)
            facts = key_facts(index._scored_key(a.record.key, own))
            sources = index._sources
            found = sources.query(a.record.exact, sig[:index.config.num_perm], salient,
                                  di.publication_day(a.record.key), index._days.values, facts)
            now["sources"] = {name: set(rows.tolist()) for name, rows in found.items()}
            now["facts"] = {r for f in facts for r in sources._facts.get(f, ())
                            if index._rules.rare_fact(len(sources._facts.get(f, ())) + 1)}
            terms = set(salient.tolist())
            now["shared"] = {r: len(held & terms) for r, held in posted.items()}
            now["rows"] = candidates(index, a, sig, body, own)
            return now["rows"]

        def post(q: QueryCandidates, row: int, exact: str, sig: np.ndarray,
                 salient: np.ndarray, facts: Any = ()) -> None:
            posted[row] = set(salient.tolist())
            add(q, row, exact, sig, salient, facts)

        def repost(q: QueryCandidates, rows: list[int], salient: list[np.ndarray]) -> None:
            posted.clear()
            posted.update({r: set(c.tolist()) for r, c in zip(rows, salient)})
            reblock(q, rows, salient)

        def moved(q: QueryCandidates, row: int, before: np.ndarray, now: np.ndarray) -> None:
            posted[row] = set(now.tolist())
            move(q, row, before, now)

        DedupIndex._measures, DedupIndex._refresh, DedupIndex._candidates = meas, fresh, cands
        QueryCandidates.add, QueryCandidates.reblock, QueryCandidates.move = post, repost, moved


def causes(path: Path) -> list[tuple[str, int, tuple[int, int], float]]:
    config = Config()
    docs, corpus, keys, table, ids, exact, copies = batch_scored(path, config)  # the batch
    batch_pairs = {(int(table.left[k]), int(table.right[k])): (float(table.score[k]),
                                                               bool(copies[k]))
                   for k in range(len(table))}
    batch = _settled(ids, [(ids[a], ids[b]) for a, b in batch_pairs],
                     [s for s, _ in batch_pairs.values()], [c for _, c in batch_pairs.values()],
                     keys, config)
    # The index, each pair's features as it scored them.
    capture = _Capture()
    index = DedupIndex(config)
    scored: dict[tuple[int, int], dict[str, float]] = {}
    source: dict[tuple[int, int], set[str]] = {}
    shared: dict[int, dict[int, int]] = {}
    last = 0
    for t, doc in enumerate(docs):
        capture.now.clear()
        index.add(doc)
        now = capture.now
        for query, rows, m in now["measured"]:
            later = t if query is None else query
            for k, o in enumerate(rows.tolist()):
                scored[(o, later)] = {"cosine": float(m.cosines[k]),
                                      "head_cosine": float(m.head_cosines[k]),
                                      "people": float(m.people[k])}
                if query is not None:
                    source[(o, later)] = {"refresh"}
                else:
                    source[(o, t)] = ({name for name, found in now["sources"].items()
                                       if o in found} or {"warm-up"}) | (
                        {"fact"} if o in now["facts"] else set())
        shared[t] = now["shared"]
        if t + 1 in index._resettle_sizes:  # scored again by the batch's code
            last = t + 1
            c = index._corpus
            again, _ = score_candidates(c, c.records, scored_keys(c), config, lambda *a: None)
            for k in range(len(again)):
                pair = (int(again.left[k]), int(again.right[k]))
                scored[pair] = {name: float(getattr(again, name)[k]) for name in FIELDS[:3]}
                source[pair] = {"resettle"}
    state = index.state()
    index_ids = [r.record.id for r in state.rows]
    row_of = {d: i for i, d in enumerate(ids)}
    index_row = {d: i for i, d in enumerate(index_ids)}

    def pair(a: int, b: int) -> tuple[int, int]:  # index rows -> batch rows, ordered
        x, y = row_of[index_ids[a]], row_of[index_ids[b]]
        return min(x, y), max(x, y)

    edges = {pair(o, r): e for r, o, e in state.edges}
    scored = {pair(*p): v for p, v in scored.items() if pair(*p) in edges}
    source = {pair(*p): v for p, v in source.items()}
    # The index's pairs with the final statistics (the batch's code).
    left = np.array([p[0] for p in edges], dtype=np.int64)
    right = np.array([p[1] for p in edges], dtype=np.int64)
    signatures, shingles = corpus.finish()
    body, heads = tfidf(corpus.terms.matrix(), corpus.heads.matrix())
    jaccard, cosine, head = pair_measures(signatures, shingles, body, heads, left, right)
    final, _ = score_pairs(keys, left, right, jaccard, cosine, head, config)
    final_of = {p: _columns(final, k) for k, p in enumerate(edges)}
    mismatched = sum(abs(_score({**final_of[p], **scored[p]}) - e.score) > 1e-4
                     for p, e in edges.items() if "warm-up" not in source[p])
    print(f"{path.name}: index scores rebuilt from the captured features, mismatches: "
          f"{mismatched} of {len(edges)}; last automatic settle at {last}")
    rows: list[tuple[str, int, tuple[int, int], float]] = []

    def report(name: str, chosen: dict[tuple[int, int], tuple[float, bool]], count: int) -> None:
        held = _settled(ids, [(ids[a], ids[b]) for a, b in chosen],
                        [s for s, _ in chosen.values()], [c for _, c in chosen.values()],
                        keys, config)
        rows.append((name, count, _apart(held, batch),
                     adjusted_rand_index(batch, {k: held[k] for k in batch})))

    base = {p: (e.score, e.copy > 0) for p, e in edges.items()}
    report("none: the index's pairs as it scored them", base, 0)

    def rescored(fields: tuple[str, ...]) -> dict[tuple[int, int], tuple[float, bool]]:
        out = {}
        for p, e in edges.items():
            f = {**final_of[p], **scored[p], **{k: final_of[p][k] for k in fields}}
            out[p] = (_score(f), e.copy > 0)
        return out

    def changed(fields: tuple[str, ...]) -> int:
        return sum(any(abs(final_of[p][k] - scored[p][k]) > 1e-5 for k in fields) for p in edges)

    for name, fields in (("IDF of the day (cosine, head cosine) -> final", ("cosine", "head_cosine")),
                         ("name weights, common words of the day -> final", ("people",)),
                         ("both", ("cosine", "head_cosine", "people"))):
        report(f"statistics: {name}", rescored(fields), changed(fields))
    report("copy flag -> the batch's (pairs of both)",
           {p: (e.score, batch_pairs[p][1] if p in batch_pairs else e.copy > 0)
            for p, e in edges.items()},
           sum((e.copy > 0) != batch_pairs[p][1] for p, e in edges.items() if p in batch_pairs))
    # Candidates the index has and the batch has not, by how the index found them.
    rules = CandidateRules.of(config)

    def index_only(p: tuple[int, int]) -> str:
        how = source[p]
        if "resettle" in how:
            return f"pairs chosen at the settle at {last} (its statistics)"
        if "refresh" in how:
            return "pairs chosen by the refresh of an older article (statistics of then)"
        if "warm-up" in how:
            return "warm-up (every article a candidate)"
        if how & {"same text", "minhash-lsh"}:
            return "copy sources"
        if "fact" in how:
            return "a key fact rare so far (CandidateRules.rare_fact), not finally"
        return "2+ shared blocking terms of the day, not finally"

    held_facts = Counter(f for key in keys for f in set(key_facts(key)))

    def batch_only(p: tuple[int, int]) -> str:
        o, t = sorted((index_row[ids[p[0]]], index_row[ids[p[1]]]))
        if t < last:
            return f"among the first {last}, not chosen at the settle at {last} (its statistics)"
        if any(rules.rare_fact(held_facts[f])
               for f in set(key_facts(keys[p[0]])) & set(key_facts(keys[p[1]]))):
            return "a key fact rare finally, not proposed at add time"
        if shared[t].get(o, 0) < 2:
            return "fewer than 2 shared blocking terms of the day"
        return "2+ shared terms of the day, but a block over the cap or the partner cap"

    only_index = [p for p in edges if p not in batch_pairs]
    only_batch = [p for p in batch_pairs if p not in edges]
    for reason, count in sorted(Counter(map(index_only, only_index)).items()):
        report(f"index-only pairs dropped: {reason}",
               {p: v for p, v in base.items() if p in batch_pairs or index_only(p) != reason},
               count)
    for reason, count in sorted(Counter(map(batch_only, only_batch)).items()):
        report(f"batch-only pairs added: {reason}",
               {**base, **{p: batch_pairs[p] for p in only_batch if batch_only(p) == reason}},
               count)
    report("candidates: all (the batch's pairs, index scores on pairs of both)",
           {**{p: v for p, v in base.items() if p in batch_pairs},
            **{p: batch_pairs[p] for p in only_batch}}, len(only_index) + len(only_batch))
    report("everything (the batch's pairs and scores)", batch_pairs, len(batch_pairs))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_causes",
                                     description="Why the crawler index's held stories and "
                                                 "the batch's differ, cause by cause.")
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT,
                        help=f"a labeled JSONL file (default {DEFAULT})")
    rows = causes(parser.parse_args(argv).file)
    print(f"{'correction (alone)':<80}{'pairs':>7}  {'apart (index, batch)':>20}{'ARI':>8}")
    for name, count, apart, ari in rows:
        print(f"{name:<80}{count:>7}  {str(apart):>20}{ari:>8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
