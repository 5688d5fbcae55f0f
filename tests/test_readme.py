"""The README documents every option of `dedup cluster`."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from dedup.cli import build_parser

README = Path(__file__).parent.parent / "README.md"


def cluster_options() -> list[str]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    cluster = sub.choices["cluster"]
    return sorted(
        option
        for action in cluster._actions
        if not isinstance(action, argparse._HelpAction)
        for option in action.option_strings
        if option.startswith("--")
    )


def test_cluster_has_options() -> None:
    options = cluster_options()
    assert "--format" in options
    assert "--same-event-threshold" in options


@pytest.mark.parametrize("option", cluster_options())
def test_readme_documents_cluster_option(option: str) -> None:
    if not README.exists():
        pytest.skip("README.md does not exist yet (it is being written)")
    text = README.read_text(encoding="utf-8")
    assert option in text, f"README.md does not mention `dedup cluster {option}`"
