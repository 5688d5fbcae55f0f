"""Memory of a run: texts stream through the pipeline, so peak memory must not grow with the
size of the corpus on disk (slow: set DEDUP_SLOW=1).

Each measurement runs `dedup cluster` in a fresh Python process: first on the five seed
articles in ``data/`` (so that libraries, the gazetteer and the code are loaded), then on the
corpus; the growth of the peak resident set size (``resource.getrusage(...).ru_maxrss``)
between the two is the cost of the corpus itself.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import large_article
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

MB = 1024 * 1024
DATA = Path(__file__).parent.parent / "data"
SLOW = pytest.mark.skipif(
    os.environ.get("DEDUP_SLOW") != "1", reason="builds and clusters a large corpus: set DEDUP_SLOW=1"
)

_MEASURE = r"""
import contextlib, json, os, resource, sys
from dedup import cli

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB

figures = {}
real_cluster = cli.cluster_documents

def measured_cluster(documents, config, *, skipped, progress, **options):
    def report(stage, done, total):
        if stage != "reading" and "pass" not in figures:
            figures["pass"] = peak()  # the streaming pass over the texts is over
        progress(stage, done, total)
    return real_cluster(documents, config, skipped=skipped, progress=report, **options)

cli.cluster_documents = measured_cluster
with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
    # one process (--jobs 1): its peak is the whole run's
    figures["warm"] = cli.main(["cluster", sys.argv[1], "--format", "json", "--quiet", "-j1"])
    figures.pop("pass")
    figures["before"] = peak()
    figures["code"] = cli.main(["cluster", sys.argv[2], "--format", "json", "--quiet", "-j1"])
figures["after"] = peak()
print(json.dumps(figures))
"""


def peak_growth(corpus: Path) -> dict[str, int]:
    """Run the command on the seed data, then on ``corpus``, in a fresh process.

    Returns the peak RSS (bytes) ``before`` the corpus run, at the end of its streaming pass
    over the texts (``pass``) and at its end (``after``), and the exit codes.
    """
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(DATA), str(corpus)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.splitlines()[-1])


def _vocabulary() -> list[str]:
    """English stop words first (the most frequent words of any text, never TF-IDF terms),
    then made-up words: the ranks of a Zipf distribution, as in real news."""
    rng = random.Random(2024)
    made_up = {
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 11)))
        for _ in range(40_000)
    }
    return sorted(ENGLISH_STOP_WORDS) + sorted(made_up - ENGLISH_STOP_WORDS)


_VOCABULARY = _vocabulary()
# Cumulative Zipf weights, so that each draw is a bisection.
_CUM_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(_VOCABULARY))))


def write_articles(root: Path, total_bytes: int, seed: int = 0) -> int:
    """Write generated ~4 KB articles (a tenth of them edited copies) until ``total_bytes``."""
    rng = random.Random(seed)
    written, count, previous = 0, 0, ""
    while written < total_bytes:
        if previous and rng.random() < 0.1:
            words = previous.split()
            words[rng.randrange(len(words))] = rng.choice(_VOCABULARY)
            body = " ".join(words)
        else:
            body = " ".join(rng.choices(_VOCABULARY, cum_weights=_CUM_WEIGHTS, k=620))
        previous = body
        text = f"Report number {count} on {rng.choice(_VOCABULARY)}\n\n{body}\n"
        path = root / f"{count // 1000:03}" / f"{count:06}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written += len(text)
        count += 1
    return written


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Build the corpus (``DEDUP_MEMORY_MB``, default 200 MiB of ~4 KB articles) and measure."""
    corpus = tmp_path_factory.mktemp("memory") / "corpus"
    on_disk = write_articles(corpus, int(os.environ.get("DEDUP_MEMORY_MB", "200")) * MB)
    figures = peak_growth(corpus)
    print(f"\ncorpus {on_disk / MB:.0f} MiB on disk; peak RSS {figures['before'] / MB:.0f} MiB "
          f"before, {figures['pass'] / MB:.0f} MiB after the pass over the texts, "
          f"{figures['after'] / MB:.0f} MiB at the end")
    return {**figures, "on_disk": on_disk}


@pytest.mark.slow
@SLOW
def test_streaming_pass_does_not_hold_the_texts(corpus_run: dict[str, int]) -> None:
    # What the pass keeps per article (term counts, MinHash signature, event key) is about the
    # size of the article itself (measured: +248 MiB for 200 MiB of ~4 KB articles); holding the
    # texts as well, as the command did before it streamed them, took about twice that.
    assert corpus_run["warm"] == corpus_run["code"] == 0
    assert corpus_run["pass"] - corpus_run["before"] < 1.5 * corpus_run["on_disk"]


@pytest.mark.slow
@SLOW
@pytest.mark.xfail(strict=True, reason=(
    "after the pass, TF-IDF weighting, candidate pairs and scoring still peak at more than the "
    "corpus size (200 MiB of ~4 KB articles: +0.57 GiB at the end, +0.25 GiB after the pass; "
    "it was +0.9 GiB with datasketch's LSH tables, +2.3 GiB before work was done in blocks)"
))
def test_peak_memory_grows_far_less_than_the_corpus(corpus_run: dict[str, int]) -> None:
    assert corpus_run["after"] - corpus_run["before"] < corpus_run["on_disk"] / 2


@pytest.mark.slow
@SLOW
def test_one_50_mb_article_fits_in_bounded_memory(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "large.txt").write_bytes(large_article(50 * MB))
    figures = peak_growth(corpus)
    growth = figures["after"] - figures["before"]
    print(f"\n50 MiB article: peak RSS growth {growth / MB:.0f} MiB")
    assert figures["code"] == 0
    assert growth < 2048 * MB
