"""The text pass in worker processes (``jobs``): the same corpus and the same output, byte for
byte, as one process; a failing document skipped in a worker as in one process; no pool for
a short input."""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import pytest
from hostile import boom_on

from dedup import ConfigError, Document, cluster_documents, corpus, pipeline, workers
from dedup.cli import main
from dedup.documents import Skipped
from dedup.pipeline import build_corpus
from dedup.report import to_json

DATA = Path(__file__).parent.parent / "data"
GOA = ("India and Russia held talks in Goa on Thursday about trade and energy, officials said. "
       "Foreign Minister S Jaishankar met Sergey Lavrov at the SCO meeting in Benaulim. ")


def corpus_docs() -> list[Document]:
    """Sixty articles: copies, same-event reports, three sites with their own chrome (two of
    them with fewer pages than a site's held first pages), words in lower and upper case."""
    docs = []
    for k in range(60):
        site = ("herald", "times", "wire", None)[k % 4]
        chrome = f"{site} is now on WhatsApp\nFollow the {site} app\n" if site else ""
        story = k % 9
        text = (f"Story {story} headline\n{chrome}"
                + GOA * (1 + story % 3)
                + f"Mayor Ferreira{story} of Port{story} opened bridge {story} on Monday. " * 3
                + (f"A reader note {k}. " if k % 5 else ""))
        source = None if site is None or (site == "wire" and k > 30) else site
        docs.append(Document(f"doc-{k:02d}", text, title=f"Story {story} headline",
                             published=f"2023-05-{1 + story:02d}", source=source))
    return docs


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Batches of 5 documents, and the pool from the first batch: a test corpus goes through
    many batches in the workers (they are forked, so they see these settings). Records the
    pools started (their number of workers)."""
    monkeypatch.setattr(pipeline, "BATCH_DOCUMENTS", 5)
    monkeypatch.setattr(workers, "POOL_AFTER", 0)
    started: list[int] = []
    real = workers._start

    def start(config: pipeline.Config, jobs: int):
        started.append(jobs)
        return real(config, jobs)

    monkeypatch.setattr(workers, "_start", start)
    return started


def test_two_jobs_give_the_corpus_and_the_json_of_one(small_batches: list[int]) -> None:
    docs = corpus_docs()
    one, failed_one = build_corpus(docs, pipeline.Config(), lambda *a: None, jobs=1)
    two, failed_two = build_corpus(docs, pipeline.Config(), lambda *a: None, jobs=2)
    assert one.vocabulary.words == two.vocabulary.words  # tokens numbered in the same order
    assert [r for r in one.records] == [r for r in two.records]
    assert (one.finish()[0] == two.finish()[0]).all()
    assert one.common_words == two.common_words
    assert failed_one == failed_two == []
    assert to_json(cluster_documents(docs, jobs=2)) == to_json(cluster_documents(docs, jobs=1))
    assert small_batches == [2, 2]  # the two runs with jobs=2 went through a pool


def test_the_command_prints_the_same_bytes_with_one_and_two_jobs(small_batches: list[int]) -> None:
    printed = []
    for jobs in ("1", "2"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["cluster", str(DATA), "--format", "json", "-q", "--jobs", jobs]) == 0
        printed.append(out.getvalue())
    assert printed[0] == printed[1]
    assert '"documents": 5' in printed[0]
    assert small_batches == [2]


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="the failure is planted by a monkeypatch, which only forked workers see")
def test_a_document_that_fails_in_a_worker_is_skipped_as_in_one_process(
    small_batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus, "analyse_batch", boom_on("POISON", corpus.analyse_batch))
    docs = corpus_docs()
    docs[7] = Document("poisoned", "POISON " + docs[7].text, title=docs[7].title)
    docs[23] = Document("doc-03", "a second doc-03")  # a duplicate id, reported in input order
    docs[41] = Document("poisoned-too", "More POISON. " + docs[41].text, source="herald")
    results = [cluster_documents(docs, jobs=jobs) for jobs in (1, 2)]
    assert to_json(results[0]) == to_json(results[1])
    assert [(s.id, s.reason) for s in results[1].skipped] == [
        ("poisoned", "internal error: RuntimeError: boom in POISON"),
        ("doc-03", "duplicate id 'doc-03'"),
        ("poisoned-too", "internal error: RuntimeError: boom in POISON"),
    ]
    assert all(isinstance(s, Skipped) for s in results[1].skipped)
    assert small_batches == [2]


def test_a_short_input_starts_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(workers, "_start", no_pool)
    assert cluster_documents(corpus_docs(), jobs=2).documents == 60


@pytest.mark.parametrize("jobs", [0, -1, 1.5, "2", True])
def test_jobs_must_be_a_whole_number_of_1_or_more(jobs: object) -> None:
    with pytest.raises(ConfigError, match=r"The 'jobs' parameter must be a whole number of 1 or "
                                          rf"more, or None for one process per core\. Got {jobs!r}"):
        cluster_documents([], jobs=jobs)  # type: ignore[arg-type]


def test_jobs_none_is_one_per_core() -> None:
    assert workers.checked_jobs(None) == workers.available_cores() >= 1
    assert cluster_documents(corpus_docs()[:3], jobs=None).documents == 3


def test_the_command_checks_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cluster", str(DATA), "--jobs", "0"]) == 2
    assert "argument --jobs/-j: must be 1 or more, got 0" in capsys.readouterr().err


def test_rows_counted_in_a_worker_are_the_rows_counted_here() -> None:
    """A worker counts its documents' terms with its own vocabulary (similarity.count_rows);
    kept through another numbering (TermCounts.add_counted), they are the rows add_ids makes
    of the same words: same columns in the same order, same counts."""
    import numpy as np

    from dedup.similarity import TermCounts, count_rows
    from dedup.vocabulary import Vocabulary

    texts = [("Storm hits coast", "The storm hit the coast and the storm moved north."),
             ("", "Rain, rain and more rain in the north."),
             ("Coast road closed", "Police closed the coast road after the storm.")]
    here, apart = Vocabulary(), Vocabulary()
    apart.ids("north zebra rain police")  # the worker numbers words in another order
    direct = TermCounts(here)
    parts = []
    for title, body in texts:
        direct.add_ids(here.ids(title), here.ids(body))
        parts.append((apart.ids(title), apart.ids(body)))
    direct.add_ids(here.ids("Storm"), here.ids("storm storm"))  # settled with a batch of rows
    parts.append((apart.ids("Storm"), apart.ids("storm storm")))
    indptr, cols, counts = count_rows(parts, apart.content())
    numbering = here.add_all(apart.words)
    kept = TermCounts(here)
    kept.add_counted(indptr, numbering[cols], counts)
    want, got = direct.matrix(), kept.matrix()
    assert got.indptr.tolist() == want.indptr.tolist()
    assert got.indices.tolist() == want.indices.tolist()
    assert got.data.tolist() == want.data.tolist()
    assert np.diff(got.indices[got.indptr[0]:got.indptr[1]]).min() > 0
