"""The table for people (`dedup cluster`, --format table): layout at 40, 80 and 160 columns,
the order of its sections, its filters and its pager."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from dedup import Document, cluster_documents
from dedup import cli as cli_module
from dedup.cli import main
from dedup.loaders import load
from dedup.report import Selection, event_date_text, render_table, table_order
from dedup.result import EVENT, EXACT, NEAR, SINGLE

DATA = Path(__file__).parent.parent / "data"
COPY_ID = "9f3c0e1d2b4a59687766554433221100"  # 32 characters, as a hash id is
NEAR_ID = "b7e5d3c1a9f8e7d6c5b4a39281706f5e"
LONG_TITLE = ("India and Russia discuss the dynamics of cooperation in key areas of the Special and "
              "Privileged Strategic Partnership, with a headline far longer than any terminal")


@pytest.fixture(scope="module")
def result():
    """The seeds, with an exact copy of 000 and an edited copy of 002 (a near-duplicate):
    every kind of story, ids of 24 and 32 characters, sources and dates on some."""
    seeds, _ = load(str(DATA))
    by_name = {d.id[:3]: d for d in seeds}
    docs = [dataclasses.replace(d, source="example.org" if d.id < "002" else None,
                                title=LONG_TITLE if d.id.startswith("004") else d.title)
            for d in seeds]
    docs.append(dataclasses.replace(by_name["000"], id=COPY_ID, source="mirror.example.com",
                                    published="2024-07-08"))
    text = by_name["002"].text
    paragraphs = text.split("\n\n")
    edited = "\n\n".join(paragraphs[:-2]).replace("India", "Bharat", 2)
    docs.append(Document(id=NEAR_ID, text=edited, title="Edited: " + (by_name["002"].title or ""),
                         published="2024-12-28"))
    return cluster_documents(docs)


def draw(result, width: int, selection: Selection | None = None) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    render_table(result, console, selection=selection or Selection())
    return console.export_text()


def test_the_test_corpus_has_every_kind(result) -> None:
    kinds = {c.kind for c in result.clusters}
    assert kinds == {EXACT, NEAR, EVENT, SINGLE}


@pytest.mark.parametrize("width", [40, 80, 160])
def test_no_line_is_wider_than_the_terminal(result, width: int) -> None:
    for line in draw(result, width, Selection(kinds=frozenset({EXACT, NEAR, EVENT, SINGLE}))).splitlines():
        assert cell_len(line.rstrip()) <= width, line


@pytest.mark.parametrize("width", [40, 80, 160])
def test_every_id_is_whole_on_one_line(result, width: int) -> None:
    # An id is copied from the terminal: it is never cut or folded.
    text = draw(result, width, Selection(kinds=frozenset({EXACT, NEAR, EVENT, SINGLE})))
    for cluster in result.clusters:
        for doc_id in cluster.members:
            assert re.search(rf"(^|\s){re.escape(doc_id)}(\s|$)", text, re.M), (doc_id, text)


@pytest.mark.parametrize("width", [40, 80, 160])
def test_titles_take_one_line(result, width: int) -> None:
    text = draw(result, width, Selection(kinds=frozenset({SINGLE})))
    (line,) = [line for line in text.splitlines() if "India and Russia discuss" in line]
    assert line.rstrip().endswith("…")  # cut, not wrapped
    assert "far longer than any terminal" not in text


@pytest.mark.parametrize("width", [40, 80, 160])
def test_why_lines_stay_indented_under_their_story(result, width: int) -> None:
    lines = draw(result, width).splitlines()
    starts = [k for k, line in enumerate(lines) if line.lstrip().startswith("why ")]
    assert len(starts) == 3  # one story of each kind
    for k in starts:
        block = lines[k:lines.index("", k)]
        assert block, lines
        assert all(line.startswith("  ") for line in block), block
        # continuation lines start under the reason, right of the "why 1 ↔ 2" label
        label = block[0].index("↔") + 4
        assert all(line[:label].strip() == "" or "↔" in line for line in block[1:]), block


def test_sections_come_copies_first_and_count_the_singles(result) -> None:
    text = draw(result, 80)
    exact = text.index("Exact copies ·")
    near = text.index("Near-duplicates ·")
    event = text.index("Same event ·")
    assert exact < near < event
    assert text.index(COPY_ID) < text.index(NEAR_ID) < text.index("001_3c3691ab191d1581.txt")
    assert text.rstrip().splitlines()[-1] == "1 article stands alone (--show-singles lists them)"


def test_plain_words(result) -> None:
    text = draw(result, 80)
    for jargon in ("(s)", "group", "cluster"):
        assert jargon not in text
    assert "exact copies · 2 articles, one text" in text
    assert "near-duplicates · 2 copies of one text" in text
    assert "same event · 2 different texts" in text


def test_the_date_columns_say_what_they_are(result) -> None:
    text = draw(result, 160)
    header = next(line for line in text.splitlines() if "event date" in line)
    assert "published" in header
    assert "Apr 29–May 5 (no year)" in text  # 001: its dateline gives month and day only
    assert "2023-05-04" in text
    assert "2024-07-08" in text  # the copy's publication date


def test_event_date_text() -> None:
    def event(lo: str, hi: str, year: bool) -> dict:
        return {"date": {"from": lo, "to": hi, "year_known": year, "basis": "metadata"}}

    assert event_date_text(event("2016-03-20", "2016-03-20", True)) == "2016-03-20"
    assert event_date_text(event("2016-03-18", "2016-03-20", True)) == "2016-03-18–20"
    assert event_date_text(event("2023-04-29", "2023-05-05", True)) == "2023-04-29–05-05"
    assert event_date_text(event("2014-12-31", "2015-01-02", True)) == "2014-12-31 – 2015-01-02"
    assert event_date_text(event("--04-29", "--05-05", False)) == "Apr 29–May 5 (no year)"
    assert event_date_text(event("--12-22", "--12-28", False)) == "Dec 22–28 (no year)"
    assert event_date_text({"date": None}) == event_date_text(None) == "unknown"


def test_the_overview_line_is_not_coloured_as_code(result) -> None:
    # rich highlights numbers and "name(...)" in plain strings; the table prints Text only.
    console = Console(width=80, record=True, file=io.StringIO(), force_terminal=True,
                      color_system="standard", highlight=True)
    render_table(result, console)
    first = console.export_text(styles=True).splitlines()[0]
    assert "\x1b[1;36m" not in first and "\x1b[36m" not in first  # rich's repr.number, call


# --------------------------------------------------------------------------------------------
# Filters


def listed(result, **selection) -> list[str]:
    return [c.kind for c in table_order(result, Selection(**selection))[0]]


def test_kind_filter(result) -> None:
    assert listed(result, kinds=frozenset({EXACT})) == [EXACT]
    assert listed(result, kinds=frozenset({EVENT, NEAR})) == [NEAR, EVENT]
    assert listed(result, kinds=frozenset({SINGLE})) == [SINGLE]


def test_min_size_filter(result) -> None:
    assert listed(result, min_size=3) == []
    assert listed(result, min_size=2) == [EXACT, NEAR, EVENT]
    assert listed(result, kinds=frozenset({EVENT, SINGLE}), min_size=2) == [EVENT]


def test_limit(result) -> None:
    assert listed(result, limit=2) == [EXACT, NEAR]
    assert table_order(result, Selection(limit=2))[1] == 1
    text = draw(result, 80, Selection(limit=1))
    assert "2 more stories not shown (--limit)" in text


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "120")


def test_cli_filters(capsys) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA), "--kind", "single")
    assert code == 0
    assert "Stand alone · 3 articles" in out and "Same event" not in out
    code, out, _ = run(capsys, "cluster", str(DATA), "--kind", "exact,near-duplicate")
    assert code == 0
    assert "001_" not in out and out.rstrip().endswith("3 articles stand alone (--show-singles lists them)")
    code, out, _ = run(capsys, "cluster", str(DATA), "--kind", "exact", "--kind", "same-event",
                       "--show-singles", "--min-size", "2")
    assert code == 0
    assert "001_" in out and "000_" not in out
    code, out, _ = run(capsys, "cluster", str(DATA), "--show-singles", "--limit", "2")
    assert code == 0
    assert "2 stand-alone articles not shown (--limit)" in out


@pytest.mark.parametrize("args, message", [
    (["--kind", "copies"], "invalid choice: 'copies'"),
    (["--min-size", "0"], "must be 1 or more, got 0"),
    (["--limit", "ten"], "must be a whole number, got 'ten'"),
    (["--kind", "exact", "--format", "jsonl"], "choose what the table lists"),
    (["--limit", "3", "--format", "json"], "choose what the table lists"),
])
def test_cli_filter_errors(capsys, args: list[str], message: str) -> None:
    code, out, err = run(capsys, "cluster", str(DATA), *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert "usage: dedup cluster" in err


# --------------------------------------------------------------------------------------------
# Pager


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """stdout is a 80 x 10 terminal; what goes to the pager is recorded."""
    paged: list[str] = []
    monkeypatch.setattr(cli_module._Output, "is_terminal", property(lambda self: True))
    monkeypatch.setattr(cli_module._Output, "height", property(lambda self: 10))
    monkeypatch.setattr("pydoc.pager", paged.append)
    return paged


def test_a_long_table_goes_through_the_pager(capsys, terminal: list[str]) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA), "--show-singles")
    assert code == 0
    assert out == ""
    (paged,) = terminal
    assert "001_3c3691ab191d1581.txt" in paged and "000_ff5f5ba148e191cb.txt" in paged


def test_no_pager_and_short_tables_print_directly(capsys, terminal: list[str]) -> None:
    code, out, _ = run(capsys, "cluster", str(DATA), "--show-singles", "--no-pager")
    assert code == 0 and "001_3c3691ab191d1581.txt" in out
    code, out, _ = run(capsys, "cluster", str(DATA), "--kind", "exact")
    assert code == 0 and "3 articles stand alone" in out
    assert terminal == []


def test_an_article_without_a_title_takes_one_line() -> None:
    text = (DATA / "001_3c3691ab191d1581.txt").read_text(encoding="utf-8")
    docs = [Document(id="a", text=text), Document(id="b", text=text + "\n\nOne more line.")]
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    render_table(cluster_documents(docs), console)
    rows = [line for line in console.export_text().splitlines() if line.split()[1:2] in (["a"], ["b"])]
    assert [row.split()[:4] for row in rows] == [["1", "a", "(no", "title)"], ["2", "b", "(no", "title)"]]


@pytest.mark.parametrize("width", [40, 80])
def test_warnings_and_skipped_inputs_fit_the_terminal(tmp_path: Path, width: int) -> None:
    record_id = "feed-12-" + "a" * 24  # 32 characters
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": record_id, "text": "Officials met in Paris on Monday.",
                    "published": "soon"}) + "\n{broken\n")
    (tmp_path / "scan.txt").write_bytes(b"%PDF-1.4\n")
    docs, skipped = load(str(tmp_path))
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    render_table(cluster_documents(docs, skipped=skipped), console)
    text = console.export_text()
    assert all(len(line.rstrip()) <= width for line in text.splitlines())
    assert f"\n  {record_id}" in text  # whole, on a line of its own
    assert "1 warning: a field that could not" in text
    assert "2 inputs skipped" in text and "scan.txt" in text and "PDF" in text
