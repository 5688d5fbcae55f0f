"""The `dedup` command on a hostile corpus: nothing crashes, nothing is lost, every input is
accounted for, and bad inputs change nothing about how the good articles cluster.

The corpus comes from :mod:`hostile` (good articles mixed with empty, binary, unparseable,
unreadable and linked inputs). The command runs in-process, from inside the folder (path
``.``) so that two folders with the same files give byte-identical output.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile import (
    CP1252_TEXT,
    DOCUMENT,
    LATIN1_TEXT,
    RECORD_IDS,
    UTF16_TEXT,
    deny_unreadable,
    make_hostile_corpus,
    restore_permissions,
)

from dedup.cli import main
from dedup.loaders import load

FLOODS = (
    "Floods force hundreds from homes in Chiang Mai\n\n"
    "Flood waters forced hundreds of families from their homes in Chiang Mai on Tuesday, after "
    "three days of heavy monsoon rain swelled the Ping River beyond its banks.\n\n"
    "Provincial governor Nirat Phongsitthaworn said rescue teams in rubber boats had reached most "
    "of the stranded residents by the evening, and that temporary shelters had opened in schools "
    "and temples across the city.\n\n"
    "Local traders said the water rose faster than during the floods of 2011, when the old market "
    "district was submerged for more than a week and many shops never reopened.\n"
)
# The same story on another site: masthead, advertisement, a comment box at the end.
FLOODS_COPY = (
    "MY DAILY NEWS PORTAL\nADVERTISEMENT\n" + FLOODS.replace("Provincial", "ADVERTISEMENT\n\nProvincial")
    + "\nLeave a Comment\n\nComments are the views of readers.\n"
)
SUMMIT_A = (
    "Scholz and Macron agree battery plan in Strasbourg\n\n"
    "Strasbourg, March 11 (AFP): Chancellor Olaf Scholz and President Emmanuel Macron met in "
    "Strasbourg on Monday to discuss a joint plan for battery factories, officials said.\n\n"
    "The two leaders agreed to share funding for research centres and to speed up permits for "
    "new plants along the Rhine, according to a statement released after the talks.\n"
)
SUMMIT_B = (
    "Macron hosts Scholz for battery talks\n\n"
    "Strasbourg, March 11 (Reuters): Emmanuel Macron welcomed Olaf Scholz in Strasbourg on Monday "
    "for talks that ended with a pledge to build more electric car batteries in Europe.\n\n"
    "Macron told reporters the agreement would create jobs on both sides of the border, while "
    "Scholz said the factories should be running within five years.\n"
)
# No date, no person, no place: only the text can bring these two together.
UNDATED_A = (
    "the old footbridge over the canal will be closed for repairs\n\n"
    "the old footbridge over the canal will be closed for repairs for about six weeks, the "
    "council said, because inspectors found rust on the main supports and cracks in the deck. "
    "walkers and cyclists will be sent along the towpath to the next crossing, which adds about "
    "ten minutes to the journey. the repairs will cost less than a new bridge would, and the "
    "work should be finished before the summer holidays begin.\n"
)
UNDATED_B = UNDATED_A.replace("about six weeks", "around six weeks").replace(
    "ten minutes", "ten or fifteen minutes"
)
LIBRARY = (
    "Library to open later in the evenings\n\n"
    "The city library will extend its opening hours from next month, after a survey found that "
    "students wanted quiet space to work in the evenings. Volunteers have offered to staff the "
    "reading rooms.\n"
)
GOOD_ARTICLES = [
    ("floods.txt", FLOODS),
    ("floods-copy.txt", FLOODS_COPY),
    ("summit/afp.txt", SUMMIT_A),
    ("summit/reuters.md", SUMMIT_B),
    ("undated-a.txt", UNDATED_A),
    ("undated-b.txt", UNDATED_B),
    ("library.txt", LIBRARY),
]


@dataclass(frozen=True)
class Run:
    """One in-process run of `dedup cluster . --format FORMAT` from inside a folder."""

    code: int
    out: str
    err: str
    manifest: dict[str, str]

    @property
    def json(self) -> dict:
        return json.loads(self.out)


def run_in(root: Path, manifest: dict[str, str], *args: str) -> Run:
    """Run the command on ``.`` from inside ``root``, the unreadable file denied even to root."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        deny_unreadable(patch)
        patch.chdir(root)
        patch.setenv("COLUMNS", "400")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["cluster", ".", *args])
    return Run(code, out.getvalue(), err.getvalue(), manifest)


def relative(path: str) -> str:
    """A skipped path as printed ("./bad/x.txt") relative to the folder ("bad/x.txt")."""
    assert path.startswith("./"), path
    return path[2:]


def key_of(item: dict) -> str:
    """The manifest key of one skipped item: its path, with ":LINE" for a record."""
    return relative(item["path"]) + (f":{item['line']}" if "line" in item else "")


@pytest.fixture(scope="module")
def corpora(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[Path, dict[str, str]]]]:
    """The mixed folder, the same files created in reverse order, and the good files only."""
    base = tmp_path_factory.mktemp("hostile")
    roots = {"mixed": base / "mixed", "reversed": base / "reversed", "good": base / "good"}
    manifests = {
        "mixed": make_hostile_corpus(roots["mixed"], GOOD_ARTICLES),
        "reversed": make_hostile_corpus(roots["reversed"], GOOD_ARTICLES, reverse=True),
        "good": make_hostile_corpus(roots["good"], GOOD_ARTICLES, include_bad=False),
    }
    assert manifests["mixed"] == manifests["reversed"]
    yield {name: (root, manifests[name]) for name, root in roots.items()}
    for root in roots.values():
        restore_permissions(root)


@pytest.fixture(scope="module")
def mixed(corpora: dict) -> Run:
    return run_in(*corpora["mixed"], "--format", "json")


@pytest.fixture(scope="module")
def good(corpora: dict) -> Run:
    return run_in(*corpora["good"], "--format", "json")


def expected_ids(manifest: dict[str, str]) -> set[str]:
    """Ids of the documents the manifest promises: files by path, records by file#id."""
    files = {key for key, outcome in manifest.items() if outcome == DOCUMENT and ":" not in key}
    records = [key for key, outcome in manifest.items() if outcome == DOCUMENT and ":" in key]
    assert len(records) == len(RECORD_IDS)
    return files | set(RECORD_IDS)


# --------------------------------------------------------------------------------------------
# Exit codes and accounting


def test_mixed_folder_exits_1_and_good_folder_exits_0(mixed: Run, good: Run) -> None:
    assert mixed.code == 1, mixed.err
    assert "inputs skipped" in mixed.err
    assert good.code == 0, good.err
    assert good.json["skipped"] == []


def test_every_good_input_is_one_clustered_document(mixed: Run) -> None:
    members = [m for c in mixed.json["clusters"] for m in c["members"]]
    assert len(members) == len(set(members)), "a document is in two clusters"
    assert set(members) == expected_ids(mixed.manifest)
    assert mixed.json["documents"] == len(members)


def test_every_bad_input_is_skipped_once_with_its_reason(mixed: Run) -> None:
    skipped = mixed.json["skipped"]
    keys = [key_of(item) for item in skipped]
    assert len(keys) == len(set(keys)), "an input is reported twice"
    bad = {key: outcome for key, outcome in mixed.manifest.items() if outcome != DOCUMENT}
    assert sorted(keys) == sorted(bad)
    for item in skipped:
        assert bad[key_of(item)] in item["reason"], item


def test_counts_add_up(mixed: Run) -> None:
    result = mixed.json
    assert result["documents"] + len(result["skipped"]) == len(mixed.manifest)
    assert len(mixed.manifest) > 60  # the corpus really holds all the cases


def test_skip_reasons_read_as_one_plain_line(mixed: Run) -> None:
    for item in mixed.json["skipped"]:
        reason = item["reason"]
        assert reason and reason.isprintable() and len(reason) < 160, item
        assert reason[0].islower() or reason[0] in "'\"", item
        for noise in ("Traceback", "Errno", "Exception", "Error:", "<", "b'"):
            assert noise not in reason, item


def test_records_point_at_their_line(mixed: Run) -> None:
    lines = {key_of(i): i for i in mixed.json["skipped"] if i["path"].endswith(".jsonl")}
    assert lines["feeds/records.jsonl:4"]["reason"].startswith("invalid JSON")
    duplicate = lines["feeds/records.jsonl:9"]
    assert duplicate["id"] == "feeds/records.jsonl#rec-1"
    assert "first seen in ./feeds/records.jsonl:1" in duplicate["reason"]


# --------------------------------------------------------------------------------------------
# The good articles are clustered as if the bad inputs were not there


def test_good_articles_cluster_as_without_the_bad_inputs(mixed: Run, good: Run) -> None:
    good_ids = {m for c in good.json["clusters"] for m in c["members"]}
    restricted = []
    for cluster in mixed.json["clusters"]:
        members = [m for m in cluster["members"] if m in good_ids]
        if members:
            groups = [[m for m in g if m in good_ids] for g in cluster["groups"]]
            restricted.append({**cluster, "members": members, "groups": [g for g in groups if g]})
    assert restricted == good.json["clusters"]
    # No bad input became a document, so the whole result is the same, links and all.
    assert mixed.json["clusters"] == good.json["clusters"]
    assert mixed.json["links"] == good.json["links"]


def test_good_folder_clusters_are_the_expected_ones(good: Run) -> None:
    # Guards the comparison above: the good articles do form non-trivial clusters.
    by_members = {tuple(c["members"]): c["kind"] for c in good.json["clusters"]}
    assert by_members[("floods-copy.txt", "floods.txt")] == "exact"
    assert by_members[("summit/afp.txt", "summit/reuters.md")] == "same-event"
    assert by_members[("undated-a.txt", "undated-b.txt")] == "near-duplicate"
    assert by_members[("library.txt",)] == "single"


def test_json_is_byte_identical_across_runs_and_creation_orders(
    corpora: dict, mixed: Run
) -> None:
    again = run_in(*corpora["mixed"], "--format", "json")
    reordered = run_in(*corpora["reversed"], "--format", "json")
    assert again.code == reordered.code == mixed.code
    assert again.out.encode() == mixed.out.encode()
    assert reordered.out.encode() == mixed.out.encode()


def test_jsonl_accounts_for_every_input(corpora: dict, mixed: Run) -> None:
    run = run_in(*corpora["mixed"], "--format", "jsonl")
    assert run.code == 1
    rows = [json.loads(line) for line in run.out.splitlines()]
    documents = [r["id"] for r in rows if "id" in r]
    skipped = [key_of(r["skipped"]) for r in rows if "skipped" in r]
    warned = [r["warning"]["id"] for r in rows if "warning" in r]
    assert len(rows) == len(documents) + len(skipped) + len(warned)
    assert len(documents) + len(skipped) == len(mixed.manifest)
    assert set(documents) == expected_ids(mixed.manifest)
    assert set(warned) <= set(documents)


def test_table_lists_the_skipped_inputs(corpora: dict) -> None:
    run = run_in(*corpora["mixed"], "--show-singles")
    assert run.code == 1
    assert "inputs skipped" in run.out
    assert "./bad/scan.txt" in run.out
    assert "PDF" in run.out


def test_encoded_articles_load_with_their_exact_text(corpora: dict) -> None:
    root, _ = corpora["good"]
    docs = {d.id: d for d in load(root)[0]}
    assert docs["encodings/latin1.txt"].text == LATIN1_TEXT
    assert docs["encodings/cp1252.txt"].text == CP1252_TEXT
    assert docs["encodings/utf16.txt"].text == UTF16_TEXT
    assert docs["encodings/cp1252.txt"].title == CP1252_TEXT.split("\n")[0]
    assert docs["news/mixed-endings.txt"].text.count("\r") == 0
    assert docs["feeds/utf16.jsonl#u16-1"].text.startswith("Grève à Marseille: ")


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("DEDUP_SLOW") != "1", reason="50 MB article: set DEDUP_SLOW=1")
def test_hostile_corpus_with_a_50_mb_article(tmp_path: Path) -> None:
    manifest = make_hostile_corpus(tmp_path, GOOD_ARTICLES, large_size=50 * 1024 * 1024)
    try:
        run = run_in(tmp_path, manifest, "--format", "json")
    finally:
        restore_permissions(tmp_path)
    assert run.code == 1
    assert "news/large.txt" in {m for c in run.json["clusters"] for m in c["members"]}
    assert run.json["documents"] + len(run.json["skipped"]) == len(manifest)


# --------------------------------------------------------------------------------------------
# Missing event-key parts and odd dates


def cluster_folder(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["cluster", str(root), "--format", "json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_undated_articles_without_people_or_place_cluster_by_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text(UNDATED_A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(UNDATED_B, encoding="utf-8")
    (tmp_path / "c.txt").write_text(LIBRARY, encoding="utf-8")
    code, result = cluster_folder(tmp_path, capsys)
    assert code == 0
    clusters = {tuple(c["members"]): c["kind"] for c in result["clusters"]}
    assert clusters == {("a.txt", "b.txt"): "near-duplicate", ("c.txt",): "single"}
    (link,) = result["links"]
    assert link["evidence"]["date"]["relation"] == "unknown"
    assert link["evidence"]["place"]["relation"] == "unknown"
    assert link["evidence"]["people"] == []


@pytest.mark.parametrize("published", ["yesterday", "2016-13-45", 12345, None, "31/02/2020"])
def test_odd_published_values_never_raise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], published: object
) -> None:
    records = [
        {"id": "a", "text": UNDATED_A, "published": published},
        {"id": "b", "text": UNDATED_B, "published": published},
        {"id": "c", "text": SUMMIT_A, "published": published},
        {"id": "d", "text": SUMMIT_B, "date": published},
    ]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    code, result = cluster_folder(tmp_path, capsys)
    assert code == 0
    assert result["documents"] == 4
    members = [c["members"] for c in result["clusters"]]
    assert ["a", "b"] in members
    assert ["c", "d"] in members  # the datelines still date the two summit reports


def test_all_odd_dates_in_one_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = ["yesterday", "2016-13-45", 12345, None, "31/02/2020", "", "0000-00-00", "9999-12-31",
           "2016-02-30T25:61:00Z", {"year": 2016}, ["2016"], True, -1, 1e308]
    records = [{"id": str(i), "text": f"{LIBRARY} Note {i}.", "published": value}
               for i, value in enumerate(odd)]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    code, result = cluster_folder(tmp_path, capsys)
    assert code == 0
    assert result["documents"] == len(odd)
    assert sorted(m for c in result["clusters"] for m in c["members"]) == sorted(
        str(i) for i in range(len(odd))
    )
    # None and "" are no date; every other value is a warning of its document, never silence.
    warned = {w["id"]: w["value"] for w in result["warnings"]}
    assert set(warned) == {str(i) for i, v in enumerate(odd) if v not in (None, "")}
