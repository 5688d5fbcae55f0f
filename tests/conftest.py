"""Shared fixtures: every JSON output checked against its JSON Schema; a Redis server on
loopback for the tests that need one.

CI (`.ci/run`) installs and starts redis-server and sets DEDUP_TEST_REDIS_URL; elsewhere the
fixture starts a private server if the redis-server binary is on PATH, and the tests skip,
saying why, when neither is possible.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from schemas import checked, checked_lines


@pytest.fixture(scope="session", autouse=True)
def json_outputs_follow_their_schemas():
    """Validate every JSON document and line the suite makes against dedup/schema/*.json:
    the functions that build them are wrapped for the whole session (the CLI's JSON is
    these values, dumped)."""
    from dedup import explain, index, report, result

    patch = pytest.MonkeyPatch()
    patch.setattr(result.ClusterResult, "to_dict",
                  checked(result.ClusterResult.to_dict, "cluster-v2.json"))
    write_json = report.write_json

    def checked_write_json(value, out):  # it streams ClusterResult.fields(), not to_dict()
        value.to_dict()  # checked
        write_json(value, out)

    patch.setattr(report, "write_json", checked_write_json)
    patch.setattr(report, "jsonl_records",
                  checked_lines(report.jsonl_records, "cluster-v2.json", "line"))
    patch.setattr(explain.Explanation, "to_dict",
                  checked(explain.Explanation.to_dict, "explain-v1.json"))
    patch.setattr(index.Verdict, "to_dict", checked(index.Verdict.to_dict, "index-v1.json", "verdict"))
    patch.setattr(index.DedupIndex, "stats", checked(index.DedupIndex.stats, "index-v1.json", "stats"))
    patch.setattr(report, "verdicts_document",
                  checked(report.verdicts_document, "index-v1.json"))
    yield
    patch.undo()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    redis = pytest.importorskip("redis", reason="the 'redis' package is not installed")
    url = os.environ.get("DEDUP_TEST_REDIS_URL")
    process = None
    if not url:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("no Redis: DEDUP_TEST_REDIS_URL is unset and redis-server is not on PATH")
        port = _free_port()
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        pytest.skip(f"Redis at {url} does not answer")
    yield url
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_name(redis_url):
    """A fresh key prefix per test, deleted afterwards."""
    import redis

    name = f"dedup-test-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)


@pytest.fixture
def without_fact_pairs(monkeypatch):
    """The candidate sources without the rare-key-fact pairs (``max_fact_holders`` 1), for
    tests of the salient-term blocking and its cap: on the five seeds every shared surname
    is rare, so the fact pairs would propose the pairs the cap keeps apart."""
    import dataclasses

    from dedup.candidates import CandidateRules

    of = CandidateRules.of
    monkeypatch.setattr(CandidateRules, "of", classmethod(
        lambda cls, config: dataclasses.replace(of(config), max_fact_holders=1)))
