"""The rare-key-fact candidate source (issue 12): two reports that share a rare surname or
block address are compared, whatever their salient terms, in the batch run and the index."""

from __future__ import annotations

import datetime as dt

import numpy as np

from dedup import Config, Document, cluster_documents
from dedup.candidates import (
    CandidateRules,
    QueryCandidates,
    fact_pairs,
    key_facts,
    publication_days,
)
from dedup.events import EventDate, EventKey
from dedup.index import DedupIndex


def _key(people: set[str], day: str | None = None,
         block: tuple[int, frozenset[str]] | None = None) -> EventKey:
    published = dt.date.fromisoformat(day) if day else None
    date = EventDate(published, published, True, "metadata") if published else None
    return EventKey(date=date, published=published, people=frozenset(people),
                    orgs=frozenset(), places=frozenset(), venue=None, block=block)


def test_key_facts_are_the_surnames_and_the_block_address_words() -> None:
    key = _key({"roupe", "lang"}, block=(700, frozenset({"68th", "street"})))
    assert key_facts(key) == [("name", "lang"), ("name", "roupe"), ("block", 700, "68th"),
                              ("block", 700, "street")]
    assert key_facts(_key(set())) == []


def test_fact_pairs_pair_rare_facts_inside_the_window_only() -> None:
    rules = CandidateRules.of(Config())
    keys = [
        _key({"roupe"}, "2014-02-15"),
        _key({"roupe", "smith"}, "2014-02-18"),
        _key({"roupe"}, "2014-06-01"),  # months later: outside the window
        *[_key({"smith"}, "2014-02-16") for _ in range(rules.max_fact_holders)],  # too common
    ]
    pairs = fact_pairs(keys, publication_days(keys), rules)
    assert pairs.tolist() == [[0, 1]]


def test_the_index_proposes_the_rows_of_a_rare_fact_it_holds() -> None:
    rules = CandidateRules.of(Config())
    found = QueryCandidates(rules)
    signature = np.zeros(rules.num_perm, dtype=np.uint32)
    days = np.array([100, 100, 400], dtype=np.int64)
    for row in range(3):
        found.add(row, f"text {row}", signature + row + 1, np.zeros(0, dtype=np.int64),
                  [("name", "roupe")] if row != 1 else [("name", "lang")])
    got = found.query("new", signature + 9, np.zeros(0, dtype=np.int64), 101, days,
                      [("name", "roupe")])
    assert got["blocking"].tolist() == [0]  # row 2 lies outside the window
    found.remove([0], ["text 0"], (signature + 1)[None, :])
    assert found.query("new", signature + 9, np.zeros(0, dtype=np.int64), 101, days,
                       [("name", "roupe")])["blocking"].tolist() == []


def test_an_indexed_row_counts_once_among_a_facts_holders() -> None:
    """The refresh of an indexed row (query with ``row=``): the row gave its facts when it was
    added, so a fact's holders are counted as the batch counts them, the row once."""
    rules = CandidateRules.of(Config(max_fact_holders=2))
    found = QueryCandidates(rules)
    signature = np.zeros(rules.num_perm, dtype=np.uint32)
    empty = np.zeros(0, dtype=np.int64)
    for row in range(2):
        found.add(row, f"text {row}", signature + row + 1, empty, [("name", "roupe")])
    days = np.array([100, 100], dtype=np.int64)
    got = found.query("text 1", signature + 2, empty, 100, days, [("name", "roupe")], row=1)
    assert 0 in got["blocking"].tolist()  # two holders: rare (at most 2)
    # a new document with that fact would be a third holder: no longer rare
    assert found.query("new", signature + 9, empty, 100, days,
                       [("name", "roupe")])["blocking"].tolist() == []
    # a fact the row did not give when added (its key changed since) counts it once more
    found.add(2, "text 2", signature + 3, empty, [("name", "lang")])
    days = np.array([100, 100, 100], dtype=np.int64)
    assert found.query("text 1", signature + 2, empty, 100, days, [("name", "lang")],
                       row=1)["blocking"].tolist() == [2]


def _reports() -> list[Document]:
    # Two reports of one shooting that share no distinctive term but the victim's surname,
    # among unrelated stories (the index warms up on them first).
    filler = [Document(id=f"f{k}", published=f"2016-03-{1 + k:02d}", title=f"Council vote {k}",
                       text=f"The city council voted on budget item number {k} after a long "
                       f"debate about parks, libraries and roads in ward {k}.")
              for k in range(25)]
    first = Document(id="a", published="2016-04-01", title="Man wounded on Elm Street",
                     text="Police say Jerome Whitcombe was wounded late Friday in a shooting "
                     "outside a convenience store. Officers found shell casings nearby.")
    second = Document(id="b", published="2016-04-03", title="Family asks for answers",
                      text="Relatives of Mr. Whitcombe gathered Sunday to plead for "
                      "witnesses to come forward, holding candles and photographs.")
    return [*filler, first, second]


def test_batch_and_index_both_compare_two_reports_that_share_a_rare_name() -> None:
    docs = _reports()
    batch = cluster_documents(docs, Config())
    index = DedupIndex()
    index.add_many(docs)
    assert index.result().to_dict() == batch.to_dict()
    from dedup.explain import explain_pair

    e = explain_pair(docs, "a", "b", Config())
    assert e.candidates["sources"]["blocking"]


def test_without_the_fact_source_the_two_reports_are_not_compared() -> None:
    from dedup.explain import explain_pair

    for off in (0, 1):  # a fact is rare when 2 to max_fact_holders documents give it
        e = explain_pair(_reports(), "a", "b", Config(max_fact_holders=off))
        assert not any(e.candidates["sources"].values())
    assert CandidateRules.of(Config(max_fact_holders=3)).max_fact_holders == 3


def test_explain_names_the_rare_fact_that_proposed_a_pair() -> None:
    """A pair proposed by a shared rare surname (one salient term in common, fewer than
    blocking's two) is explained by that fact, in the JSON and in the text."""
    from rich.console import Console

    from dedup.explain import explain_pair
    from dedup.report import render_explanation

    e = explain_pair(_reports(), "a", "b")
    assert e.candidates["sources"]["blocking"]
    assert e.candidates["shared_facts"] == [{"fact": "Whitcombe", "documents": 2, "rare": True}]
    console = Console(width=200, record=True)
    render_explanation(e, console)
    assert "1 rare key fact, which blocking pairs on: Whitcombe (2 articles)" in console.export_text()
