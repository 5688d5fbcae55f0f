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

    spans = memoryview(_compiled.cap_runs("Jane Doe spoke", frozenset())).cast("i")

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


def test_run_parts_equals_the_python_run() -> None:
    """The compiled parts of a run are those the Python code computes, field by field."""
    from dedup import events

    runs = ["Dr S Jaishankar", "The", "Sergey Lavrov's", "EAM Jaishankar", "Benaulim",
            "New Delhi", "Harris County Sheriff's Office", "President", "Mr.", "IBM",
            "Jean-Luc Picard", "José Martí", "Said Monday", "Minister Of State", "A.B.C."]
    gazetteer = events.places()
    for seq in runs:
        parts = _compiled.run_parts(
            seq, events.fold, events._TITLES, events._NOT_NAMES, events._NOT_TITLES,
            events._ORG_WORDS, gazetteer, events._FOLDED,
        )
        tokens = events._tokens(seq)
        tokens, folded, offset, titled = events._strip(
            tokens, [events.fold(t) for t in tokens], 0, seq
        )
        if not tokens:
            assert parts is None
            continue
        key = " ".join(folded)
        org = not events._ORG_WORDS.isdisjoint(folded)
        assert parts == (
            tuple(tokens), tuple(folded), offset, titled, " ".join(tokens), key,
            key in gazetteer, org, events._surname_shape(tokens[-1], folded[-1]),
            key not in gazetteer and not org, len(tokens) >= 2 or titled,
        ), seq
    with pytest.raises(TypeError):
        _compiled.run_parts("x", events.fold)


def test_name_runs_stores_new_runs_as_python_does(monkeypatch) -> None:
    """Runs the compiled loop makes and caches itself equal those of the Python ``_run``, and
    the cache stays bounded."""
    from dedup import events

    text = ("New Delhi, May 4 (IANS): EAM S Jaishankar met Sergey Lavrov in Benaulim (Goa) "
            "on Thursday. The Harris County Sheriff's Office said Jones, who spoke, agreed.")
    monkeypatch.setattr(events, "_RUNS", {})
    events.extract_event_key("Jaishankar meets Lavrov", text, None)
    compiled = dict(events._RUNS)
    assert compiled and all(r is None or type(r) is events._Run for r in compiled.values())
    monkeypatch.setattr(events, "_RUNS", {})
    assert {seq: events._run(seq) for seq in compiled} == compiled

    runs: dict = {}
    maker = (events._Run, 2, *events._run_maker()[2:])
    spans = memoryview(_compiled.cap_runs("Ann Lee met Bob Ray and Cy Dunn", frozenset())).cast("i")
    _compiled.name_runs("Ann Lee met Bob Ray and Cy Dunn", spans, 0, 0, runs, maker, {}, set(),
                        {}, {}, [], lambda *a: None, {})
    assert list(runs) == ["Cy Dunn"]  # emptied at the limit of two, then the third stored
    with pytest.raises(TypeError, match="make_run"):
        _compiled.name_runs("Ann Lee", spans[:2], 0, 0, {}, (int, 2), {}, set(), {}, {}, [],
                            lambda *a: None, {})


def test_cached_runs_are_left_out_of_the_cyclic_collector(monkeypatch) -> None:
    import gc

    from dedup import events

    monkeypatch.setattr(events, "_RUNS", {})
    events.extract_event_key("", "Jane Doe met Sergey Lavrov in Goa.", None)
    runs = [r for r in events._RUNS.values() if r is not None]
    assert runs and not any(gc.is_tracked(r) or gc.is_tracked(r.tokens) for r in runs)
    before = [tuple(r) for r in runs]
    gc.collect()  # untracked, they survive a full collection unchanged
    assert [tuple(r) for r in runs] == before
