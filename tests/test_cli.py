"""In-process tests of the `dedup` command: outputs, schema, exit codes, determinism."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from dedup.cli import main

DATA = Path(__file__).parent.parent / "data"
ID_001 = "001_3c3691ab191d1581.txt"
ID_003 = "003_4d085d6045524fb2.txt"
SEED_IDS = sorted(p.name for p in DATA.glob("*.txt"))


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    # rich wraps at the console width; keep messages and tables on one line each.
    monkeypatch.setenv("COLUMNS", "400")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seed_json() -> dict:
    # One run for the read-only checks (the pipeline is deterministic: see the test below).
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        assert main(["cluster", str(DATA), "--format", "json"]) == 0
    return json.loads(buffer.getvalue())


# --------------------------------------------------------------------------------------------
# JSON


def test_json_groups_the_goa_pair(seed_json: dict) -> None:
    multi = [c for c in seed_json["clusters"] if len(c["members"]) > 1]
    assert [c["members"] for c in multi] == [[ID_001, ID_003]]
    assert multi[0]["kind"] == "same-event"
    assert multi[0]["id"] == ID_001


def test_json_link_evidence(seed_json: dict) -> None:
    links = [link for link in seed_json["links"] if {link["a"], link["b"]} == {ID_001, ID_003}]
    assert len(links) == 1
    (link,) = links
    assert link["kind"] == "same-event"
    evidence = link["evidence"]
    assert evidence["date"]["value"] == "2023-05-04"
    assert evidence["date"]["relation"] in ("same", "overlap")
    assert {"Jaishankar", "Lavrov"} <= set(evidence["people"])
    assert evidence["place"]["relation"] == "match"
    assert "Goa" in evidence["place"]["value"]
    assert "Goa" in evidence["why"]


def test_json_every_input_in_exactly_one_cluster(seed_json: dict) -> None:
    members = [m for c in seed_json["clusters"] for m in c["members"]]
    assert sorted(members) == SEED_IDS
    assert len(members) == len(set(members))
    assert seed_json["documents"] == len(SEED_IDS)
    assert seed_json["skipped"] == []


def test_json_schema_keys(seed_json: dict) -> None:
    assert set(seed_json) == {"schema", "documents", "clusters", "links", "skipped"}
    assert seed_json["schema"] == 1
    for cluster in seed_json["clusters"]:
        assert set(cluster) == {"id", "kind", "members", "groups"}
        assert sorted(m for g in cluster["groups"] for m in g) == cluster["members"]
    assert seed_json["links"]
    for link in seed_json["links"]:
        assert set(link) == {"a", "b", "kind", "scores", "evidence"}
        assert link["a"] < link["b"]
        assert {"jaccard", "cosine", "people", "score"} <= set(link["scores"])
        assert {"date", "people", "place", "why"} <= set(link["evidence"])


def test_json_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "cluster", str(DATA), "--format", "json")
    second = run(capsys, "cluster", str(DATA), "--format", "json")
    assert first[0] == second[0] == 0
    assert first[1] == second[1]
    assert first[1].encode() == second[1].encode()


# --------------------------------------------------------------------------------------------
# JSONL and table


def test_jsonl_one_line_per_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA), "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == len(SEED_IDS)
    assert sorted(r["id"] for r in rows) == SEED_IDS
    for row in rows:
        assert {"id", "cluster", "group", "kind"} <= set(row)
    by_id = {r["id"]: r for r in rows}
    assert by_id[ID_001]["cluster"] == by_id[ID_003]["cluster"] == ID_001
    assert by_id[ID_001]["kind"] == by_id[ID_003]["kind"] == "same-event"
    assert by_id[ID_001]["group"] != by_id[ID_003]["group"]
    others = [r for r in rows if r["id"] not in (ID_001, ID_003)]
    assert all(r["kind"] == "single" and r["cluster"] == r["id"] for r in others)


def test_table_mentions_the_goa_pair(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA))
    assert code == 0
    assert ID_001 in out and ID_003 in out
    assert "same-event" in out
    assert "Goa" in out
    assert "2023-05-04" in out


def test_table_show_singles_lists_the_others(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA), "--show-singles", "--quiet")
    assert code == 0
    for doc_id in SEED_IDS:
        assert doc_id in out


# --------------------------------------------------------------------------------------------
# Exit codes


def test_missing_path_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    code, out, err = run(capsys, "cluster", str(missing), "--format", "json")
    assert code == 2
    assert out == ""
    assert str(missing) in err
    assert "does not exist" in err


def test_empty_folder_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 2
    assert out == ""
    assert "no readable article" in err


def test_good_and_empty_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    shutil.copy(DATA / ID_001, tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert [c["members"] for c in result["clusters"]] == [["good.txt"]]
    assert len(result["skipped"]) == 1
    (skipped,) = result["skipped"]
    assert skipped["path"].endswith("empty.txt")
    assert "empty" in skipped["reason"]
    assert "skipped" in err


def test_only_empty_files_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 2
    assert "empty.txt" in err


@pytest.mark.parametrize(
    "option, value, name",
    [
        ("--same-event-threshold", "3", "same[_-]event[_-]threshold"),
        ("--near-duplicate-threshold", "0", "near[_-]duplicate[_-]threshold"),
        ("--cluster-threshold", "-0.5", "cluster[_-]threshold"),
        ("--shingle-size", "0", "shingle[_-]size"),
        ("--num-perm", "0", "num[_-]perm"),
        ("--window-days", "-1", "window[_-]days"),
    ],
)
def test_bad_option_value_exits_2(
    capsys: pytest.CaptureFixture[str], option: str, value: str, name: str
) -> None:
    code, out, err = run(capsys, "cluster", str(DATA), option, value, "--format", "json")
    assert code == 2
    assert out == ""
    assert re.search(name, err), err
    assert value in err or str(float(value)) in err


@pytest.mark.parametrize(
    "args",
    [
        ["cluster", str(DATA), "--format", "xml"],
        ["cluster", str(DATA), "--num-perm", "many"],
        ["cluster"],
        [],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert "usage:" in err


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("dedup ")
