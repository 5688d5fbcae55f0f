"""``python -m benchmarks.errors [FILES...]``: where dedup's story clusters go wrong, by cause.

For each labeled file (default: every file of ``../shared/data/``) the candidate pairs are
scored and clustered as ``dedup cluster`` does, and two kinds of error are counted:

* **false merges**: each merge of two stories (the best pair across it, the link that
  explains it) whose pair is in two gold clusters, classified by what the pair's event keys
  say (dates, venue, people) and how high its text similarity is;
* **missed pairs**: gold pairs published within 30 days of each other that end in two
  stories, classified by why: never a candidate, held apart by a confident conflict, a score
  below the pair threshold (with the part that kept it low), or an average between the two
  stories below the cluster threshold.

``--samples N`` prints N examples of each cause (titles and leads) to read by eye.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.labeled import WINDOW_DAYS, _day, read_records
from benchmarks.sets import labeled_files, to_documents
from dedup import Config
from dedup.cluster import settle
from dedup.copies import copy_rule
from dedup.events import SURE_CONFLICT_DAYS, span_conflict, sure_span
from dedup.pairs import score_candidates
from dedup.pipeline import build_corpus, scored_keys
from dedup.scoring import DATE_CODES, PLACE_CODES, score_parts


def analyse(path: Path, config: Config) -> dict[str, Any]:
    """The scored, clustered file with its gold labels (see the module doc)."""
    records = read_records(path)
    corpus, _ = build_corpus(to_documents(records), config, lambda *a: None)
    keys = scored_keys(corpus)
    table, _ = score_candidates(corpus, corpus.records, keys, config, lambda *a: None)
    # Rows in id order, as dedup.cluster.cluster_scored numbers them (ties: lower rows).
    n = len(corpus.records)
    order = sorted(range(n), key=lambda i: corpus.records[i].id)
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    table = table.renumbered(rank)
    prepared = [corpus.records[i] for i in order]
    keys = [keys[i] for i in order]
    exact = np.unique([p.exact for p in prepared], return_inverse=True)[1]
    same_text = exact[table.left] == exact[table.right]
    copy = copy_rule(same_text, table.jaccard, table.containment, table.shorter,
                     table.head_cosine, config)
    spans = [sure_span(k) for k in keys]
    copies, stories, merges = settle(n, table.left, table.right, table.score, copy,
                                config.cluster_threshold, config.same_event_threshold, spans)
    by_id = {str(r["id"]): r for r in records}
    ids = [p.id for p in prepared]
    gold = [by_id[i]["cluster"] for i in ids]
    days = [_day(by_id[i].get("published") or by_id[i].get("date")) for i in ids]
    return {"name": path.name, "records": [by_id[i] for i in ids], "keys": keys,
            "table": table, "copy": copy, "copies": copies, "stories": stories, "merges": merges,
            "gold": gold, "days": days, "spans": spans, "prepared": prepared}


def pair_cause(a: dict[str, Any], k: int, config: Config) -> str:
    """What a scored pair's event keys and similarities say, in a few words."""
    t = a["table"]
    date, place = DATE_CODES[int(t.date[k])], PLACE_CODES[int(t.place[k])]
    i, j = int(t.left[k]), int(t.right[k])
    ka, kb = a["keys"][i], a["keys"][j]
    bits = [f"date {date}", f"place {place}"]
    bits.append("people shared" if t.people[k] > 0 else "no people shared")
    if ka.date is not None and kb.date is not None and date == "conflict":
        bits.append("unsure" if not (ka.date.confident and kb.date.confident) else "sure")
    return ", ".join(bits)


def false_merges(a: dict[str, Any], config: Config) -> Counter[str]:
    """Per cause, the false pairs (two gold clusters, published within 30 days) that merges
    whose best pair is false put in one story (merges replayed in order)."""
    t = a["table"]
    index = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(t.left, t.right))}
    out: Counter[str] = Counter()
    a["false_examples"] = {}
    n = len(a["gold"])
    root = [a["copies"].find(i) for i in range(n)]
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root[i], []).append(i)
    gold, days = a["gold"], a["days"]

    def near(x: int, y: int) -> bool:
        return not (days[x] and days[y] and abs((days[x] - days[y]).days) > WINDOW_DAYS)

    a["false_pairs"] = 0
    for i, j in a["merges"]:
        ra, rb = root[i], root[j]
        false = sum(1 for x in members[ra] for y in members[rb]
                    if gold[x] != gold[y] and near(x, y))
        a["false_pairs"] += false
        for x in members[rb]:
            root[x] = ra
        members[ra].extend(members.pop(rb))
        if a["gold"][i] == a["gold"][j]:
            if false:
                out["best pair true, other members false"] += false
            continue
        k = index[(min(i, j), max(i, j))]
        cause = pair_cause(a, k, config)
        cos = "cosine>=0.3" if t.cosine[k] >= 0.3 else "cosine<0.3"
        cause = f"{cause}, {cos}"
        out[cause] += false
        a["false_examples"].setdefault(cause, []).append(k)
    return out


def missed_pairs(a: dict[str, Any], config: Config) -> Counter[str]:
    t = a["table"]
    index = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(t.left, t.right))}
    stories = a["stories"]
    gold, days = a["gold"], a["days"]
    members: dict[Any, list[int]] = {}
    for row, g in enumerate(gold):
        members.setdefault(g, []).append(row)
    out: Counter[str] = Counter()
    a["missed_examples"] = {}
    for rows in members.values():
        for x in range(len(rows)):
            for y in range(x + 1, len(rows)):
                i, j = rows[x], rows[y]
                if stories.find(i) == stories.find(j):
                    continue
                if days[i] and days[j] and abs((days[i] - days[j]).days) > WINDOW_DAYS:
                    continue
                k = index.get((min(i, j), max(i, j)))
                if k is None:
                    cause = "not a candidate"
                else:
                    why = span_conflict(a["spans"][i], a["spans"][j], SURE_CONFLICT_DAYS)
                    if why:
                        cause = f"vetoed: {why}"
                    elif t.score[k] < config.same_event_threshold:
                        parts = score_parts(t.cosine[k:k + 1], t.head_cosine[k:k + 1],
                                            t.people[k:k + 1], t.date[k:k + 1],
                                            t.place[k:k + 1], t.ages[k:k + 1],
                                            t.outcome[k:k + 1])
                        neg = [p for p in ("date", "place", "outcome") if parts[p][0] < 0]
                        cause = "score low: " + (" and ".join(f"{p} conflict" for p in neg)
                                                 if neg else pair_cause(a, k, config))
                    else:
                        cause = "score ok, kept apart by average linkage or a story's veto"
                out[cause] += 1
                a["missed_examples"].setdefault(cause, []).append((i, j, k))
    return out


def _show(a: dict[str, Any], i: int, j: int, k: int | None) -> None:
    t = a["table"]
    for row in (i, j):
        r = a["records"][row]
        key = a["keys"][row]
        print(f"    [{r['cluster']}] {r.get('date')} {(r.get('title') or '')[:90]!r}")
        print(f"       {r['text'][:260]!r}")
        print(f"       date={key.date.label() if key.date else None} "
              f"sure={key.date.confident if key.date else None} venue={key.venue} "
              f"block={key.block} people={sorted(key.people)[:8]}")
    if k is not None:
        print(f"    cos={t.cosine[k]:.2f} head={t.head_cosine[k]:.2f} people={t.people[k]:.2f} "
              f"score={t.score[k]:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.errors", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--samples", type=int, default=0)
    args = parser.parse_args(argv)
    files = labeled_files(args.files)
    if files is None:
        return 2
    config = Config()
    rng = random.Random(0)
    for path in files:
        a = analyse(path, config)
        fm, mp = false_merges(a, config), missed_pairs(a, config)
        print(f"== {a['name']}: {len(a['merges'])} merges make {a['false_pairs']} false pairs; "
              f"{sum(mp.values())} gold pairs within {WINDOW_DAYS} days missed")
        print("  false merges (best pair across the merge):")
        for cause, count in fm.most_common():
            print(f"    {count:5d}  {cause}")
            examples = a["false_examples"].get(cause, [])
            for k in rng.sample(examples, min(args.samples, len(examples))):
                _show(a, int(a["table"].left[k]), int(a["table"].right[k]), k)
        print("  missed gold pairs:")
        for cause, count in mp.most_common():
            print(f"    {count:5d}  {cause}")
            for i, j, k in rng.sample(a["missed_examples"][cause],
                                      min(args.samples, len(a["missed_examples"][cause]))):
                _show(a, i, j, k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
