"""An age with the sex of the person it belongs to (issue 12): "a 3-year-old boy" and "a
3-year-old girl" share no age. Made-up sentences; the batch's column (dedup.pairs.age_column)
against the per-pair rule (dedup.scoring.compare_ages) the crawler index also uses."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.events import extract_event_key, lead_age_sexes
from dedup.normalize import clean_text
from dedup.pairs import age_column
from dedup.scoring import AGE_CODES, compare_ages
from dedup.store import _key_from, _key_json


def key(body: str, title: str = ""):
    return extract_event_key(title, clean_text(body), "2016-04-09")


def test_lead_age_sexes_reads_the_forms_news_uses() -> None:
    assert lead_age_sexes("Girl, 4, dies after shooting", "") == {(4, "f")}
    assert lead_age_sexes("", "A 21-year-old man shot his 2-year-old nephew.") == {
        (21, "m"), (2, "m")}
    assert lead_age_sexes("", "The 3-year-old little girl was hit.") == {(3, "f")}
    assert lead_age_sexes("", "Police said Pat Lee, 25, of Tulsa was hit.") == frozenset()
    assert lead_age_sexes("", "A 9-year-old was shot.") == frozenset()


def test_an_age_of_the_other_sex_is_not_in_common() -> None:
    boy = key("A 3-year-old boy was shot in his home on Friday.")
    girl = key("A 3-year-old girl was shot in her home on Friday.")
    child = key("A 3-year-old was shot in a home on Friday.")
    assert compare_ages(boy, girl) == ("differ", "")
    assert compare_ages(boy, child) == ("match", "3")
    assert compare_ages(boy, key("Boy, 3, shot at home")) == ("match", "3")
    # one age of the same sex in common is enough
    both = key("A 3-year-old girl and her 30-year-old mother were shot.")
    other = key("A 3-year-old boy and his 30-year-old mother were shot.")
    assert compare_ages(both, other) == ("match", "30")


def test_age_sexes_survive_a_saved_index() -> None:
    k = key("A 3-year-old girl was shot in Memphis on Friday.")
    assert _key_from(_key_json(k)).age_sexes == {(3, "f")}
    old = _key_json(k)
    del old["age_sexes"]  # an index saved before sexes were kept
    assert _key_from(old).age_sexes == frozenset()


_SENTENCES = [
    "A 3-year-old boy was shot.", "A 3-year-old girl was shot.", "A 3-year-old was shot.",
    "Boy, 7, shot; his 30-year-old father held.", "A 30-year-old woman was shot.",
    "Nothing was said.", "A 7-year-old girl and a 3-year-old boy were hit.",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCES), min_size=2, max_size=6))
def test_column_agrees_with_the_pair_rule(texts) -> None:
    keys = [key(text) for text in texts]
    left, right = np.triu_indices(len(keys), k=1)  # every pair (i, j), i < j
    column = age_column(keys, left, right)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist())):
        assert AGE_CODES[column[k]] == compare_ages(keys[i], keys[j])[0]
