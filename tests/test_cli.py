"""In-process tests of the `dedup` command: outputs, schema, exit codes, determinism."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dedup import cli
from dedup.cli import main
from dedup.documents import Document, Skipped

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
    assert set(seed_json) == {"schema", "documents", "summary", "clusters", "links", "skipped",
                              "warnings", "articles"}
    assert [a["id"] for a in seed_json["articles"]] == SEED_IDS
    for article in seed_json["articles"]:
        assert set(article) == {"id", "title", "source", "published", "tier", "event", "text"}
        assert set(article["text"]) == {"words", "removed", "removed_by", "top_rule"}
        assert article["text"]["removed"] == sum(article["text"]["removed_by"].values())
        assert set(article["event"]) == {"date", "people", "organisations", "venue", "places"}
    assert seed_json["schema"] == 2
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
    # Exit 2, and still a valid JSON document: a JSON consumer always gets one.
    code, out, err = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 2
    result = json.loads(out)
    assert result["documents"] == 0
    assert result["clusters"] == result["articles"] == result["skipped"] == []
    assert result["summary"]["tiers"] == {"exact": 0, "near-duplicate": 0, "same-event": 0,
                                          "single": 0}
    assert "no readable article" in err


def test_empty_folder_prints_nothing_for_people(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for fmt in ("table", "jsonl"):
        code, out, err = run(capsys, "cluster", str(tmp_path), "--format", fmt)
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
        ("--max-partners", "0", "max[_-]partners"),
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


def test_max_partners_flag_reaches_the_run_and_its_explanation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The cap on blocking partners is a flag like the thresholds: the run records it, and
    # explain, given the same flags, says the cap kept the seeds' 003 and 004 apart (without
    # the rare-key-fact candidates: on five seeds every shared surname is rare, and a fact
    # pair is not capped).
    code, out, _ = run(capsys, "cluster", str(DATA), "--format", "json", "--max-partners", "1",
                       "--max-fact-holders", "0")
    assert code == 0
    config = json.loads(out)["summary"]["config"]
    assert (config["max_partners"], config["max_fact_holders"]) == (1, 0)
    code, out, _ = run(capsys, "explain", str(DATA), "003", "004", "--format", "json",
                       "--max-partners", "1", "--max-fact-holders", "0")
    assert code == 0
    capped = json.loads(out)
    assert capped["candidates"]["capped"] and not capped["candidates"]["compared"]
    code, out, _ = run(capsys, "explain", str(DATA), "003", "004", "--format", "json")
    assert json.loads(out)["candidates"]["compared"]


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


def test_only_bad_inputs_exits_2_and_lists_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "a-gone.txt").symlink_to(tmp_path / "missing.txt")
    for i in range(25):
        (tmp_path / f"empty{i:02}.txt").write_bytes(b"")
    code, out, err = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 2
    assert json.loads(out)["summary"]["skipped"] == 27
    assert "no readable article" in err and "(27 inputs skipped)" in err
    assert "empty00.txt: empty file" in err
    assert "a-gone.txt: broken symbolic link" in err
    assert "... and 7 more" in err


def test_markup_in_paths_is_printed_as_is(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # rich would read "[/e]" as a closing tag and raise MarkupError; paths are printed verbatim.
    (tmp_path / "[").mkdir()
    (tmp_path / "[" / "e].txt").write_bytes(b"")
    (tmp_path / "[bold]x.txt").write_bytes(b"")
    code, _, err = run(capsys, "cluster", str(tmp_path))
    assert code == 2
    assert "[/e].txt: empty file" in err
    assert "[bold]x.txt: empty file" in err


def test_table_prints_markup_in_titles_and_ids_as_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(DATA / ID_001, tmp_path / "[red]a.txt")
    text = (DATA / ID_001).read_text(encoding="utf-8")
    (tmp_path / "b.txt").write_text("[/VIDEO] Jaishankar meets Lavrov in Goa\n\n" + text)
    code, out, _ = run(capsys, "cluster", str(tmp_path))
    assert code == 0
    assert "[red]a.txt" in out
    assert "[/VIDEO] Jaishankar meets Lavrov in Goa" in out


# --------------------------------------------------------------------------------------------
# Streaming, interruption, closed pipes


def test_documents_stream_into_the_pipeline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI hands the pipeline a generator: when the pipeline takes the first document, the
    # loader has read that one file only, not the whole folder.
    read: list[str] = []
    real_iter_inputs, real_cluster = cli.iter_inputs, cli.cluster_documents

    def counting_iter_inputs(path: list[str], **kwargs: object) -> Iterator[Document | Skipped]:
        for item in real_iter_inputs(path, **kwargs):
            read.append(item.path if isinstance(item, Skipped) else item.id)
            yield item

    def checking_cluster(documents: Iterable[Document], *args: object, **kwargs: object):
        assert not isinstance(documents, (list, tuple))
        iterator = iter(documents)
        first = next(iterator)
        assert read == [first.id]
        return real_cluster(itertools.chain([first], iterator), *args, **kwargs)

    monkeypatch.setattr(cli, "iter_inputs", counting_iter_inputs)
    monkeypatch.setattr(cli, "cluster_documents", checking_cluster)
    code, out, _ = run(capsys, "cluster", str(DATA), "--format", "json")
    assert code == 0
    assert read == SEED_IDS
    assert json.loads(out)["documents"] == len(SEED_IDS)


def test_skipped_inputs_met_while_streaming_reach_the_result(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in SEED_IDS[:2]:
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "000_first_empty.txt").write_bytes(b"")
    (tmp_path / "zzz_last.jsonl").write_text('{"id": "x"}\n{broken\n')
    code, out, _ = run(capsys, "cluster", str(tmp_path), "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["documents"] == 2
    assert [(s["path"].rsplit("/", 1)[1], s.get("line")) for s in result["skipped"]] == [
        ("000_first_empty.txt", None), ("zzz_last.jsonl", 1), ("zzz_last.jsonl", 2),
    ]


@pytest.mark.parametrize("where", ["pipeline", "reading"])
def test_keyboard_interrupt_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    def interrupted_while_reading(path: list[str], **kwargs: object) -> Iterator[Document | Skipped]:
        yield from itertools.islice(real_iter_inputs(path, **kwargs), 2)
        raise KeyboardInterrupt

    real_iter_inputs = cli.iter_inputs
    if where == "pipeline":
        monkeypatch.setattr(cli, "cluster_documents", interrupted)
    else:
        monkeypatch.setattr(cli, "iter_inputs", interrupted_while_reading)
    code, out, err = run(capsys, "cluster", str(DATA), "--format", "json")
    assert code == 130
    assert out == ""
    assert err.strip() == "dedup: interrupted"


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone away (`dedup ... | head -1` after head exits)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation("no file descriptor")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "table"])
def test_closed_output_pipe_exits_quietly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # 141 whatever the format (rich's own handler for the table would exit with status 1,
    # which here means "inputs skipped"), and no traceback.
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    code = main(["cluster", str(DATA), "--format", fmt])
    _, err = capsys.readouterr()
    assert code == 141
    assert err == ""



def test_progress_bar_runs_on_a_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bar is drawn only on a terminal: pretend stderr is one, so the callbacks do run.
    stages: list[str] = []
    real_cluster = cli.cluster_documents

    def recording_cluster(documents: Iterable[Document], *args: object, progress, **kwargs):
        def spy(stage: str, done: int, total: int) -> None:
            stages.append(stage)
            progress(stage, done, total)

        return real_cluster(documents, *args, progress=spy, **kwargs)

    monkeypatch.setattr(cli.Console, "is_terminal", property(lambda self: True))
    monkeypatch.setattr(cli, "cluster_documents", recording_cluster)
    code, out, _ = run(capsys, "cluster", str(DATA), "--format", "json")
    assert code == 0
    assert json.loads(out)["documents"] == len(SEED_IDS)
    assert {"reading", "candidates", "clustering"} <= set(stages)


def test_several_paths_and_jsonl_on_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import gzip

    records = "".join(
        json.dumps({"id": p.name, "text": p.read_text(encoding="utf-8")}) + "\n"
        for p in sorted(DATA.glob("*.txt"))[2:]
    )
    stdin = io.TextIOWrapper(io.BytesIO(gzip.compress(records.encode())), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    paths = [str(DATA / SEED_IDS[0]), str(DATA / SEED_IDS[1])]
    code, out, _ = run(capsys, "cluster", *paths, "-", "--format", "json")
    assert code == 0
    result = json.loads(out)
    multi = [c["members"] for c in result["clusters"] if len(c["members"]) > 1]
    assert multi == [[paths[1], ID_003]]  # standard input is read once, with the files
    assert result["documents"] == 5


def test_progress_shows_each_stage_with_its_count_and_rate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stages come in the order dedup.pipeline.STAGES says, each once it ends; the display
    # has a line for each, the running one without a count.
    from rich.progress import Progress

    from dedup.pipeline import STAGES

    stages: list[str] = []
    lines: dict[str, tuple[float | None, float, str]] = {}
    real_cluster = cli.cluster_documents

    def recording_cluster(documents: Iterable[Document], *args: object, progress, **kwargs):
        def spy(stage: str, done: int, total: int) -> None:
            if not stages or stages[-1] != stage:
                stages.append(stage)
            progress(stage, done, total)

        return real_cluster(documents, *args, progress=spy, **kwargs)

    real_stop = Progress.stop

    def stop(self: Progress) -> None:
        for task in self.tasks:
            lines[task.description.split(" ")[0]] = (task.total, task.completed,
                                                     task.fields.get("rate", ""))
        real_stop(self)

    monkeypatch.setattr(cli.Console, "is_terminal", property(lambda self: True))
    monkeypatch.setattr(cli, "cluster_documents", recording_cluster)
    monkeypatch.setattr(Progress, "stop", stop)
    code, _, _ = run(capsys, "cluster", str(DATA), "--format", "json")
    assert code == 0
    assert stages == list(STAGES)
    assert list(lines) == list(STAGES)
    assert lines["reading"][:2] == (len(SEED_IDS), len(SEED_IDS))  # the inputs read
    assert lines["clustering"][:2] == (len(SEED_IDS), len(SEED_IDS))
    assert all(rate.endswith("/s") for _, _, rate in lines.values() if rate)
