"""`dedup index add|check|stats`, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.cli import main

DATA = Path(__file__).resolve().parent.parent / "data"


def _jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_add_then_add_again_then_check_and_stats(tmp_path, capsys):
    index = tmp_path / "crawl.dedup"
    assert main(["index", "add", str(DATA), "--index", str(index), "--format", "jsonl"]) == 0
    verdicts = {v["id"][:3]: v for v in _jsonl(capsys.readouterr().out)}
    assert index.exists()
    assert verdicts["003"]["status"] == "same-event"
    assert verdicts["003"]["story"] == verdicts["001"]["id"]
    assert {verdicts[k]["status"] for k in ("000", "001", "002", "004")} == {"new"}

    # A cron run over the same folder: every article is indexed already, and says so with the
    # verdict it got then.
    assert main(["index", "add", str(DATA), "--index", str(index), "--format", "jsonl"]) == 0
    again = {v["id"][:3]: v for v in _jsonl(capsys.readouterr().out)}
    assert all(v["recrawl"] for v in again.values())
    assert {k: v["status"] for k, v in again.items()} == {k: v["status"] for k, v in verdicts.items()}
    assert again["003"]["story"] == verdicts["003"]["story"]

    copy = tmp_path / "mirror"
    copy.mkdir()
    (copy / "copy.txt").write_text(next(DATA.glob("000_*.txt")).read_text(encoding="utf-8"))
    assert main(["index", "check", str(copy), "--index", str(index), "--format", "jsonl"]) == 0
    (verdict,) = _jsonl(capsys.readouterr().out)
    assert verdict["status"] == "exact"
    assert verdict["original"].startswith("000_")

    assert main(["index", "stats", "--index", str(index), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "documents": 5, "stories": 4, "groups": 5, "expired": 0,
    }


def test_table_output_names_the_story(tmp_path, capsys):
    assert main(["index", "add", str(DATA), "--index", str(tmp_path / "i.dedup")]) == 0
    out = capsys.readouterr().out
    assert "same-event" in out and "Benaulim" in out


@pytest.mark.parametrize("action", [["check", str(DATA)], ["stats"]])
def test_a_missing_index_is_a_clear_error(tmp_path, capsys, action):
    missing = tmp_path / "missing.dedup"
    assert main(["index", *action, "--index", str(missing)]) == 2
    assert "missing.dedup" in capsys.readouterr().err


def test_a_file_that_is_not_an_index_is_refused(tmp_path, capsys):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert main(["index", "stats", "--index", str(other)]) == 2
    assert "not a dedup index" in capsys.readouterr().err
    assert other.read_text() == "hello"


def test_nothing_readable_writes_no_index(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    index = tmp_path / "i.dedup"
    assert main(["index", "add", str(empty), "--index", str(index)]) == 2
    assert not index.exists()
    assert main(["index", "add", str(DATA), "--index", str(tmp_path / "no" / "i.dedup")]) == 2
    assert "cannot save the index" in capsys.readouterr().err
