"""The records a corpus keeps share their equal parts (dedup.records.RecordPool) and stay
equal to the records the text pass made, in every field."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import fields

import numpy as np

from dedup.analysis import Prepared, prepare
from dedup.config import Config
from dedup.corpus import Corpus, Rows
from dedup.documents import Document
from dedup.events import EventDate, EventKey
from dedup.records import RecordPool

STORY = ("Firefighters in Springfield, Illinois rescued a 9-year-old girl on Tuesday after a "
         "fire at a house on Elm Street. Fire chief John Miller said the girl survived. "
         "Mayor Anna Lopez thanked the crews of the Springfield Fire Department.")


def all_fields(p: Prepared) -> tuple[object, ...]:
    """Every field of a record, the parts ``==`` leaves out included."""
    key = p.key
    date = key.date
    return (tuple(getattr(p, f.name) for f in fields(Prepared) if f.name != "key"),
            tuple(getattr(key, f.name) for f in fields(EventKey)),
            list(key.names.items()), list(key.place_parents.items()),
            date and (date.confident, date.follow_up))


def documents() -> list[Document]:
    return [Document(id=f"d{k}", text=STORY if k % 2 else STORY.replace("Tuesday", "Monday"),
                     title="Girl rescued from house fire", published="2024-05-09",
                     source="example.com")
            for k in range(6)]


def test_pooled_records_equal_the_records_in_every_field() -> None:
    pool = RecordPool()
    for doc in documents():
        made = prepare(doc)
        copy = pickle.loads(pickle.dumps(made))  # as a worker process sends it
        kept = pool.record(copy)
        assert kept == made
        assert all_fields(kept) == all_fields(made)


def test_equal_parts_are_one_object() -> None:
    pool = RecordPool()
    kept = [pool.record(pickle.loads(pickle.dumps(prepare(doc)))) for doc in documents()]
    first, second, third = kept[0], kept[1], kept[2]
    assert first.key.date is third.key.date  # the same story, the same date
    assert first.key.date != second.key.date  # another weekday, another date
    assert first.key.people is second.key.people and first.source is second.source
    assert first.key.ages is second.key.ages and first.published is second.published
    assert kept[0].key.people  # the story names people: the test compares something


def test_dates_differing_only_in_fields_left_out_of_equality_stay_apart() -> None:
    pool = RecordPool()
    day = dt.date(2024, 5, 7)
    sure, unsure = (EventDate(day, day, True, "weekday", confident=c) for c in (True, False))
    assert sure == unsure  # == leaves ``confident`` out
    base = prepare(documents()[0]).key
    keys = [pool.key(base.__class__(**{**{f.name: getattr(base, f.name) for f in fields(EventKey)},
                                       "date": d})) for d in (sure, unsure)]
    assert keys[0].date is not keys[1].date
    assert [k.date.confident for k in keys] == [True, False]


def test_names_in_another_order_stay_apart() -> None:
    pool = RecordPool()
    base = prepare(documents()[0]).key
    assert len(base.names) >= 2
    reordered = dict(reversed(list(base.names.items())))
    a = pool.key(base)
    b = pool.key(base.__class__(**{**{f.name: getattr(base, f.name) for f in fields(EventKey)},
                                   "names": reordered}))
    assert list(a.names) == list(base.names) and list(b.names) == list(reordered)


def test_corpus_keeps_pooled_records() -> None:
    corpus = Corpus(Config())
    docs = documents()
    corpus.add_batch(docs)
    assert [p.id for p in corpus.records] == [d.id for d in docs]
    assert corpus.records[0].key.people is corpus.records[2].key.people
    assert all(all_fields(kept) == all_fields(prepare(doc))
               for kept, doc in zip(corpus.records, docs))


def test_lean_pairs_give_the_clustering_of_all_columns() -> None:
    """The batch run keeps every column only for the pairs that can become links
    (dedup.pairs.ScoredPairs); the clustering is the one of the full table."""
    from benchmarks.corpus import make_corpus
    from dedup.cluster import cluster_scored
    from dedup.pairs import score_candidates, score_lean
    from dedup.pipeline import build_corpus, scored_keys

    config = Config()
    corpus, _ = build_corpus(make_corpus(300, seed=3), config, lambda *a: None)
    keys = scored_keys(corpus)
    silent = lambda *a: None  # noqa: E731
    table, weight = score_candidates(corpus, corpus.records, keys, config, silent)
    lean, lean_weight = score_lean(corpus, corpus.records, keys, config, silent)
    assert lean_weight == weight
    assert np.array_equal(lean.left, table.left) and np.array_equal(lean.score, table.score)
    linkable = lean.copy | (table.score >= config.cluster_threshold)
    assert 0 < len(lean.detail) == int(linkable.sum()) < len(table)  # some pairs left out
    full = cluster_scored(corpus, keys, table, weight).to_dict()
    assert cluster_scored(corpus, keys, lean, weight).to_dict() == full
    assert any(link["kind"] == "same-event" for link in full["links"])
    assert any(link["kind"] != "same-event" for link in full["links"])


def test_records_pickle_as_the_dataclasses_would_and_back_whole() -> None:
    # dedup.pickling.plain_state: a record crosses a process (a worker's, Spark's) equal in
    # every field, and its state is the dataclass's own (field values in field order), so a
    # pickle made by the dataclass's default state loads, and the other way round.
    for p in (prepare(d) for d in documents()):
        back = pickle.loads(pickle.dumps(p, protocol=5))
        assert back == p and all_fields(back) == all_fields(p)
        for obj in (p, p.key, p.key.date, p.text):
            assert obj is not None
            default_state = [getattr(obj, f.name) for f in fields(obj)]
            assert list(obj.__getstate__()) == default_state
            made = object.__new__(type(obj))
            made.__setstate__(default_state)
            assert made == obj


def test_rows_appended_one_at_a_time_and_in_blocks_hold_them_in_order() -> None:
    """corpus.Rows: the batch's fingerprints (blocks) and the crawler index's columns (one row
    at a time) in one growable array; a view of ``values`` writes through, and the rows stay
    when the array has to be copied because a view is held while it grows."""


    rows, single = Rows(np.uint32, 3), Rows(np.bool_)
    expected = []
    held = rows.values  # a view held: growing copies instead of resizing in place
    for k in range(3000):
        if k % 7 == 0:
            block = np.arange(3 * k, 3 * k + 6, dtype=np.uint32).reshape(2, 3)
            rows.extend(block)
            expected.extend(block.tolist())
        else:
            rows.append([k, k + 1, k + 2])
            expected.append([k, k + 1, k + 2])
        single.append(k % 3 == 0)
    assert held.shape == (0, 3)
    assert rows.values.tolist() == expected and len(rows) == len(expected)
    alive = single.values
    alive[:10] = False
    assert not single.values[:10].any() and single.values[12] and len(single) == 3000


def test_frozen_map_reads_as_the_dict_it_is_made_from() -> None:
    import sys

    from dedup.records import FrozenMap

    given = {"john miller": "John Miller", "springfield": "Springfield", "elm": "Elm"}
    kept = FrozenMap(given)
    assert kept == given and given == kept and kept != {"elm": "Elm"}
    assert list(kept) == list(given) and list(kept.items()) == list(given.items())
    assert list(kept.keys()) == list(given) and list(kept.values()) == list(given.values())
    assert len(kept) == 3 and "elm" in kept and "Elm" not in kept  # keys, not values
    assert kept["elm"] == "Elm" and kept.get("elm") == "Elm" and kept.get("Elm", 7) == 7
    assert kept.get("nobody") is None and dict(kept) == given
    try:
        kept["Elm"]
        raise AssertionError("a value is not a key")
    except KeyError:
        pass
    back = pickle.loads(pickle.dumps(kept))
    assert isinstance(back, FrozenMap) and list(back.items()) == list(given.items())
    assert FrozenMap() == {} and not FrozenMap({}) and list(FrozenMap().items()) == []
    names = {f"name {k}": f"Name {k}" for k in range(12)}  # a key's dozen names
    compact = FrozenMap(names)
    assert sys.getsizeof(compact) + sys.getsizeof(compact._items) < sys.getsizeof(names) * 0.6


def test_pooled_keys_hold_frozen_maps_with_the_items_in_order() -> None:
    from dedup.records import FrozenMap

    pool = RecordPool()
    for doc in documents():
        made = prepare(doc)
        kept = pool.record(pickle.loads(pickle.dumps(made)))
        assert isinstance(kept.key.names, FrozenMap) and kept.key.names
        assert isinstance(kept.key.place_parents, FrozenMap)
        assert list(kept.key.names.items()) == list(made.key.names.items())
        assert list(kept.key.place_parents.items()) == list(made.key.place_parents.items())
        assert kept.key.to_dict() == made.key.to_dict()
        again = pickle.loads(pickle.dumps(kept))  # a pooled record crosses a process whole
        assert again == kept and all_fields(again) == all_fields(made)


def test_scored_keys_let_go_of_the_pool_in_the_batch_run() -> None:
    """The batch run (release=True) keeps no more records once their keys are scored: the
    pool's tables, which also held the people sets of the keys replaced, are let go; the keys
    are the ones scored without release, and a record added later is pooled anew."""
    from dedup.pipeline import scored_keys

    docs = documents()
    kept, released = Corpus(Config()), Corpus(Config())
    kept.add_batch(docs)
    released.add_batch(docs)
    assert released.pool._values
    expected = scored_keys(kept)
    keys = scored_keys(released, release=True)
    assert keys == expected
    assert [p.key for p in released.records] == keys
    assert not released.pool._values and not released.pool._dates
    released.add_batch([Document(id="later", text=STORY)])
    assert released.records[-1].key.people is not None and released.pool._values
