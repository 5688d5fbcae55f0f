"""The compiled helpers are an optimisation only: without them (no C compiler, or
DEDUP_PURE_PYTHON=1) dedup gives byte-identical results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from benchmarks.corpus import make_corpus
from dedup import _compiled

ROOT = Path(__file__).parent.parent

pytestmark = pytest.mark.skipif(
    not _compiled.COMPILED, reason="dedup._scan is not built here: only the Python path runs"
)

_CLUSTER_JSONL = """
import json, sys
from dedup import _compiled, cluster_documents, Document
assert _compiled.COMPILED == (sys.argv[1] == "compiled"), _compiled.COMPILED
docs = [Document(**json.loads(line)) for line in sys.stdin]
print(json.dumps(cluster_documents(docs).to_dict(), sort_keys=True))
"""


def _cluster(mode: str, lines: str) -> dict:
    env = dict(os.environ)
    env.pop("DEDUP_PURE_PYTHON", None)
    if mode == "python":
        env["DEDUP_PURE_PYTHON"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _CLUSTER_JSONL, mode], input=lines, capture_output=True,
        text=True, env=env, cwd=ROOT, check=True,
    )
    return json.loads(done.stdout)


def test_pure_python_path_gives_the_same_clusters() -> None:
    docs = make_corpus(200, seed=7)
    lines = "\n".join(
        json.dumps({"id": d.id, "text": d.text, "title": d.title, "published": d.published,
                    "source": d.source})
        for d in docs
    )
    compiled, python = _cluster("compiled", lines), _cluster("python", lines)
    assert len(compiled["clusters"]) < 200  # copies and stories were found
    assert compiled == python


def test_pure_python_cli_on_data_matches() -> None:
    def run(extra: dict[str, str]) -> str:
        env = {k: v for k, v in os.environ.items() if k != "DEDUP_PURE_PYTHON"} | extra
        return subprocess.run(
            [sys.executable, "-m", "dedup", "cluster", "data", "--format", "json"],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        ).stdout

    assert run({}) == run({"DEDUP_PURE_PYTHON": "1"})


def test_name_runs_rejects_bad_input() -> None:
    from collections import Counter

    spans = array("i", [0, 8])  # "Jane Doe"

    def call(runs, make_run=lambda seq: None, spans=spans):
        return _compiled.name_runs(
            "Jane Doe spoke", spans, 0, 0, runs, make_run, {}, set(), Counter(), {}, [],
            lambda *a: None, Counter(),
        )

    call({})  # every run unknown and made into None: nothing happens
    with pytest.raises(TypeError, match="tuple"):
        call({"Jane Doe": ("not", "a", "run")})
    outside = array("i", [0, 99])  # a span past the end of the text
    with pytest.raises(ValueError, match="outside"):
        call({}, spans=memoryview(outside))
    with pytest.raises(ZeroDivisionError):
        call({}, make_run=lambda seq: 1 / 0)  # errors of the callbacks propagate
