"""``python -m benchmarks.engine [FILES...]``: does the crawler index agree with the batch run?

Each labeled file (default: every file in ``../shared/data/``) is given a ``source`` and a
``url`` per article where it lacks them (made up per site: every crawled page has them), then

* clustered in one batch (:func:`dedup.cluster_documents`), and
* fed to a :class:`dedup.DedupIndex` one :meth:`~dedup.DedupIndex.add` at a time in
  publication order (undated articles last, then by id), as a crawler meets them.

Reported per file: the ARI of the index's story ids against the batch clusters, both as each
verdict gave them (``at add``) and as the index holds them once every article is in
(``settled``); the ARI of each against the gold stories; and the copy verdicts whose
``original`` belongs to another gold story (a copy a crawler would drop by mistake).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.labeled import _day, read_records
from benchmarks.metrics import adjusted_rand_index
from benchmarks.sets import default_files
from dedup import DedupIndex, Document, cluster_documents

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
    start = time.perf_counter()
    batch = cluster_documents(docs)
    batch_s = time.perf_counter() - start
    batch_story = {m: c.id for c in batch.clusters for m in c.members}
    index = DedupIndex()
    at_add: dict[str, str] = {}
    wrong_copies = 0
    start = time.perf_counter()
    for doc in docs:
        verdict = index.add(doc)
        at_add[doc.id] = verdict.story
        if verdict.status in ("exact", "near-duplicate") and verdict.original is not None:
            wrong_copies += gold[verdict.original] != gold[doc.id]
    index_s = time.perf_counter() - start
    settled = index.stories()
    ids = sorted(batch_story)
    gold = {k: gold[k] for k in ids}
    return {
        "file": path.name, "docs": len(ids),
        "ari_add": adjusted_rand_index(batch_story, {k: at_add[k] for k in ids}),
        "ari_settled": adjusted_rand_index(batch_story, {k: settled[k] for k in ids}),
        "gold_batch": adjusted_rand_index(gold, batch_story),
        "gold_add": adjusted_rand_index(gold, {k: at_add[k] for k in ids}),
        "gold_settled": adjusted_rand_index(gold, {k: settled[k] for k in ids}),
        "wrong_copies": wrong_copies, "batch_s": batch_s, "index_s": index_s,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or default_files()
    if not files:
        print("no labeled files (../shared/data/ is absent)", file=sys.stderr)
        return 2
    print(f"{'file':<20}{'docs':>6}{'ARI add':>9}{'settled':>9}{'gold:batch':>11}"
          f"{'gold:add':>9}{'gold:set':>9}{'wrong copies':>13}{'batch s':>8}{'index s':>8}")
    for path in files:
        r = compare(path)
        print(f"{r['file']:<20}{r['docs']:>6}{r['ari_add']:>9.3f}{r['ari_settled']:>9.3f}"
              f"{r['gold_batch']:>11.3f}{r['gold_add']:>9.3f}{r['gold_settled']:>9.3f}"
              f"{r['wrong_copies']:>13}{r['batch_s']:>8.1f}{r['index_s']:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
