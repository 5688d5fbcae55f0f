"""The candidate blocks made in a second thread (dedup.pairs.made_ahead): the same items in the
same order, errors raised in the caller, no thread left behind, the same scored pairs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest

import dedup.pairs as pairs_module
from benchmarks.corpus import make_corpus
from dedup.config import Config
from dedup.pairs import made_ahead
from dedup.pipeline import build_corpus, scored_keys


def _ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dedup-made-ahead"]


@pytest.mark.parametrize("depth", [1, 3])
def test_items_come_whole_and_in_order(depth: int) -> None:
    assert list(made_ahead(iter(range(1000)), depth)) == list(range(1000))
    assert list(made_ahead(iter([]), depth)) == []
    assert not _ahead_threads()


def test_an_error_making_an_item_is_raised_in_the_caller_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise KeyError("broken block")

    got = []
    with pytest.raises(KeyError, match="broken block"):
        for item in made_ahead(items()):
            got.append(item)
    assert got == [1, 2]
    assert not _ahead_threads()


def test_a_caller_stopping_early_stops_the_thread_and_closes_the_items() -> None:
    closed = threading.Event()

    def items() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    ahead = made_ahead(items(), 2)
    assert [next(ahead) for _ in range(5)] == [0, 1, 2, 3, 4]
    ahead.close()
    assert closed.is_set()
    assert not _ahead_threads()


def test_the_scored_pairs_are_the_ones_made_in_one_thread(monkeypatch) -> None:
    config = Config()
    corpus, _ = build_corpus(make_corpus(3000, seed=3), config, lambda *a: None)
    keys = scored_keys(corpus)
    report = lambda *a: None  # noqa: E731

    def table() -> pairs_module.PairTable:
        return pairs_module.score_candidates(corpus, corpus.records, keys, config, report)[0]

    ahead = table()
    monkeypatch.setattr(pairs_module, "made_ahead", lambda items, depth=1: items)
    alone = table()
    assert len(ahead) == len(alone) > 0
    for column in ("left", "right", "jaccard", "cosine", "head_cosine", "score"):
        assert np.array_equal(getattr(ahead, column), getattr(alone, column)), column
