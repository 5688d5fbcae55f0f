"""The Spark engine (dedup.spark): the same JSON as the default engine, whatever the
partitioning and the input order; connected components by large-star/small-star; the
bucket of texts without shingles.

Spark starts once for the module (a local[2] session, about 10 s); every test skips, saying
why, without pyspark or Java, and in CI's pure-Python pass. The default run (CI) keeps the
seeds at 1, 3 and 7 partitions shuffled, the smallest labeled file shuffled at 3, the
components and the bucket of texts without shingles; DEDUP_SLOW=1 adds the full matrix
(every labeled file at 1, 3 and 7 partitions, in order and shuffled), a path read by the
executors and the command.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from dedup.cluster import UnionFind
from dedup.config import Config
from dedup.documents import Document
from dedup.loaders import load
from dedup.pipeline import cluster_documents
from dedup.report import to_json

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data"
SHARED = ROOT.parent / "shared" / "data"
SLOW = os.environ.get("DEDUP_SLOW") == "1"
slow = pytest.mark.skipif(not SLOW, reason="DEDUP_SLOW=1 runs it (CI's time budget)")


@pytest.fixture(scope="session")
def spark():
    if os.environ.get("DEDUP_PURE_PYTHON") and not SLOW:
        # CI's second pass: the Spark engine calls the kernels the default engine calls, and
        # each test compares the two, so this pass would check nothing new at its cost
        pytest.skip("DEDUP_PURE_PYTHON: the Spark tests run in the compiled pass "
                    "(DEDUP_SLOW=1 runs them here too)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'dedup[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java: Spark needs a JVM (java on PATH or JAVA_HOME)")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("dedup-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.default.parallelism", "2")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.python.worker.reuse", "true")
               .config("spark.shuffle.compress", "false")
               .config("spark.rdd.compress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def small_partitions(monkeypatch):
    """A partition per 2 documents (the engine gives small inputs one partition, see
    PARTITION_DOCS): so the tests' few documents are spread as a large input's are."""
    from dedup import spark as engine

    monkeypatch.setattr(engine, "PARTITION_DOCS", 2)
    monkeypatch.setattr(engine, "SCORE_BLOCK_ROWS", 2)  # pairs scored in blocks of 2 rows


def both_engines(spark, docs, partitions, skipped=(), config=None):
    from dedup.spark import cluster_spark

    stats: dict[str, int] = {}
    want = to_json(cluster_documents(docs, config, skipped=list(skipped)))
    got = to_json(cluster_spark(spark, docs, config, partitions=partitions,
                                skipped=list(skipped), stats=stats))
    return want, got, stats


def shuffled(docs, seed):
    docs = list(docs)
    random.Random(seed).shuffle(docs)
    return docs


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_seeds_as_the_default_engine(spark, small_partitions, partitions):
    docs, skipped = load(SEEDS)
    want, got, stats = both_engines(spark, shuffled(docs, partitions), partitions, skipped)
    assert got == want
    assert stats["documents"] == len(docs)
    assert json.loads(got)["links"], "the seeds hold one same-event link"
    assert stats["spark jobs"] >= 3 and stats["spark tasks"] >= stats["spark stages"] > 0


def test_a_binding_cap_on_partners_as_the_default_engine(spark, small_partitions,
                                                        without_fact_pairs):
    # The seeds' later reports share salient terms with every earlier one: a cap of one
    # partner binds, and both engines must keep the same partner for each (without the
    # rare-fact pairs, which pair every seed that shares a surname).
    import numpy as np

    from dedup.candidates import candidate_sources, unique_pairs
    from dedup.corpus import Corpus
    from dedup.similarity import tfidf

    docs, skipped = load(SEEDS)
    config = Config(max_partners=1)
    corpus = Corpus(config)
    corpus.add_batch(docs)
    signatures, _ = corpus.finish()
    body = tfidf(corpus.terms.matrix())[0]
    found = {capped: len(candidate_sources(corpus.records, signatures, body, config,
                                           capped=capped)["blocking"])
             for capped in (False, True)}
    assert found[False] > found[True], f"the cap binds on the seeds: {found}"
    sources = candidate_sources(corpus.records, signatures, body, config)
    every = np.concatenate(list(sources.values()))
    want, got, stats = both_engines(spark, docs, 3, skipped, config)
    assert got == want
    assert stats["candidates"] == len(unique_pairs(every[:, 0], every[:, 1], len(docs)))


def test_components_found_by_spark_or_on_the_driver_agree(spark, small_partitions,
                                                          monkeypatch):
    """With no edge allowed on the driver, the components go through large-star/small-star;
    with no blocks, the pairs are scored through the pair join: the same JSON."""
    from dedup import spark as engine

    monkeypatch.setattr(engine, "DRIVER_EDGES", 0)
    monkeypatch.setattr(engine, "SCORE_BLOCKS", 0)
    docs, skipped = load(SEEDS)
    want, got, stats = both_engines(spark, shuffled(docs, 4), 3, skipped)
    assert got == want
    assert stats["edges"] > 0


def test_small_inputs_take_few_partitions():
    from dedup.spark import PARTITION_DOCS, partitions_for

    assert partitions_for(0, 8) == partitions_for(5, 8) == 1
    assert partitions_for(PARTITION_DOCS + 1, 8) == 2
    assert partitions_for(100 * PARTITION_DOCS, 8) == 8
    # without a most, the partitions grow with the input (8 partitions of 100,000 articles
    # on local[2] ran the JVM out of its default heap)
    assert partitions_for(100 * PARTITION_DOCS) == 100
    assert partitions_for(0) == 1


def _shared_cases():
    files = sorted(SHARED.glob("*.jsonl")) if SHARED.is_dir() else []
    if SLOW:
        return [(f, p, s) for f in files for p in (1, 3, 7) for s in (None, p)]
    # quick: the smallest file, shuffled, at 3 partitions
    return [(min(files, key=lambda f: f.stat().st_size), 3, 3)] if files else []


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/ is absent")
@pytest.mark.parametrize("path,partitions,seed", _shared_cases(),
                         ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_labeled_files_as_the_default_engine(spark, path, partitions, seed, monkeypatch):
    from dedup import spark as engine

    monkeypatch.setattr(engine, "PARTITION_DOCS", 100)
    docs, skipped = load(path)
    if seed is not None:
        docs = shuffled(docs, seed)
    want, got, stats = both_engines(spark, docs, partitions, skipped)
    assert got == want
    assert stats["candidates"] >= stats["scored pairs"] > 0


@slow
def test_a_path_read_by_the_executors(spark, small_partitions, tmp_path):
    """A JSONL file given as a path: its lines are read and numbered by Spark, with settings
    other than the defaults (they reach the executors)."""
    from dedup.spark import cluster_spark

    config = Config(same_event_threshold=0.2, cluster_threshold=0.1, shingle_size=3)
    docs, _ = load(SEEDS)
    path = tmp_path / "seeds.jsonl"
    records = [{"id": d.id, "text": d.text, "title": d.title} for d in docs]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n{not json}\n")
    got = cluster_spark(spark, str(path), config, partitions=2)
    want = cluster_documents(load(path)[0], config)
    assert got.clusters == want.clusters and got.links == want.links
    assert got.details == want.details
    assert [s.reason for s in got.skipped] == [s.reason for s in load(path)[1]]


def test_components_by_large_star_small_star(spark):
    from dedup.spark import connected_components

    path = [(k, k + 1) for k in range(10, 30)]  # a path 10-11-...-30, given in order
    star = [(100, leaf) for leaf in (90, 95, 101, 150, 99)]  # centre 100, smallest leaf 90
    spokes = [(leaf, 200) for leaf in range(201, 240)]  # a star centred on its smallest
    reversed_path = [(k + 1, k) for k in range(500, 460, -1)]
    edges = path + star + spokes + reversed_path + [(7, 7)]  # a loop: vertex 7 stands alone
    sc = spark.sparkContext
    got = dict(connected_components(sc.parallelize(random.Random(1).sample(edges, len(edges)), 3),
                                    4).collect())
    vertices = sorted({v for e in edges for v in e if e[0] != e[1]})
    union = UnionFind(max(vertices) + 1)
    for a, b in edges:
        union.union(a, b)
    smallest: dict[int, int] = {}
    for v in vertices:
        smallest.setdefault(union.find(v), v)
    assert got == {v: smallest[union.find(v)] for v in vertices}
    assert 7 not in got  # an isolated vertex is on no edge: it is its own component
    assert {got[10], got[30], got[90], got[150], got[239], got[461]} == {10, 90, 200, 461}


def test_a_bucket_of_texts_without_shingles(spark, small_partitions, monkeypatch):
    """500 texts with no word (one signature, one LSH bucket in every band: 124,750 pairs)
    beside a few articles: the pairs are made once, by several tasks, and counted."""
    from dedup import spark as engine

    monkeypatch.setattr(engine, "BUCKET_SPLIT", 100)
    rng = random.Random(5)
    words = ["alpha", "bravo", "delta", "echo", "golf", "hotel", "india", "kilo", "lima"]
    docs = [Document(f"empty-{k:03d}", rng.choice(["", "—", "* * *", "...", "\n\n"]),
                     title=" ".join(rng.sample(words, 2)) + f" {k}")
            for k in range(500)]
    seeds, _ = load(SEEDS)
    docs = shuffled(docs + seeds, 2)
    want, got, stats = both_engines(spark, docs, 3)
    assert got == want
    assert stats["empty texts"] == 500
    assert stats["buckets split"] >= 1
    assert stats["candidates"] >= 500 * 499 // 2


@pytest.mark.parametrize("driver_edges", [None, 0], ids=["driver labels", "component rdd"])
def test_parquet_written_by_the_executors(spark, small_partitions, tmp_path, monkeypatch,
                                          driver_edges):
    """output=: the article rows of --format jsonl, the links of --format json and the
    skipped inputs, as Parquet, equal to the default engine's; with the components found
    on the driver and through large-star/small-star (articles on no edge found either way)."""
    from dedup import spark as engine
    from dedup.report import jsonl_rows
    from dedup.spark import ARTICLE_COLUMNS, Written, cluster_spark

    if driver_edges is not None:
        monkeypatch.setattr(engine, "DRIVER_EDGES", driver_edges)

    docs, skipped = load(SEEDS)
    docs = shuffled(docs, 3) + [Document(docs[0].id, "a second text with the same id")]
    want = cluster_documents(docs, skipped=list(skipped))
    written = cluster_spark(spark, docs, partitions=3, skipped=list(skipped),
                            output=tmp_path / "out")
    assert isinstance(written, Written) and written.documents == want.documents
    assert written.skipped == want.skipped
    articles = spark.read.parquet(str(tmp_path / "out" / "articles")).collect()
    assert sorted((r.asDict() for r in articles), key=lambda r: r["id"]) == [
        {c: row[c] for c in ARTICLE_COLUMNS} for row in jsonl_rows(want)]
    links = spark.read.parquet(str(tmp_path / "out" / "links")).collect()
    assert sorted((r.a, r.b, r.kind, json.loads(r.scores), json.loads(r.evidence))
                  for r in links) == [(k.a, k.b, k.kind, k.scores,
                                       json.loads(json.dumps(k.evidence))) for k in want.links]
    assert len(want.links) >= 1
    gone = spark.read.parquet(str(tmp_path / "out" / "skipped")).collect()
    assert [r.reason for r in gone] == [s.reason for s in want.skipped]
    assert any("duplicate id" in r.reason for r in gone)


def test_the_command_writes_parquet(spark, tmp_path, capsys):
    from dedup.cli import main

    out = tmp_path / "stories"
    assert main(["cluster", str(SEEDS), "--engine", "spark", "--master", "local[2]",
                 "--parquet", str(out)]) == 0
    docs, _ = load(SEEDS)
    articles = spark.read.parquet(str(out / "articles")).collect()
    assert sorted(r.id for r in articles) == sorted(d.id for d in docs)
    assert "written as Parquet" in capsys.readouterr().err
    # the folder is there now: Spark does not write over it, and says so
    assert main(["cluster", str(SEEDS), "--engine", "spark", "--master", "local[2]",
                 "--parquet", str(out)]) == 2
    assert "could not write the Parquet output" in capsys.readouterr().err


@pytest.mark.parametrize("args,message", [
    (["--parquet", "out"], "--parquet is for --engine spark"),
    (["--engine", "spark", "--parquet", "out", "--format", "json"], "no --format"),
])
def test_parquet_flag_usage(capsys, args, message):
    from dedup.cli import main

    assert main(["cluster", str(SEEDS), *args]) == 2
    assert message in capsys.readouterr().err


@slow
def test_the_command(spark, capsys):
    """dedup cluster --engine spark prints the default engine's JSON (the session the
    command asks for is the one running: Spark's builder returns it)."""
    from dedup.cli import main

    assert main(["cluster", str(SEEDS), "--format", "json", "--jobs", "1"]) == 0
    want = capsys.readouterr().out
    assert main(["cluster", str(SEEDS), "--format", "json", "--engine", "spark",
                 "--master", "local[2]"]) == 0
    assert capsys.readouterr().out == want


def test_the_command_hands_a_uri_to_the_executors(spark, tmp_path, capsys):
    """A PATH with a scheme is read by Spark's executors (here file://, as hdfs:// or s3a://
    would be): the same JSON as the default engine's of the same file read locally."""
    from dedup.cli import main

    docs, _ = load(SEEDS)
    path = tmp_path / "seeds.jsonl"
    path.write_text("".join(json.dumps({"id": d.id, "title": d.title, "text": d.text,
                                        "published": d.published}, default=str) + "\n"
                            for d in docs), encoding="utf-8")
    assert main(["cluster", str(path), "--format", "json", "--jobs", "1"]) == 0
    want = capsys.readouterr().out
    assert main(["cluster", path.as_uri(), "--format", "json", "--engine", "spark",
                 "--master", "local[2]"]) == 0
    assert capsys.readouterr().out == want
    assert main(["cluster", (tmp_path / "absent.jsonl").as_uri(), "--format", "json",
                 "--engine", "spark", "--master", "local[2]"]) == 2
    assert "absent.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize("paths,message", [
    (["s3a://crawl/may/"], "Spark's executors read those (--engine spark)"),
    (["hdfs://nn/crawl/", "data/"], "give it alone"),
])
def test_uri_usage(capsys, paths, message):
    from dedup.cli import main

    engine = ["--engine", "spark"] if len(paths) > 1 else []
    assert main(["cluster", *paths, *engine]) == 2
    assert message in capsys.readouterr().err


# -- without Spark: the functions the executors run -------------------------------------------


def test_site_plan_gives_the_default_engines_analysis_order():
    """Pages of sites with 8 pages or more, with fewer, and without a site, interleaved:
    sorted by the positions of _site_plan, they are in the order build_corpus keeps them,
    and each page gets the chrome the default engine analyses it with."""
    from dedup.boilerplate import source_of
    from dedup.pipeline import ChromeSchedule, build_corpus, page_keys_of
    from dedup.spark import _site_plan

    rng = random.Random(3)
    sites = ["big.example"] * 12 + ["mid.example"] * 8 + ["small.example"] * 3 + [None] * 6
    rng.shuffle(sites)
    docs = [Document(f"d{k:02d}", f"Menu line of {site}\nStory {k} about {rng.random()}.\n"
                     f"Follow {site} on social media", source=site)
            for k, site in enumerate(sites)]
    corpus, _ = build_corpus(docs, Config(), lambda *a: None)
    by_site: dict[str, list] = {}
    for ordinal, doc in enumerate(docs):
        if source_of(doc) is not None:
            by_site.setdefault(source_of(doc), []).append((ordinal, page_keys_of(doc)))
    planned = {ordinal: plan for site in by_site.items() for ordinal, plan in _site_plan(site)}
    positions = [planned[k][0] if k in planned else (0, k, 0) for k in range(len(docs))]
    order = sorted(range(len(docs)), key=lambda k: positions[k])
    assert [docs[k].id for k in order] == [r.id for r in corpus.records]
    # the chrome: what the schedule hands out, fed the documents one by one
    schedule = ChromeSchedule()
    chrome = {}
    for doc in docs:
        chrome.update((d.id, own) for d, own in schedule.offer(doc, source_of(doc), page_keys_of(doc)))
    chrome.update((d.id, own) for d, own in schedule.rest())
    assert {docs[k].id: planned[k][1] for k in planned} == {
        d.id: chrome[d.id] for d in docs if d.source}
    assert any(chrome.values())  # some chrome was learned


def test_bucket_chunks_make_every_pair_once():
    from dedup.spark import _chunk_pairs, _chunk_tasks

    members = [(row, row % 3 == 0) for row in range(0, 1000, 2)]  # 500 rows, a third empty
    for band in (0, 4):
        pairs = [p for task in _chunk_tasks(((band, b""), members)) for p in _chunk_pairs(*task)]
        assert len(pairs) == len(set(pairs))
        expected = {(a, b) for k, (a, ea) in enumerate(members) for b, eb in members[k + 1:]
                    if band == 0 or not (ea and eb)}
        assert set(pairs) == expected


def test_a_local_session_gets_a_driver_heap_unless_the_user_set_one(tmp_path):
    """A local master runs the executors in the driver's JVM: its heap is a quarter of the
    machine's memory (Spark's 1 GB ran out at 100,000 articles), never below Spark's 1 GB;
    the user's own setting (PYSPARK_SUBMIT_ARGS, spark-defaults.conf) and other masters are
    left alone."""
    from dedup.spark import local_driver_memory

    gib = 2**30
    assert local_driver_memory("local[*]", {}, 24 * gib) == "6144m"
    assert local_driver_memory("local[2]", {}, 2 * gib) == "1024m"
    assert local_driver_memory("spark://host:7077", {}, 24 * gib) is None
    assert local_driver_memory(
        "local[2]", {"PYSPARK_SUBMIT_ARGS": "--driver-memory 2g pyspark-shell"}, 24 * gib) is None
    for name in ("SPARK_DRIVER_MEMORY", "SPARK_MEM"):
        assert local_driver_memory("local[2]", {name: "2g"}, 24 * gib) is None
    assert local_driver_memory(
        "local[2]", {"PYSPARK_SUBMIT_ARGS": "--properties-file my.conf pyspark-shell"},
        24 * gib) is None
    (tmp_path / "spark-defaults.conf").write_text("# spark.driver.memory 3g\n")
    assert local_driver_memory("local", {"SPARK_CONF_DIR": str(tmp_path)}, 8 * gib) == "2048m"
    (tmp_path / "spark-defaults.conf").write_text("spark.driver.memory 3g\n")
    assert local_driver_memory("local", {"SPARK_CONF_DIR": str(tmp_path)}, 24 * gib) is None
    assert local_driver_memory("local", {"SPARK_HOME": str(tmp_path / "none")}, 8 * gib) == "2048m"


def test_files_read_by_the_executors_as_the_loader_reads_them(spark, tmp_path):
    """A folder of JSON Lines files read by the executors as the loader reads it: the files
    in the order of their paths (``a b`` before ``a!b``, whose URIs sort the other way), a
    subfolder, a gzipped file, an empty file skipped, small splits (which Spark's text
    source orders by size), lines ended by ``\\n`` alone (a lone ``\\r`` is JSON
    whitespace), the lines as bytes, so a line that is not UTF-8 (a cp1252 quote) is skipped
    with the loader's reason and its line number in its own file."""
    import gzip

    from dedup.errors import InputError
    from dedup.spark import cluster_spark

    docs, _ = load(SEEDS)
    records = [json.dumps({"id": d.id, "text": d.text, "title": d.title}).encode()
               for d in docs]
    folder = tmp_path / "dump"
    (folder / "sub").mkdir(parents=True)
    quote = b'{"id": "q", "text": "The mayor said \x93we will rebuild\x94 on Monday."}'
    cr = b'{"id": "r",\r "text": "A line with a carriage return inside its JSON."}'
    # an id in both files: the loader keeps the first read ("a b"), and so must Spark
    twice = [json.dumps({"id": "twice", "text": doc.text[:600]}).encode()
             for doc in (docs[0], docs[2])]  # a copy of the first seed, then of the third
    (folder / "a!b.jsonl").write_bytes(b"\n".join([*records[2:4], quote, cr, twice[1], b""]))
    (folder / "a b.jsonl").write_bytes(b"\n".join([*records[:2], twice[0], b"", b""]))
    (folder / "c.jsonl").write_bytes(b"")
    (folder / "sub" / "d.jsonl.gz").write_bytes(gzip.compress(records[4] + b"\n"))
    want_docs, want_skipped = [], []
    for part in sorted(str(f) for f in folder.rglob("*") if f.is_file()):
        got_docs, got_skipped = load(part)  # each file's own ids (a folder's get prefixes)
        want_docs += got_docs
        want_skipped += got_skipped
    reasons = sorted((s.reason, s.line) for s in want_skipped)
    assert ("empty file", None) in reasons
    assert ("invalid JSON: line is not valid UTF-8", 3) in reasons
    spark.conf.set("spark.sql.files.maxPartitionBytes", "4096")  # splits of a few lines
    try:
        got = cluster_spark(spark, str(folder), partitions=3)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    want = cluster_documents(want_docs)  # the second "twice" skipped as a duplicate id
    assert got.clusters == want.clusters and got.links == want.links
    assert got.details == want.details
    assert any({"twice", docs[0].id} <= set(c.members) for c in got.clusters)
    # the duplicate id is named with the pipeline's reason, not the loader's (docs/spark.md)
    assert sorted((s.reason, s.line, Path(s.path).name) for s in got.skipped
                  if s.id is None) == \
        sorted((s.reason, s.line, Path(s.path).name) for s in want_skipped if s.id is None)
    with pytest.raises(InputError, match="Spark cannot read it"):
        cluster_spark(spark, str(tmp_path / "missing.jsonl"))
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(b"\n".join(records))[:300])
    with pytest.raises(InputError, match="Spark could not read it"):
        cluster_spark(spark, str(tmp_path / "cut.jsonl.gz"))


def test_articles_that_name_nobody(spark, small_partitions):
    """Pairs scored in a block whose articles name no person or organisation (text in lower
    case, as a page in another language reads): the names' weights are as wide as their
    marks (a scoring block of such articles failed with a dimension mismatch)."""
    base = ("the storm flooded the low streets of the old port on tuesday night and the "
            "water reached the first floors of many houses near the river before dawn ")
    docs = [Document(f"n{k}", base * 3 + f"report number {k} ends here with a few words",
                     published="2024-03-0" + str(1 + k % 3)) for k in range(6)]
    want, got, _ = both_engines(spark, docs, 3)
    assert got == want
