"""The JSON Schemas in dedup/schema/ are valid, shipped, versioned, and enforced on the suite."""

from __future__ import annotations

import importlib.resources
import io
import json
from pathlib import Path

import jsonschema
import pytest
from schemas import SCHEMAS, check

from dedup import Cluster, ClusterResult, cluster_documents
from dedup.cli import main
from dedup.loaders import load
from dedup.report import dumps, jsonl_records, to_json, write_json, write_jsonl
from dedup.result import SCHEMA_VERSION, Link

DATA = Path(__file__).parent.parent / "data"


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.json")), ids=lambda p: p.name)
def test_each_schema_is_a_valid_json_schema(path: Path) -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_the_schemas_are_package_data() -> None:
    files = importlib.resources.files("dedup") / "schema"
    assert (files / f"cluster-v{SCHEMA_VERSION}.json").is_file()
    assert (files / "explain-v1.json").is_file() and (files / "index-v1.json").is_file()


def test_the_schema_file_has_the_version_the_output_says() -> None:
    schema = json.loads((SCHEMAS / f"cluster-v{SCHEMA_VERSION}.json").read_text(encoding="utf-8"))
    assert schema["properties"]["schema"] == {"const": SCHEMA_VERSION}
    assert cluster_documents([]).to_dict()["schema"] == SCHEMA_VERSION == 2


def test_every_output_of_the_suite_is_checked() -> None:
    # conftest wraps the functions that make JSON: a result that breaks the schema raises.
    broken = ClusterResult(documents=-1, clusters=[Cluster("a", "single", ["a"], [["a"]])], links=[])
    with pytest.raises(jsonschema.ValidationError, match="-1"):
        broken.to_dict()


def test_an_empty_result_is_a_valid_document() -> None:
    check(cluster_documents([]).to_dict(), "cluster-v2.json")


def test_the_seeds_output_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cluster", str(DATA), "--format", "json"]) == 0
    check(json.loads(capsys.readouterr().out), "cluster-v2.json")
    assert main(["cluster", str(DATA), "--format", "jsonl"]) == 0
    for line in capsys.readouterr().out.splitlines():
        check(json.loads(line), "cluster-v2.json", "line")
    assert main(["explain", str(DATA), "001", "003", "--format", "json"]) == 0
    check(json.loads(capsys.readouterr().out), "explain-v1.json")


# The JSON writer: the indented document by orjson, with the json module's values (and bytes,
# but for floats under 1e-4: "1e-7" for "1e-07"); the json module where orjson refuses a value,
# and for one-line JSON (its lines stay as they were).

def _json_module(value: object, indent: bool) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2 if indent else None)


@pytest.mark.parametrize("indent", [False, True])
def test_the_json_writer_gives_the_json_modules_values(indent: bool) -> None:
    value = {"b": [1, 2.5, 0.1, 1e-7, None, True, "é ✓ \u2028 \x00 \"q\""], "a": {"z": {}, "y": []},
             "c": (3, -4), "d": 123456789012, "e": 0.30000000000000004}
    text = dumps(value, indent=indent)
    assert json.loads(text) == json.loads(_json_module(value, indent))
    assert list(json.loads(text)) == ["a", "b", "c", "d", "e"]
    if indent:
        assert text == _json_module(value, indent).replace("1e-07", "1e-7")
    else:
        assert text == _json_module(value, indent)


def test_the_seed_result_is_written_as_the_json_module_writes_it() -> None:
    result = cluster_documents(load(str(DATA))[0])
    assert to_json(result) == _json_module(result.to_dict(), True)  # the same bytes
    out = io.StringIO()
    write_jsonl(result, out)
    assert out.getvalue() == "".join(_json_module(r, False) + "\n" for r in jsonl_records(result))


def test_the_json_document_is_the_same_written_as_bytes_or_as_text() -> None:
    """write_json sends orjson's bytes straight to a UTF-8 stream's buffer (the command's
    standard output) and writes text elsewhere: the same document, with its line end."""
    result = cluster_documents(load(str(DATA))[0])
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    stream.write("")  # text written before stays before the document
    write_json(result, stream)
    stream.flush()
    text = io.StringIO()
    write_json(result, text)
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="replace")
    write_json(result, latin)
    latin.flush()
    assert raw.getvalue() == (to_json(result) + "\n").encode() == text.getvalue().encode()
    assert latin.buffer.getvalue() == (to_json(result) + "\n").encode("latin-1", "replace")


@pytest.mark.parametrize("value", [
    {"id": "caf\udce9.txt"},  # a lone surrogate: a file name that is not UTF-8
    {1: "a key that is not a str"},
    {"big": 2**70},
])
def test_what_orjson_refuses_the_json_module_writes(value: object) -> None:
    assert dumps(value) == _json_module(value, False)
    assert dumps(value, indent=True) == _json_module(value, True)


@pytest.mark.parametrize("articles", [0, 1, 4097])
def test_the_json_document_written_a_part_at_a_time_is_the_whole_document(articles: int) -> None:
    """write_json streams the lists of clusters, links and articles item by item, chunk by
    chunk: the bytes of the whole document, dumped at once, whatever the number of items."""
    ids = [f"doc-{k:05d}" for k in range(articles)]
    clusters = [Cluster(i, "single", [i], [[i]]) for i in ids]
    seed = cluster_documents(load(str(DATA))[0]).links[0]  # a link as the schema has it
    links = [Link(a, b, seed.kind, {**seed.scores, "score": 0.5 + k / 1e5},
                  {**seed.evidence, "why": "é ✓ \"q\"\nx"})
             for k, (a, b) in enumerate(zip(ids, ids[1:]))]
    details = {i: {"source": None, "published": "2016-01-02", "text": None,
                   "event": {"date": None, "people": ["A b"], "organisations": [],
                             "venue": None, "places": []}} for i in ids}
    result = ClusterResult(documents=articles, clusters=clusters, links=links,
                           titles={i: f"title\t{i}" for i in ids}, details=details)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    write_json(result, stream)
    stream.flush()
    assert raw.getvalue() == (to_json(result) + "\n").encode()
