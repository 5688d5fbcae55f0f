"""Fault isolation: a bug met while reading or analysing one input costs that input alone;
a bug outside any one input exits 3 with one line (the traceback with --debug)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import boom_on

from dedup import Document, cluster_documents, corpus, loaders, pipeline
from dedup.cli import main

DATA = Path(__file__).parent.parent / "data"


def test_a_failing_analysis_skips_that_document_and_clusters_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(corpus, "analyse_batch", boom_on("POISON", corpus.analyse_batch))
    text = "India and Russia held talks in Goa on Thursday about trade and energy. " * 5
    docs = [Document("a", text), Document("b", text), Document("c", "POISON " + text)]
    result = cluster_documents(docs)
    assert result.documents == 2
    assert [c.members for c in result.clusters] == [["a", "b"]]
    [skip] = result.skipped
    assert (skip.path, skip.id) == ("c", "c")
    assert skip.reason == "internal error: RuntimeError: boom in POISON"


def test_cli_exits_1_and_lists_the_document_whose_analysis_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for seed in DATA.glob("*.txt"):
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "poison.txt").write_text("Title line\n\nPOISON in the body of this text.\n")
    monkeypatch.setattr(corpus, "analyse_batch", boom_on("POISON", corpus.analyse_batch))
    assert main(["cluster", str(tmp_path), "--format", "json", "-q"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["documents"] == 5
    assert out["skipped"] == [{"id": "poison.txt", "path": "poison.txt",
                               "reason": "internal error: RuntimeError: boom in POISON"}]


def test_a_loader_bug_skips_that_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Headline here\n\nSome article text about Goa.\n")
    (tmp_path / "b.txt").write_text("Another headline\n\nMore article text about Delhi.\n")
    real = loaders.text._text_document

    def broken(data, doc_id, shown, **kwargs):
        if doc_id == "a.txt":
            raise KeyError("surprise")
        return real(data, doc_id, shown, **kwargs)

    monkeypatch.setattr(loaders.text, "_text_document", broken)
    docs, skipped = loaders.load(tmp_path)
    assert [d.id for d in docs] == ["b.txt"]
    assert [(s.path.endswith("a.txt"), s.reason) for s in skipped] == [
        (True, "internal error: KeyError: 'surprise'")
    ]


def test_a_bug_outside_any_input_exits_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args, **kwargs):
        raise ValueError("scoring fell over")

    monkeypatch.setattr(pipeline, "score_lean", broken)
    assert main(["cluster", str(DATA), "-q"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip() == (
        "dedup: internal error: ValueError: scoring fell over (rerun with --debug for the traceback)"
    )
    assert main(["cluster", str(DATA), "-q", "--debug"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "scoring fell over" in err
    assert main(["--debug", "cluster", str(DATA), "-q"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_what_a_caller_can_get_wrong_raises_the_librarys_own_errors() -> None:
    from dedup import Config, ConfigError, InputError

    for documents in ([{"id": "a", "text": "b"}], "abc", 5, [Document("a", "x"), "b"]):
        with pytest.raises(InputError):
            cluster_documents(documents)
    with pytest.raises(ConfigError, match="'config' parameter must be a Config"):
        cluster_documents([Document("a", "text")], config=3)
    with pytest.raises(TypeError):  # keyword-only, as documented
        Config(3)


def test_a_duplicate_id_in_the_library_call_is_skipped_with_its_reason() -> None:
    result = cluster_documents([Document("a", "Talks in Goa."), Document("a", "Other text.")])
    assert result.documents == 1
    assert [(s.id, s.reason) for s in result.skipped] == [("a", "duplicate id 'a'")]
