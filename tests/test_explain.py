"""`dedup explain` and dedup.explain.explain_pair: the verdict agrees with the clustering, and
every number is the pipeline's own."""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
from pathlib import Path

import pytest
from rich.console import Console

from dedup import Document, InputError, cluster_documents
from dedup.cli import main
from dedup.explain import explain_pair, resolve_id
from dedup.loaders import load
from dedup.report import render_explanation

DATA = Path(__file__).parent.parent / "data"
ID_001 = "001_3c3691ab191d1581.txt"
ID_003 = "003_4d085d6045524fb2.txt"


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    """The seeds, an exact copy of 000, an edited copy of 002 and a copy of 004 published
    two months after it."""
    seeds, _ = load(str(DATA))
    by = {d.id[:3]: d for d in seeds}
    paragraphs = by["002"].text.split("\n\n")
    return [
        *seeds,
        dataclasses.replace(by["000"], id="mirror-000"),
        Document(id="edited-002", text="\n\n".join(paragraphs[:-2]).replace("India", "Bharat", 2),
                 title=by["002"].title),
        dataclasses.replace(by["004"], id="late-004", published="2024-09-30"),
    ]


@pytest.fixture(scope="module")
def dated(docs: list[Document]) -> list[Document]:
    # 004 published 62 days before its copy: outside the 30-day window.
    return [dataclasses.replace(d, published="2024-07-30") if d.id.startswith("004") else d
            for d in docs]


def test_the_goa_pair(docs: list[Document]) -> None:
    e = explain_pair(docs, "001", "003")
    assert (e.a["id"], e.b["id"]) == (ID_001, ID_003)
    assert e.verdict["relation"] == "same story"
    assert e.candidates["sources"] == {"same text": False, "minhash-lsh": False, "blocking": True}
    assert e.candidates["compared"] and e.candidates["window"]["inside"]
    assert not e.copy["copies"] and e.copy["jaccard"] < e.copy["threshold"]
    (link,) = e.clustering["path"]
    result = cluster_documents(docs)
    (same,) = [k for k in result.links if {k.a, k.b} == {ID_001, ID_003}]
    assert link == same.to_dict()
    assert e.event["scores"] == same.scores
    assert e.event["score"] >= e.event["threshold"]
    assert sum(e.event["parts"].values()) == pytest.approx(e.event["score"], abs=0.003)
    assert e.a["event"]["venue"] == "Goa" and e.b["event"]["venue"] == "Benaulim"
    assert e.event["evidence"]["place"] == {"relation": "match", "value": "Goa ⊃ Benaulim"}


def test_copies(docs: list[Document]) -> None:
    e = explain_pair(docs, "000", "mirror-000")
    assert e.verdict["relation"] == "copies"
    assert e.copy["same_text"] and e.candidates["sources"]["same text"]
    assert [link["kind"] for link in e.clustering["path"]] == ["exact"]
    e = explain_pair(docs, "002", "edited-002")
    assert e.verdict["relation"] == "copies"
    assert not e.copy["same_text"] and e.copy["copies"]
    assert e.candidates["sources"]["minhash-lsh"]
    assert e.copy["jaccard"] >= e.copy["threshold"]


def test_never_compared(docs: list[Document], dated: list[Document]) -> None:
    e = explain_pair(docs, "001", "004")
    assert e.verdict["relation"] == "apart"
    assert not any(e.candidates["sources"].values())
    assert e.verdict["why"].startswith("never compared: no candidate source")
    # The same text published 62 days apart: proposed, but outside the date window.
    e = explain_pair(dated, "004", "late-004")
    assert e.candidates["sources"]["same text"]
    assert e.candidates["window"] == {"days": 30, "a": "2024-07-30", "b": "2024-09-30",
                                      "apart": 62, "inside": False}
    assert not e.candidates["compared"]
    assert e.verdict == {"relation": "apart", "why": "never compared: published 62 days apart, "
                                                     "more than the 30-day window"}


def test_every_pair_agrees_with_the_clustering(docs: list[Document]) -> None:
    result = cluster_documents(docs)
    story = {m: c.id for c in result.clusters for m in c.members}
    group = {m: g[0] for c in result.clusters for g in c.groups for m in g}
    ids = sorted(story)
    for a, b in itertools.combinations(ids[:6], 2):
        e = explain_pair(docs, a, b)
        expected = ("copies" if group[a] == group[b] else
                    "same story" if story[a] == story[b] else "apart")
        assert e.verdict["relation"] == expected, (a, b)
        assert (e.a["cluster"], e.b["cluster"]) == (story[a], story[b])
        if expected == "apart" and e.candidates["compared"]:
            assert e.clustering["held_apart_by"] in ("average", "pair")


def test_ids_by_their_start(docs: list[Document]) -> None:
    ids = [d.id for d in docs]
    assert resolve_id(ids, "003") == ID_003
    assert resolve_id(ids, ID_003) == ID_003
    with pytest.raises(InputError, match="'00' starts 5 document ids"):
        resolve_id(ids, "00")
    with pytest.raises(InputError, match="No document has the id 'mirror-00x'. Did you mean "
                                         "mirror-000"):
        resolve_id(ids, "mirror-00x")
    with pytest.raises(InputError, match="same document"):
        explain_pair(docs, "003", ID_003)


@pytest.mark.parametrize("width", [40, 80, 160])
def test_the_explanation_for_people(docs: list[Document], width: int) -> None:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    render_explanation(explain_pair(docs, "001", "003"), console)
    text = console.export_text()
    assert all(len(line.rstrip()) <= width for line in text.splitlines())
    for words in ("verdict", "same story", "candidates", "blocking", "date window", "copy rule",
                  "same-event score", "clustering", "Apr 29–May 5", "Benaulim"):
        assert words in text, (words, text)


def test_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["explain", str(DATA), "001", "003"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].startswith("verdict same story · joined directly: same event")
    assert main(["explain", str(DATA), "001", "003", "--format", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and json.loads(out)["verdict"]["relation"] == "same story"
    assert main(["explain", str(DATA), "001", "nope"]) == 2
    assert "dedup: error: No document has the id 'nope'." in capsys.readouterr().err


def test_a_pair_the_cap_on_partners_kept_apart(without_fact_pairs: None) -> None:
    # With one blocking partner a document, the seeds' later reports of the two ministers
    # keep only their strongest earlier partner: the others were proposed by blocking but
    # never compared, and the explanation says the cap is why. Without the cap, they are.
    from dedup import Config

    seeds, _ = load(str(DATA))
    ids = sorted(d.id[:3] for d in seeds)
    capped = []
    for a, b in itertools.combinations(ids, 2):
        e = explain_pair(seeds, a, b, Config(max_partners=1))
        if e.candidates["capped"]:
            capped.append((a, b))
            assert e.candidates["sources"]["blocking"] and e.candidates["window"]["inside"]
            assert not e.candidates["compared"]
            assert e.verdict["relation"] == "apart"
            assert e.verdict["why"].startswith("never compared: two shared salient terms")
            uncapped = explain_pair(seeds, a, b)
            assert uncapped.candidates["compared"] and not uncapped.candidates["capped"]
        else:
            assert e.candidates["compared"] == (
                any(e.candidates["sources"].values()) and e.candidates["window"]["inside"])
    assert capped, "a cap of one binds on the seeds"
