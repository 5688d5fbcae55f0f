"""The Redis-shared index: several processes, one index, nothing missed or lost."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

from dedup import Config, ConfigError, Document, cluster_documents
from dedup.loaders import load

DATA = Path(__file__).resolve().parent.parent / "data"


def _corpus() -> list[Document]:
    """The seeds, plus two copies of each under other ids (re-crawls and a mirror)."""
    docs, _ = load(DATA)
    copies = [Document(id=f"mirror/{d.id}", text=d.text, title=d.title) for d in docs]
    again = [Document(id=f"recrawl/{d.id}", text=d.text + "\nADVERTISEMENT", title=d.title)
             for d in docs]
    return docs + copies + again


def test_two_handles_share_one_index(redis_url, redis_name):
    from dedup.shared import SharedIndex

    first = SharedIndex(redis_url, name=redis_name)
    second = SharedIndex(redis_url, name=redis_name)
    doc = _corpus()[0]
    assert first.add(doc).status == "new"
    copy = second.add(Document(id="copy", text=doc.text, title=doc.title))
    assert copy.status == "exact"
    assert copy.original == doc.id
    assert len(first) == 2
    again = first.add(Document(id="copy", text=doc.text, title=doc.title))  # a re-crawl
    assert (again.status, again.original, again.recrawl) == ("exact", doc.id, True)
    assert len(second) == 2 and second._redis.llen(second._log) == 2  # nothing appended


def test_a_different_config_is_refused(redis_url, redis_name):
    from dedup.shared import SharedIndex

    SharedIndex(redis_url, name=redis_name)
    with pytest.raises(ConfigError, match="another configuration"):
        SharedIndex(redis_url, name=redis_name, config=Config(num_perm=64))
    assert SharedIndex(redis_url, name=redis_name, config=None).config == Config()


def _worker(url: str, name: str, ids: list[str], out) -> None:
    from dedup.shared import SharedIndex

    by_id = {d.id: d for d in _corpus()}
    # A loaded machine (CI, two cores) can keep a sibling's first add, which loads the
    # gazetteer, past the default 10 s lock wait: this test is about lost verdicts, not waits.
    index = SharedIndex(url, name=name, lock_wait=300.0)
    try:
        out.put([(i, index.add(by_id[i]).status) for i in ids])
    except Exception as error:  # say why, rather than leave the parent waiting
        out.put(repr(error))


def test_processes_adding_overlapping_streams_miss_no_copy(redis_url, redis_name):
    from dedup.shared import SharedIndex

    docs = _corpus()
    ids = [d.id for d in docs]
    # Three processes; each article is added by exactly one of them, copies spread across all.
    streams = [ids[k::3] for k in range(3)]
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    workers = [ctx.Process(target=_worker, args=(redis_url, redis_name, s, out)) for s in streams]
    for w in workers:
        w.start()
    results = [out.get(timeout=600) for _ in workers]
    assert all(isinstance(result, list) for result in results), results
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    verdicts = dict(pair for result in results for pair in result)
    assert sorted(verdicts) == sorted(ids)  # no verdict lost
    # Each seed and its two copies: exactly one of the three is new; the others are copies.
    for seed in (d.id for d in docs[:5]):
        trio = [seed, f"mirror/{seed}", f"recrawl/{seed}"]
        statuses = sorted(verdicts[i] for i in trio)
        assert statuses.count("new") + statuses.count("same-event") <= 1, statuses
        assert sum(s in ("exact", "near-duplicate") for s in statuses) >= 2, statuses
    shared = SharedIndex(redis_url, name=redis_name)
    result = shared.result()
    assert result.documents == len(docs)
    # The shared batch view equals the batch call over the log's order.
    order = [r.id for r in shared._local._corpus.records]
    by_id = {d.id: d for d in docs}
    assert result.to_dict() == cluster_documents([by_id[i] for i in order]).to_dict()


def test_threads_sharing_one_handle_replay_the_log_once(redis_url, redis_name):
    import threading

    from dedup.shared import SharedIndex

    writer = SharedIndex(redis_url, name=redis_name)
    docs = _corpus()
    for doc in docs:
        writer.add(doc)
    reader = SharedIndex(redis_url, name=redis_name)
    threads = [threading.Thread(target=reader.check, args=(docs[0],)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reader) == len(docs)
    assert reader.result().to_dict() == writer.result().to_dict()


def test_an_add_on_a_stale_view_rebuilds_and_judges_again(redis_url, redis_name, monkeypatch):
    """As if this process's lock had expired mid-add: another process appended after this
    one replayed the log. The append is refused, the replica rebuilt, the article re-judged."""
    from dedup.shared import SharedIndex

    first = SharedIndex(redis_url, name=redis_name)
    second = SharedIndex(redis_url, name=redis_name)
    docs = _corpus()
    first.add(docs[0])
    first._sync()
    second.add(docs[1])  # first has not seen this one
    real_sync = first._sync
    calls = []

    def stale_once() -> None:
        calls.append(1)
        if len(calls) > 1:
            real_sync()

    monkeypatch.setattr(first, "_sync", stale_once)
    copy = Document(id="copy-of-1", text=docs[1].text, title=docs[1].title)
    verdict = first.add(copy)
    assert verdict.status == "exact" and verdict.original == docs[1].id  # judged on the full log
    assert len(calls) == 2
    ids = [r.id for r in first._local._corpus.records]
    assert ids == [docs[0].id, docs[1].id, "copy-of-1"]
    assert first._redis.llen(first._log) == 3
    assert len(second) == 3


def test_an_add_waits_lock_wait_seconds_then_raises_index_busy(redis_url, redis_name):
    import time

    import redis

    from dedup import IndexBusy
    from dedup.shared import SharedIndex

    index = SharedIndex(redis_url, name=redis_name, lock_wait=0.5)
    doc = _corpus()[0]
    other = redis.Redis.from_url(redis_url).lock(f"{redis_name}:lock", timeout=30)
    assert other.acquire(blocking=False)  # another process is in the middle of an add
    started = time.monotonic()
    with pytest.raises(IndexBusy, match=rf"{redis_name}.*locked.*0\.5 s"):
        index.add(doc)
    assert 0.35 < time.monotonic() - started < 5  # redis-py tries every 0.1 s until the wait
    assert len(index) == 0 and index._redis.llen(index._log) == 0  # nothing indexed
    other.release()
    assert index.add(doc).status == "new"  # the same call, later, goes through


@pytest.mark.parametrize("wait", [0, -1.0, float("nan"), float("inf"), True, "10"])
def test_a_lock_wait_that_is_not_a_positive_number_is_refused(redis_url, redis_name, wait):
    from dedup.shared import SharedIndex

    with pytest.raises(ConfigError, match="'lock_wait' parameter must be a positive number"):
        SharedIndex(redis_url, name=redis_name, lock_wait=wait)


def test_expire_and_compaction_reach_every_process(redis_url, redis_name, tmp_path):
    from dedup.shared import SharedIndex

    first = SharedIndex(redis_url, name=redis_name)
    topics = ["the council budget vote", "a warehouse fire near the port",
              "the regional cup final", "flooding in the old town", "a new bridge"]
    docs = [Document(id=f"d{i}", text=f"Reporters covered {topic} all week. " * 8,
                     title=topic.capitalize(), published=f"2023-0{i + 1}-10")
            for i, topic in enumerate(topics)]
    for doc in docs:
        first.add(doc)
    assert first.expire("2023-03-01") == 2  # January and February
    second = SharedIndex(redis_url, name=redis_name)  # replays the expiry from the log
    assert second.stats()["expired"] == 2 and len(second) == 3
    assert first.compact() == 6  # five articles and one expiry
    assert first._redis.llen(first._log) == 0
    copy = Document(id="copy", text=docs[4].text, title=docs[4].title, published="2023-05-11")
    assert second.add(copy).status == "exact"  # appended after the snapshot
    third = SharedIndex(redis_url, name=redis_name)  # the snapshot, then the log's tail
    assert len(third) == 4 and third.stats()["expired"] == 2
    assert third.result().to_dict() == second.result().to_dict()
    assert third.add(Document(id="copy", text="changed")).recrawl
    third.save(tmp_path / "local.dedup")
    from dedup import DedupIndex

    assert len(DedupIndex.load(tmp_path / "local.dedup")) == 4
