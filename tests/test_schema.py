"""The JSON Schemas in dedup/schema/ are valid, shipped, versioned, and enforced on the suite."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import jsonschema
import pytest
from schemas import SCHEMAS, check

from dedup import Cluster, ClusterResult, cluster_documents
from dedup.cli import main
from dedup.result import SCHEMA_VERSION

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
