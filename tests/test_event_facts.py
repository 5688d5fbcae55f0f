"""Event facts added for dense local news (issue 12): ages in the lead, and a publication-day
guess that does not conflict with an earlier event (follow-ups). Each rule is checked on
small synthetic sentences, and the column-wise versions (dedup.pairs) against the per-pair
ones (dedup.scoring, dedup.events) that the crawler index uses."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Config, DedupIndex, Document, cluster_documents
from dedup.events import EventDate, compare_dates, extract_event_key, lead_ages
from dedup.normalize import clean_text
from dedup.pairs import age_column, date_column
from dedup.scoring import AGE_CODES, DATE_CODES, compare_ages
from dedup.store import _key_from, _key_json


def key(body: str, published: str | None = None, title: str = ""):
    return extract_event_key(title, clean_text(body), published)


# --------------------------------------------------------------------------------------------
# ages


def test_lead_ages_reads_the_forms_news_uses() -> None:
    assert lead_ages("Boy, 11, accidentally shoots self", "") == {11}
    assert lead_ages("", "A 9-year-old boy found a gun. The 34-year-old father was out.") == {9, 34}
    assert lead_ages("", "Police said Miguel Garcia, 25, of Minneapolis died.") == {25}
    assert lead_ages("", "The actress, aged 85, died at home.") == {85}
    assert lead_ages("", "The two-year-old was unhurt.") == frozenset()


def test_lead_ages_ignore_numbers_that_are_no_ages() -> None:
    assert lead_ages("", "On May 4, 2023, 300 people met in Goa.") == frozenset()
    assert lead_ages("", "Scores of 15, 16 and 17 were posted.") == frozenset()
    assert lead_ages("", "a 500-year-old church") == frozenset()


def test_lead_ages_only_from_the_lead() -> None:
    body = "A man was shot on Friday. " + "Nothing else happened. " * 40 + "A 7-year-old ran."
    assert lead_ages("", body) == frozenset()


def test_compare_ages() -> None:
    a, b = key("A 9-year-old boy was shot."), key("Police say the boy, 9, was shot; a 40-year-old")
    assert compare_ages(a, b) == ("match", "9")
    c = key("An 11-year-old boy was shot.")
    assert compare_ages(a, c) == ("differ", "")
    assert compare_ages(a, key("A boy was shot.")) == ("unknown", "")


def test_ages_survive_a_saved_index() -> None:
    k = key("A 9-year-old boy was shot in Memphis on Friday.", "2016-04-08")
    assert _key_from(_key_json(k)).ages == {9}
    old = _key_json(k)
    del old["ages"]  # a file saved before ages were kept
    assert _key_from(old).ages == frozenset()


# --------------------------------------------------------------------------------------------
# a guessed date (the days before publication) and an earlier event


def _guess(published: dt.date, follow_up: bool = True) -> EventDate:
    return EventDate(published - dt.timedelta(days=2), published, True, "metadata",
                     follow_up=follow_up)


_EVENT = EventDate(dt.date(2015, 12, 8), dt.date(2015, 12, 8), True, "weekday", True)


def test_a_later_step_published_after_the_event_does_not_conflict() -> None:
    follow_up = _guess(dt.date(2015, 12, 21))  # "Arrest made in ... shooting", no day named
    assert compare_dates(_EVENT, follow_up, 1) == ("unknown", "")
    assert compare_dates(follow_up, _EVENT, 1) == ("unknown", "")


def test_a_guess_still_conflicts_unless_it_follows() -> None:
    # A report of a shooting that names no day, two weeks after another: two incidents.
    assert compare_dates(_EVENT, _guess(dt.date(2015, 12, 21), follow_up=False), 1)[0] == "conflict"
    # Published on Dec 3, an article cannot report an event of Dec 8, follow-up or not.
    assert compare_dates(_guess(dt.date(2015, 12, 3)), _EVENT, 1)[0] == "conflict"
    # Two days the texts name (no guess) conflict as before.
    named = EventDate(dt.date(2015, 12, 20), dt.date(2015, 12, 20), True, "explicit")
    assert compare_dates(_EVENT, named, 1)[0] == "conflict"


def test_a_follow_up_is_read_from_the_headline_or_lead() -> None:
    arrest = key("Police say a man is in custody after the shooting.", "2015-12-21",
                 title="Arrest made in East Westwood shooting")
    assert arrest.date.guessed and arrest.date.follow_up
    report = key("Police are looking for a gunman.", "2015-12-21", title="Man shot in Dayton")
    assert report.date.guessed and not report.date.follow_up
    dated = key("A man was shot on Tuesday night and a suspect was arrested.", "2015-12-21")
    assert not dated.date.guessed and not dated.date.may_follow


# --------------------------------------------------------------------------------------------
# the columns of all pairs agree with the per-pair rules the index uses

_SENTENCES = [
    "A 9-year-old boy was shot on Friday.", "An 11-year-old was shot yesterday.",
    "Police are looking for a gunman.", "John Smith, 40, was shot on May 2, 2016.",
    "A man was charged in the shooting.",
    "The man, aged 9, was shot on Monday.", "Nothing was said.",
]
_PUBLISHED = [None, "2016-05-03", "2016-05-20", "2016-04-01", "2016-05-06"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SENTENCES), st.sampled_from(_PUBLISHED)),
                min_size=2, max_size=6))
def test_columns_agree_with_the_pair_rules(docs) -> None:
    keys = [key(text, published) for text, published in docs]
    left, right = np.triu_indices(len(keys), k=1)  # every pair (i, j), i < j
    ages = age_column(keys, left, right)
    dates = date_column(keys, left, right, 1)
    for k, (i, j) in enumerate(zip(left.tolist(), right.tolist())):
        assert AGE_CODES[ages[k]] == compare_ages(keys[i], keys[j])[0]
        assert DATE_CODES[dates[k]] == compare_dates(keys[i].date, keys[j].date, 1)[0]


def test_batch_and_index_agree_on_an_age_link() -> None:
    base = ("Police in Memphis say a {age}-year-old boy was shot in the leg on Friday night "
            "near a park. Officers said the boy was taken to hospital.")
    docs = [
        Document(id="a", text=base.format(age=9), title="Boy shot in Memphis",
                 published="2016-04-09"),
        Document(id="b", text="A boy, 9, is in hospital after a shooting in Memphis on "
                 "Friday, officers said. The child was hit in the leg.",
                 title="Child wounded in shooting", published="2016-04-09"),
    ]
    result = cluster_documents(docs, Config())
    index = DedupIndex()
    verdicts = [index.add(d) for d in docs]
    together = any(len(c.members) == 2 for c in result.clusters)
    assert together == (verdicts[1].status != "new")
    if together:
        assert "aged 9" in result.links[0].evidence["why"]


# --------------------------------------------------------------------------------------------
# the error analysis and the leave-one-set-out choice run on any labeled JSONL


def _labeled(path, prefix: str) -> None:
    rows = []
    for n, (city, age) in enumerate([("Memphis", 9), ("Dallas", 4), ("Tulsa", 15)]):
        for k in range(2):
            rows.append({
                "id": f"{prefix}{n}{k}", "cluster": f"{prefix}{n}",
                "title": f"Boy, {age}, shot in {city}" if k else f"{city} shooting wounds boy",
                "text": f"Police in {city} say a {age}-year-old boy was shot on Friday night "
                        f"near a park in {city}. Officers said the boy is in hospital.",
                "date": "2016-04-09",
            })
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_errors_and_loso_run_on_small_files(tmp_path, capsys) -> None:
    from benchmarks import errors, loso

    files = []
    for name in ("a", "b"):
        _labeled(tmp_path / f"{name}.jsonl", name)
        files.append(str(tmp_path / f"{name}.jsonl"))
    assert errors.main([*files, "--samples", "1"]) == 0
    out = capsys.readouterr().out
    assert "a.jsonl" in out and "missed gold pairs" in out
    assert loso.main(files) == 0
    out = capsys.readouterr().out
    assert out.count(".jsonl") >= 2 and "held out" in out
    assert loso.main([*files, "--rules"]) == 0
    out = capsys.readouterr().out
    assert "rules chosen on the others" in out and "round-up, streets:" in out
