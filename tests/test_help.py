"""Help texts and usage errors: every option explained, errors in the words of the command line
(flags, not Python fields), each subcommand's own usage, --format the same everywhere."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from dedup.cli import build_parser, main

DATA = Path(__file__).parent.parent / "data"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every parser that runs something, by its command line: 'cluster', 'index add', ..."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found[prefix.strip()] = parser
        for sub in subs:
            for name, child in sub.choices.items():
                walk(child, f"{prefix} {name}")

    walk(build_parser(), "")
    return found


def test_the_commands() -> None:
    assert sorted(commands()) == ["cluster", "explain", "index add", "index check", "index stats"]


@pytest.mark.parametrize("command", sorted(commands()))
def test_every_option_has_help(command: str) -> None:
    for action in commands()[command]._actions:
        assert action.help and action.help != argparse.SUPPRESS, (command, action.option_strings or action.dest)


@pytest.mark.parametrize("command", sorted(commands()))
def test_format_choices_agree(command: str) -> None:
    (fmt,) = [a for a in commands()[command]._actions if "--format" in a.option_strings]
    assert fmt.choices == ("table", "json", "jsonl")
    assert fmt.default == "table"


def test_index_help_says_what_each_action_does_to_the_file(capsys) -> None:
    code, out, _ = run(capsys, "index", "check", "--help")
    assert code == 0
    assert "created" not in out
    assert "never written" in out
    code, out, _ = run(capsys, "index", "add", "--help")
    assert code == 0
    assert "created when missing" in out


@pytest.mark.parametrize("args, usage", [
    (["cluster", str(DATA), "--bogus"], "usage: dedup cluster"),
    (["explain", str(DATA), "001", "003", "--bogus"], "usage: dedup explain"),
    (["index", "add", str(DATA), "--index", "x.dedup", "--bogus"], "usage: dedup index add"),
    (["index", "stats", "--index", "x.dedup", "--bogus"], "usage: dedup index stats"),
])
def test_an_unknown_flag_shows_the_subcommands_usage(capsys, args: list[str], usage: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.startswith(usage)
    assert "unrecognized arguments: --bogus" in err


@pytest.mark.parametrize("command", [["cluster", str(DATA)], ["explain", str(DATA), "001", "003"]])
@pytest.mark.parametrize("option, value, message", [
    ("--near-duplicate-threshold", "7", "--near-duplicate-threshold must be in (0, 1], got 7"),
    ("--same-event-threshold", "0", "--same-event-threshold must be in (0, 1], got 0"),
    ("--cluster-threshold", "-0.5", "--cluster-threshold must be in (0, 1], got -0.5"),
    ("--shingle-size", "0", "--shingle-size must be >= 1, got 0"),
    ("--window-days", "-1", "--window-days must be >= 0, got -1"),
    ("--max-fact-holders", "-1", "--max-fact-holders must be >= 0, got -1"),
])
def test_a_bad_value_is_named_by_its_flag(capsys, command, option, value, message) -> None:
    code, out, err = run(capsys, *command, option, value)
    assert code == 2
    assert out == ""
    assert err.startswith(f"usage: dedup {command[0]}")
    assert err.rstrip().endswith(f"dedup {command[0]}: error: {message}")
    assert "_" not in message.split(" must")[0].lstrip("-")  # the flag, not the Python field


def test_the_library_keeps_naming_its_parameters() -> None:
    from dedup import Config, ConfigError

    with pytest.raises(ConfigError, match=r"The 'near_duplicate_threshold' parameter must be in "
                                          r"\(0, 1\]\. Got 7\.0 instead\.") as caught:
        Config(near_duplicate_threshold=7)
    error = caught.value
    assert (error.parameter, error.requirement, error.value) == ("near_duplicate_threshold",
                                                                 "in (0, 1]", 7.0)


def test_top_level_help_lists_the_commands(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("cluster", "explain", "index"):
        assert re.search(rf"^\s+{command}\s+\S", out, re.M), out


# --------------------------------------------------------------------------------------------
# dedup index: formats and the verdict table


def test_index_formats(tmp_path: Path, capsys) -> None:
    index = str(tmp_path / "i.dedup")
    code, out, _ = run(capsys, "index", "add", str(DATA), "--index", index, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["schema"] == 1
    assert [v["status"] for v in document["verdicts"]].count("same-event") == 1
    code, out, _ = run(capsys, "index", "stats", "--index", index, "--format", "jsonl")
    assert code == 0
    assert out.count("\n") == 1 and json.loads(out)["documents"] == 5
    code, out, _ = run(capsys, "index", "check", str(DATA), "--index", index, "--format", "jsonl")
    assert code == 0
    checked = [json.loads(line) for line in out.splitlines()]
    # ids indexed already: check() says what add() would, the verdict they got (a re-crawl)
    assert [v["status"] for v in checked] == [v["status"] for v in document["verdicts"]]
    assert all(v["recrawl"] for v in checked)


def test_the_verdict_table_keeps_ids_whole(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted(DATA.glob("*.txt")):
        (articles / f"{path.name[:3]}{'0' * 29}.txt").write_text(path.read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "index", "add", str(articles), "--index", str(tmp_path / "i.dedup"))
    assert code == 0
    ids = [p.name for p in articles.iterdir()]
    assert all(len(i) == 36 for i in ids)
    for doc_id in ids:
        assert doc_id in out
    assert all(len(line.rstrip()) <= 80 for line in out.splitlines())
    assert "5 verdicts: 4 new, 1 same-event" in out
