"""The README: its first commands, every option of every command, and every example: each
output shown next to a command is what the command prints (run here, at 80 columns)."""

from __future__ import annotations

import argparse
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from dedup import Config
from dedup.cli import build_parser, main

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
TEXT = README.read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", TEXT, re.M | re.S)


def options() -> list[str]:
    """Every long option of every command that runs something."""
    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    walk(child)
            elif not isinstance(action, argparse._HelpAction):
                found.update(o for o in action.option_strings if o.startswith("--"))

    walk(build_parser())
    return sorted(found)


def test_cluster_has_options() -> None:
    assert "--format" in options()
    assert "--same-event-threshold" in options()


@pytest.mark.parametrize("option", options())
def test_readme_documents_every_option(option: str) -> None:
    assert option in TEXT, f"README.md does not mention {option}"


def test_readme_starts_with_the_two_commands() -> None:
    first, second = blocks("bash")[:2]
    assert first == ("python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' "
                     "&& dedup cluster data/\n")
    assert second == "python -m pytest -q\n"
    assert TEXT.index(first) < TEXT.index("## ")  # before any section
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^test = \[", pyproject, re.M)  # the extra the first command installs
    assert 'dedup = "dedup.cli:main"' in pyproject  # the command it runs


def test_readme_sections_in_order() -> None:
    sections = re.findall(r"^## (.+)$", TEXT, re.M)
    order = ["What it finds", "Usage", "Output formats", "Exit codes", "Library and crawler API",
             "Benchmarks"]
    positions = [next(k for k, s in enumerate(sections) if s.startswith(name)) for name in order]
    assert positions == sorted(positions), sections


def examples() -> list[tuple[str, str]]:
    """(command, output) of each console block: a '$ dedup ...' line and what follows."""
    out = []
    for block in blocks("console"):
        command, _, output = block.partition("\n")
        assert command.startswith("$ dedup "), command
        out.append((command[2:], output))
    return out


@pytest.fixture
def in_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The README's commands run from the repository root: 'data/' is the seeds."""
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    return tmp_path


def test_there_are_examples() -> None:
    commands = [command for command, _ in examples()]
    assert "dedup cluster data/" in commands
    assert "dedup explain data/ 001 003" in commands


@pytest.mark.parametrize("command, shown", examples(), ids=[c for c, _ in examples()])
def test_each_example_is_what_its_command_prints(
    in_a_copy: Path, capsys: pytest.CaptureFixture[str], command: str, shown: str
) -> None:
    assert main(shlex.split(command)[1:]) == 0
    printed = capsys.readouterr().out
    assert [line.rstrip() for line in printed.rstrip("\n").split("\n")] == shown.rstrip("\n").split("\n")


def contained(shown: Any, real: Any) -> bool:
    """Whether ``shown`` is ``real`` with keys and list items left out (lists keep their order)."""
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(k in real and contained(v, real[k]) for k, v in shown.items())
    if isinstance(shown, list):
        items = iter(real if isinstance(real, list) else [])
        return all(any(contained(s, r) for r in items) for s in shown)
    return shown == real


def test_the_abridged_json_is_taken_from_its_command(in_a_copy: Path, capsys) -> None:
    match = re.search(r"<!-- abridged from: (.+?) -->\n```json\n(.*?)^```$", TEXT, re.M | re.S)
    assert match, "README.md has no abridged JSON example"
    command, example = match.group(1), json.loads(match.group(2))
    assert main(shlex.split(command)[1:]) == 0
    real = json.loads(capsys.readouterr().out)
    assert contained(example, real)
    assert not contained({"schema": 1}, real)  # the check can fail


def test_option_defaults_agree_with_the_command() -> None:
    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    defaults = {a.option_strings[0]: a.default for a in sub.choices["cluster"]._actions
                if a.option_strings and isinstance(a.default, (int, float)) and a.default is not False}
    rows = dict(re.findall(r"^\| `(--[a-z-]+)`[^|]*\| ([0-9.]+) \|", TEXT, re.M))
    assert {k: v for k, v in defaults.items() if k in rows} == {k: type(defaults[k])(v) for k, v in rows.items()}
    assert set(rows) >= {"--near-duplicate-threshold", "--same-event-threshold", "--cluster-threshold",
                         "--shingle-size", "--num-perm", "--window-days", "--min-size"}


def test_config_is_keyword_only_as_the_readme_says() -> None:
    assert "`Config` is frozen, keyword-only" in TEXT
    with pytest.raises(TypeError):
        Config(3)  # type: ignore[misc]


def test_links_to_files_exist() -> None:
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", TEXT):
        assert (ROOT / target).exists(), target
