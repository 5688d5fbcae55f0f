"""What became of the victims (issue 12): a lead that says someone died against one that says
the victims live. Checked on small made-up sentences; the column-wise version (dedup.pairs)
against the per-pair one (dedup.scoring) that the crawler index uses; the batch and the index
agree; the evidence names it."""

from __future__ import annotations

import io

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from dedup import Config, DedupIndex, Document, cluster_documents
from dedup.events import OUTCOME_CHARS, extract_event_key, lead_outcome
from dedup.explain import explain_pair
from dedup.normalize import clean_text
from dedup.pairs import outcome_column
from dedup.report import render_explanation
from dedup.scoring import OUTCOME_CODES, OUTCOME_POINTS, compare_outcomes, pair_features
from dedup.store import _key_from, _key_json


def key(body: str, title: str = "", published: str | None = "2016-04-09"):
    return extract_event_key(title, clean_text(body), published)


def test_lead_outcome_reads_a_death_or_survivors() -> None:
    assert lead_outcome("Man killed in shooting on Elm Street", "") == "fatal"
    assert lead_outcome("", "A teenager died Sunday after he was shot outside a store.") == "fatal"
    assert lead_outcome("Boy, 4, fatally shot", "") == "fatal"
    assert lead_outcome("", "The boy is in stable condition at a hospital, police said.") == \
        "survived"
    assert lead_outcome("", "Her injuries are non-life-threatening.") == "survived"
    assert lead_outcome("Girl shot in the face expected to survive", "") == "survived"


def test_lead_outcome_says_nothing_when_both_or_neither() -> None:
    # one killed and one wounded in stable condition: the two reports may tell either part
    assert lead_outcome("", "One man was killed and another is in stable condition.") is None
    assert lead_outcome("Man shot on Elm Street", "Police are looking for a gunman.") is None
    assert lead_outcome("", "A man was shot in the leg; he is in critical condition.") is None


def test_lead_outcome_only_from_the_lead() -> None:
    body = "A man was shot on Friday. " + "Police are asking for help. " * 30 + "He died."
    assert len(body) > OUTCOME_CHARS
    assert lead_outcome("", body) is None


def test_compare_outcomes() -> None:
    dead = key("A man was shot and killed on Friday night.")
    alive = key("The man shot on Friday night is in stable condition.")
    assert compare_outcomes(dead, alive) == ("conflict", "fatal ≠ survived")
    assert compare_outcomes(alive, dead) == ("conflict", "survived ≠ fatal")
    assert compare_outcomes(dead, key("A man died after a shooting."))[0] == "unknown"
    assert compare_outcomes(dead, key("A man was shot on Friday."))[0] == "unknown"
    features = pair_features(dead, alive, 0.0, 0.5, 0.5, {}, Config())
    assert features.outcome == "conflict"
    assert OUTCOME_POINTS["conflict"] < 0
    # the conflict costs its points in the score, nothing else changes
    plain = pair_features(dead, dead, 0.0, 0.5, 0.5, {}, Config())
    assert plain.outcome == "unknown"


def test_outcome_survives_a_saved_index() -> None:
    k = key("A man was shot and killed in Memphis on Friday.")
    assert k.outcome == "fatal"
    assert _key_from(_key_json(k)).outcome == "fatal"
    old = _key_json(k)
    del old["outcome"]  # an index saved before outcomes were kept
    assert _key_from(old).outcome is None


_SENTENCES = [
    "A man was shot and killed on Friday.", "The victim is in stable condition.",
    "One died and one is in fair condition.", "Police are looking for a gunman.",
    "Her injuries are not life-threatening.", "A boy, 9, died at the hospital.",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCES), min_size=2, max_size=6))
def test_column_agrees_with_the_pair_rule(texts) -> None:
    keys = [key(text) for text in texts]
    left, right = np.triu_indices(len(keys), k=1)  # every pair (i, j), i < j
    column = outcome_column(keys, left, right)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist())):
        assert OUTCOME_CODES[column[k]] == compare_outcomes(keys[i], keys[j])[0]


def _two_reports(second: str) -> list[Document]:
    return [
        Document(id="a", title="Man shot on Elm Street in Memphis",
                 text="Police in Memphis say a man was shot on Elm Street on Friday night. "
                      "He is in stable condition at a hospital, officers said. Police are "
                      "looking for a gunman who ran from the scene.",
                 published="2016-04-09"),
        Document(id="b", title="Man shot on Elm Street in Memphis",
                 text=f"Police in Memphis say a man was shot on Elm Street on Friday night. "
                      f"{second} Police are looking for a gunman who ran from the scene "
                      f"towards the river.",
                 published="2016-04-09"),
    ]


def test_batch_and_index_agree_and_the_evidence_names_it() -> None:
    for second in ("He died at a hospital, officers said.",
                   "He is at a hospital, officers said."):
        docs = _two_reports(second)
        result = cluster_documents(docs, Config())
        index = DedupIndex()
        verdicts = [index.add(d) for d in docs]
        together = any(len(c.members) == 2 for c in result.clusters)
        assert together == (verdicts[1].status != "new")
        for link in result.links:
            relation = link.evidence["outcome"]["relation"]
            assert relation == ("conflict" if "died" in second else "unknown")


def test_the_conflict_lowers_the_score_by_its_points() -> None:
    died = explain_pair(_two_reports("He died at a hospital, officers said."), "a", "b")
    plain = explain_pair(_two_reports("He is at a hospital, officers said."), "a", "b")
    assert died.event["parts"]["outcome"] == OUTCOME_POINTS["conflict"]
    assert plain.event["parts"]["outcome"] == 0.0
    assert died.event["evidence"]["outcome"]["relation"] == "conflict"
    console = Console(file=io.StringIO(), width=200)
    render_explanation(died, console)
    assert "outcome" in console.file.getvalue()
