"""Tests of dedup.events (event dates, people, places) and dedup.scoring.compare_places, on
the seed articles and on small synthetic sentences."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.analysis import prepare
from dedup.documents import Document
from dedup.events import EventDate, compare_dates, extract_date, extract_event_key, read_date
from dedup.gazetteer import places
from dedup.loaders import extract_title
from dedup.normalize import clean_text
from dedup.scoring import compare_places

DATA = Path(__file__).parent.parent / "data"
ID_001 = "001_3c3691ab191d1581.txt"
ID_003 = "003_4d085d6045524fb2.txt"


def seed_key(name: str):
    text = (DATA / name).read_text(encoding="utf-8")
    # The title is the first meaningful line, as the folder loader finds it (003 opens with
    # the "MY KOLKATA EDUGRAPH" masthead, not its headline).
    return prepare(Document(id=name, text=text, title=extract_title(text))).key


def key(body: str, published: str | None = None, title: str = ""):
    return extract_event_key(title, clean_text(body), published)


def day(year: int | None, month: int, d: int) -> dt.date:
    return dt.date(2000 if year is None else year, month, d)


# --------------------------------------------------------------------------------------------
# Seed articles


def test_003_event_date_from_dateline_not_page_banner() -> None:
    # "PTI Benaulim (Goa) Published 04.05.23" and "on Thursday" (4 May 2023 was a Thursday);
    # the page banner "Friday, 22 November 2024" is not when the talks happened.
    date = seed_key(ID_003).date
    assert date is not None
    assert date.year_known
    assert date.lo == date.hi == dt.date(2023, 5, 4)
    assert date.label() == "2023-05-04"
    assert dt.date(2024, 11, 22) not in (date.lo, date.hi)


def test_001_event_date_is_partial_and_contains_may_4() -> None:
    # "New Delhi, May 5 (IANS)": no year; "on Thursday" lies in the week before May 5.
    date = seed_key(ID_001).date
    assert date is not None
    assert not date.year_known
    assert date.lo <= day(None, 5, 4) <= date.hi
    assert date.hi <= day(None, 5, 5)
    assert "2023" not in date.label()


def test_seed_dates_agree() -> None:
    relation, label = compare_dates(seed_key(ID_001).date, seed_key(ID_003).date, 1)
    assert relation in ("same", "overlap")
    assert label == "2023-05-04"


def test_001_venue_is_goa_not_the_dateline_desk() -> None:
    k = seed_key(ID_001)
    assert k.venue == "goa"
    assert "goa" in k.places
    assert k.dateline_place == "new delhi"
    assert k.venue != "new delhi"


def test_003_places_include_benaulim_inside_goa() -> None:
    k = seed_key(ID_003)
    assert "benaulim" in k.places
    assert "goa" in k.place_parents["benaulim"]
    assert k.venue in ("benaulim", "goa")


@pytest.mark.parametrize("name", [ID_001, ID_003])
def test_seed_people(name: str) -> None:
    people = seed_key(name).people
    assert {"jaishankar", "lavrov"} <= people


def test_seed_venues_match() -> None:
    relation, label = compare_places(seed_key(ID_001), seed_key(ID_003))
    assert relation == "match"
    assert "Goa" in label


# --------------------------------------------------------------------------------------------
# People: name variants


@pytest.mark.parametrize(
    "sentence",
    [
        "External Affairs Minister S Jaishankar met Russian Foreign Minister Sergey Lavrov in "
        "Moscow on Tuesday.",
        "Dr S Jaishankar met Sergei Lavrov in Moscow.",
        "Subrahmanyam Jaishankar and Sergey Lavrov held talks in Moscow.",
        "Foreign Ministers Sergey Lavrov and Dr S Jaishankar hold talks in Panaji.",
        # The title form counts once the article names him in full too.
        "S Jaishankar arrived in Moscow on Monday. Later EAM Jaishankar met Sergei Lavrov.",
    ],
)
def test_name_variants_key_on_surname(sentence: str) -> None:
    assert {"jaishankar", "lavrov"} <= key(sentence).people


def test_sergey_and_sergei_are_one_person() -> None:
    a = key("Russian Foreign Minister Sergey Lavrov spoke to reporters in Moscow.")
    b = key("Russian Foreign Minister Sergei Lavrov spoke to reporters in Moscow.")
    assert a.people == b.people == {"lavrov"}


def test_title_and_surname_alone_is_a_person() -> None:
    assert "jaishankar" in key("EAM Jaishankar met Foreign Minister Sergei Lavrov in Moscow.").people


def test_titles_are_not_people() -> None:
    people = key("External Affairs Minister S Jaishankar met Sergei Lavrov in Moscow.").people
    assert not people & {"minister", "affairs", "external", "eam", "dr", "s"}


# --------------------------------------------------------------------------------------------
# Dates: synthetic cases


def test_weekday_resolved_against_published() -> None:
    # 2016-07-24 was a Sunday: "Saturday night" is the day before.
    date = key("Police said the shooting happened on Saturday night.", "2016-07-24").date
    assert date is not None
    assert (date.lo, date.hi, date.year_known) == (dt.date(2016, 7, 23), dt.date(2016, 7, 23), True)


def test_weekday_same_as_published_day() -> None:
    # A weekday equal to the publication day is that day, not a week earlier.
    date = key("The council voted on Sunday to close the road.", "2016-07-24").date
    assert date.lo == date.hi == dt.date(2016, 7, 24)


def test_yesterday_is_the_day_before_publication() -> None:
    date = key("The fire broke out yesterday at a warehouse.", "2016-07-24T10:00:00Z").date
    assert date is not None
    assert date.lo == date.hi == dt.date(2016, 7, 23)
    assert date.year_known


def test_explicit_date_in_lead_with_published() -> None:
    date = key("The council met on July 20, 2016 to vote on the budget.", "2016-07-24").date
    assert date.lo == date.hi == dt.date(2016, 7, 20)


def test_explicit_date_in_lead_without_published() -> None:
    date = key("The council met on July 20, 2016 to vote on the budget.").date
    assert date is not None
    assert date.year_known
    assert date.lo <= dt.date(2016, 7, 20) <= date.hi


def test_explicit_day_month_without_year_takes_published_year() -> None:
    date = key("The summit opened on 3 March in the capital.", "2024-03-05").date
    assert date.lo == date.hi == dt.date(2024, 3, 3)


def test_future_date_is_not_the_event_date() -> None:
    date = key("The summit is scheduled to be held on July 3 in Delhi.", "2023-05-05").date
    assert date is None or dt.date(2023, 7, 3) not in (date.lo, date.hi)


def test_no_date_and_no_published() -> None:
    assert key("The council met to vote on the budget.").date is None


@pytest.mark.parametrize(
    "published", ["not a date", "2016-13-45", "2016-02-30", "", "   ", "2016-07", "07/06/2016"]
)
def test_odd_published_strings_never_raise(published: str) -> None:
    k = key("The council met on Monday to vote on the budget.", published)
    # Without a usable reference, a bare weekday cannot be placed.
    assert k.date is None
    assert k.published is None
    date, ref = extract_date("Nothing to see here.", published)
    assert (date, ref) == (None, None)


@pytest.mark.parametrize("value", [None, 20160724, "2016-13-45", "garbage", "2016-07-24x"])
def test_read_date_never_raises(value) -> None:
    out = read_date(value)
    assert out is None or out == dt.date(2016, 7, 24)


def test_read_date_accepts_datetimes() -> None:
    assert read_date("2016-07-24T23:59:00+05:30") == dt.date(2016, 7, 24)
    assert read_date("  2016-07-24") == dt.date(2016, 7, 24)


def test_bare_page_banner_is_not_the_reference_date() -> None:
    body = (
        "Friday, 22 November 2024\n\n"
        "PTI Benaulim (Goa) Published 04.05.23, 05:59 PM\n"
        "External Affairs Minister S Jaishankar on Thursday held talks with Sergey Lavrov."
    )
    date = key(body).date
    assert date is not None and date.lo == date.hi == dt.date(2023, 5, 4)


# --------------------------------------------------------------------------------------------
# compare_dates


def ed(lo: dt.date, hi: dt.date | None = None, year_known: bool = True) -> EventDate:
    return EventDate(lo, hi or lo, year_known, "explicit")


def test_compare_dates_same() -> None:
    d = ed(dt.date(2023, 5, 4))
    assert compare_dates(d, d, 1) == ("same", "2023-05-04")


def test_compare_dates_within_tolerance_is_same() -> None:
    relation, _ = compare_dates(ed(dt.date(2023, 5, 4)), ed(dt.date(2023, 5, 5)), 1)
    assert relation == "same"


def test_compare_dates_overlap() -> None:
    exact = ed(dt.date(2023, 5, 4))
    window = ed(dt.date(2023, 5, 2), dt.date(2023, 5, 6))
    assert compare_dates(exact, window, 1) == ("overlap", "2023-05-04")
    assert compare_dates(window, exact, 1) == ("overlap", "2023-05-04")


def test_compare_dates_conflict() -> None:
    relation, label = compare_dates(ed(dt.date(2023, 5, 4)), ed(dt.date(2023, 5, 10)), 1)
    assert (relation, label) == ("conflict", "")
    # The same month and day in different years conflict too.
    relation, _ = compare_dates(ed(dt.date(2023, 5, 4)), ed(dt.date(2022, 5, 4)), 1)
    assert relation == "conflict"


def test_compare_dates_unknown() -> None:
    d = ed(dt.date(2023, 5, 4))
    assert compare_dates(None, d, 1) == ("unknown", "")
    assert compare_dates(d, None, 1) == ("unknown", "")
    assert compare_dates(None, None, 1) == ("unknown", "")


def test_compare_dates_partial_vs_full() -> None:
    partial = ed(day(None, 4, 29), day(None, 5, 5), year_known=False)  # "on Thursday", May 5
    full = ed(dt.date(2023, 5, 4))
    assert compare_dates(partial, full, 1) == ("overlap", "2023-05-04")
    assert compare_dates(full, partial, 1) == ("overlap", "2023-05-04")
    december = ed(day(None, 12, 22), day(None, 12, 28), year_known=False)
    assert compare_dates(december, full, 1)[0] == "conflict"


def test_compare_dates_partial_vs_partial() -> None:
    a = ed(day(None, 5, 4), year_known=False)
    assert compare_dates(a, a, 1)[0] == "same"
    assert compare_dates(a, ed(day(None, 6, 4), year_known=False), 1)[0] == "conflict"


def test_compare_dates_partial_over_new_year_is_unknown() -> None:
    # Without a year, Dec 29 - Jan 2 has no order: nothing can be said.
    over = EventDate(day(None, 12, 29), dt.date(2001, 1, 2), False, "weekday")
    assert compare_dates(over, ed(dt.date(2023, 12, 30)), 1) == ("unknown", "")


# --------------------------------------------------------------------------------------------
# compare_places


def test_compare_places_same_venue() -> None:
    a = key("The talks were held in Chiang Mai on Monday.", "2024-03-12")
    b = key("Rescuers worked in Chiang Mai through the night.", "2024-03-12")
    assert a.venue == b.venue == "chiang mai"
    assert compare_places(a, b) == ("match", "Chiang Mai")


def test_compare_places_containment_learnt_from_parenthesis() -> None:
    # Benaulim is not in the gazetteer: "Benaulim (Goa)" teaches that it lies in Goa.
    assert "benaulim" not in places()
    inner = key("The talks took place at a beach resort in Benaulim (Goa) on Thursday.")
    outer = key("The ministers met in Goa on Thursday.")
    assert inner.venue == "benaulim" and outer.venue == "goa"
    assert "goa" in inner.place_parents["benaulim"]
    relation, label = compare_places(inner, outer)
    assert relation == "match"
    assert label == "Goa ⊃ Benaulim"
    assert compare_places(outer, inner) == (relation, label)


def test_compare_places_two_cities_conflict() -> None:
    a = key("The shooting happened in Dallas on Saturday.", "2016-07-24")
    b = key("The shooting happened in Houston on Saturday.", "2016-07-24")
    relation, label = compare_places(a, b)
    assert relation == "conflict"
    assert "Dallas" in label and "Houston" in label


def test_compare_places_city_vs_its_country_is_not_a_match() -> None:
    city = key("The ministers met in Moscow on Monday.")
    country = key("The ministers met in Russia on Monday.")
    assert city.venue == "moscow" and country.venue == "russia"
    assert compare_places(city, country)[0] != "match"
    assert compare_places(country, city)[0] != "match"


def test_compare_places_unknown_without_venue() -> None:
    a = key("Nothing here names a place.")
    b = key("The ministers met in Moscow.")
    assert a.venue is None
    assert compare_places(a, b) == ("unknown", "")


def test_compare_places_city_vs_its_country_is_not_a_conflict() -> None:
    city = key("The ministers met in Moscow on Monday.")
    country = key("The ministers met in Russia on Monday.")
    assert compare_places(city, country)[0] != "conflict"


def test_compare_places_same_country_is_not_a_conflict() -> None:
    a = key("The ministers met in Russia on Monday.")
    b = key("Talks were held in Russia on Monday.")
    assert a.venue == b.venue == "russia"
    assert compare_places(a, b)[0] != "conflict"


def test_lead_clause_before_a_comma_is_not_a_dateline() -> None:
    k = key("The leaders met in Strasbourg on Monday, officials said.", "2024-03-12")
    assert k.venue == "strasbourg"


def test_real_dateline_city_is_not_the_venue() -> None:
    k = key("PARIS, March 11 (Reuters) - The leaders met in Strasbourg on Monday.", "2024-03-12")
    assert k.dateline_place == "paris"
    assert k.venue == "strasbourg"
    assert "paris" not in k.places


def test_an_organisation_named_of_a_place_is_not_the_place_it_shares_a_word_with() -> None:
    # "University" is also a Florida town in the gazetteer; "at the University of Athens"
    # names a university (in Athens), not that town.
    k = key("A professor at the University of Athens did not go to work today.", "2024-03-12")
    assert "university" not in k.places
    assert k.venue != "university"
    # The same word alone, after a locative cue, is still the town.
    assert key("The shooting happened in University on Monday.", "2024-03-12").venue == "university"


def test_place_column_codes_every_pair_as_compare_places_does() -> None:
    """The pair table's venue column gives compare_places' relation for every pair of varied
    venues: the same town, a town inside a region, countries, unrelated places."""
    import numpy as np

    from dedup.pairs import place_column
    from dedup.scoring import PLACE_CODES

    bodies = [
        "Ministers met in Goa on Monday to discuss trade.",
        "PTI Benaulim (Goa) Published 04.05.23 The ministers held talks in Benaulim on Thursday.",
        "Leaders gathered in Panaji, Goa, for the summit on Friday.",
        "The talks were held in Moscow on Tuesday, officials in Russia said.",
        "Officials met in Russia to sign the accord.",
        "The two ministers met in Astana, Kazakhstan, on Wednesday.",
        "A fire broke out in Houston, Texas, on Sunday.",
        "Police in Houston said the suspect was arrested in Dallas on Monday.",
        "The festival opened in New York on Saturday.",
        "Talks in India ended without a deal, and delegates flew to Goa.",
        "The storm hit Texas on Monday, and officials in Austin warned residents.",
        "No place is named in this sentence at all.",
    ]
    keys = [key(body, "2023-05-05") for body in bodies]
    keys += [seed_key(p.name) for p in sorted(DATA.iterdir()) if p.suffix in (".txt", ".md")]
    left, right = (np.array(side) for side in zip(*(
        (i, j) for i in range(len(keys)) for j in range(len(keys))
    )))
    codes = place_column(keys, left, right)
    relations = [compare_places(keys[i], keys[j])[0] for i, j in zip(left, right)]
    assert [PLACE_CODES[c] for c in codes] == relations
    assert set(relations) == {"unknown", "match", "related", "conflict"}


_RUN_PIECES = st.sampled_from([
    "The", "In", "May", "A", "I", "Mr.", "Dr.", "St.", "Abc.", "de", "van", "der", "la", "du",
    "von", "Ursula", "Leyen", "Jaishankar", "O'Neil", "Jean-Luc", "IBM", "eBay", "José", "Éric",
    "x_y", "Ab_c", "3rd", "Zß", "said", "in", "Goa", "(Goa)", ",", ".", "'", "-",
])
_RUN_GLUE = st.sampled_from([" ", "  ", "\t", "\n", "", ". ", ", "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_RUN_PIECES, _RUN_GLUE), max_size=14) | st.text(max_size=40).map(lambda t: [(t, "")]))
def test_compiled_cap_runs_match_the_regex(pieces) -> None:
    from dedup import events

    text = "".join(piece + glue for piece, glue in pieces)
    expected = [m.span() for m in events._CAP_SEQ.finditer(text)]
    assert events.cap_runs(text) == expected


def test_with_people_equals_dataclasses_replace() -> None:
    from dataclasses import replace

    from dedup.analysis import prepare
    from dedup.documents import Document

    record = prepare(Document(id="a", text="New Delhi, May 4 (IANS): S Jaishankar met Sergey "
                                           "Lavrov in Goa on Thursday.", published="2023-05-04"))
    key = record.key
    fewer = key.with_people(frozenset({"lavrov"}))
    assert fewer == replace(key, people=frozenset({"lavrov"}))
    assert fewer.names == key.names and fewer.place_parents == key.place_parents
    assert key.people == {"jaishankar", "lavrov"}  # the original is untouched


# --------------------------------------------------------------------------------------------
# Confident event dates: only these keep two articles apart (see dedup.events.sure_span)


def test_a_weekday_for_what_happened_is_confident() -> None:
    k = key("A man was shot and killed on Friday night outside a bar, police said.",
            "2016-04-23")
    assert (k.date.lo, k.date.source, k.date.confident) == (day(2016, 4, 22), "weekday", True)


def test_a_day_named_as_when_it_was_said_is_not_the_event_date() -> None:
    # "prosecutors said Friday" dates the statement; the shooting was "late Tuesday".
    k = key("A man shot his partner before setting the house on fire, prosecutors said Friday. "
            "The family died after the shooting late Tuesday.", "2015-09-04")
    assert k.date.lo == day(2015, 9, 1)


def test_days_that_disagree_make_the_date_unsure() -> None:
    k = key("A teen was arrested on Monday in the shooting of a man on Thursday.", "2016-03-08")
    assert k.date.confident is False


def test_a_day_of_a_later_step_is_not_confident() -> None:
    for body in ("The suspect in the shooting made his first appearance in court Monday.",
                 "A man charged in the killing of his neighbor faced a judge Tuesday.",
                 "The girl who was shot was identified Monday by the medical examiner."):
        assert key(body, "2016-03-08").date.confident is False, body


def test_a_vague_past_makes_the_date_unsure() -> None:
    k = key("The man shot last week was charged with assault on Monday.", "2016-03-08")
    assert k.date.confident is False
    k = key("The hall stayed closed Wednesday, two days after a gunman opened fire.", "2013-02-13")
    assert k.date.confident is False


def test_a_headline_about_a_later_step_makes_the_date_unsure() -> None:
    k = key("A man was shot on Friday night outside a bar.", "2016-04-23",
            title="Teen charged in bar shooting")
    assert k.date.lo == day(2016, 4, 22) and k.date.confident is False


def test_a_bare_weekday_many_days_back_is_not_confident() -> None:
    # Published on a Friday, "on Saturday" resolves six days back: the stamp may be off.
    k = key("A girl shot at home was still alive on Saturday.", "2015-03-13")
    assert k.date.confident is False


def test_a_metadata_window_is_never_confident() -> None:
    k = key("A man was shot outside a bar, police said.", "2016-04-23")
    assert k.date.source == "metadata" and k.date.confident is False


def test_a_photo_caption_above_the_story_does_not_date_it() -> None:
    body = ("The suspect at a hearing on Monday. (Photo: Jane Doe / The Daily Paper)\n\n"
            "A man was shot and killed outside a bar on Friday night.")
    k = key(body, "2016-04-23")
    assert (k.date.lo, k.date.confident) == (day(2016, 4, 22), True)


def test_sure_spans_conflict_beyond_the_tolerance_only() -> None:
    from dedup.events import NO_SPAN, SURE_CONFLICT_DAYS, span_conflict, spans_conflict, sure_span

    friday = sure_span(key("A man was shot on Friday night outside a bar.", "2016-04-23"))
    monday = sure_span(key("A man was shot on Monday night outside a bar.", "2016-04-19"))
    saturday = sure_span(key("A man was shot early Saturday outside a bar.", "2016-04-24"))
    unsure = sure_span(key("A man was shot outside a bar.", "2016-04-24"))
    assert unsure == NO_SPAN and not spans_conflict(friday, unsure, SURE_CONFLICT_DAYS)
    assert span_conflict(friday, monday, SURE_CONFLICT_DAYS) == "dates"
    assert spans_conflict(friday, monday, SURE_CONFLICT_DAYS)  # 4 days apart
    assert not spans_conflict(friday, saturday, SURE_CONFLICT_DAYS)


def test_streets_places_and_page_chrome_are_not_people() -> None:
    k = key("Email Print Share Live\n\nA man was shot near Las Vegas Boulevard and Holly Ave "
            "in front of the Kenwood Heights Academy. Crime Stoppers asked for tips on "
            "New Year's Eve.", "2016-04-23")
    assert not k.people & {"boulevard", "ave", "heights", "academy", "stoppers", "email",
                           "print", "live", "share", "eve"}


def test_a_name_suffix_is_not_the_surname() -> None:
    k = key("Reginald Tabbert Jr. was charged. Tabbert was held without bail.", "2016-04-23")
    assert "tabbert" in k.people and "jr" not in k.people


def test_block_address_is_the_one_block_an_article_names() -> None:
    from dedup.events import block_address

    assert block_address("Police found him in the 1400 block of Briarcrest Lane.") == (
        1400, frozenset({"briarcrest", "lane"}))
    assert block_address("A man was shot in the 400 block of Northeast Sixth Street.") == (
        400, frozenset({"6th", "street"}))
    # A round-up names several blocks, and none of them is the event's.
    assert block_address("One man was shot in the 1400 block of Oak Street and another in "
                         "the 3700 block of West 13th Street.") is None
    assert block_address("A man was shot outside a bar.") is None


def test_block_addresses_conflict_only_far_apart_on_other_streets() -> None:
    from dedup.events import block_address, blocks_conflict

    lancer = block_address("shot in the 700 block of Lancer Drive")
    moregate = block_address("shot in the 4200 block of Moregate Lane")
    misspelt = block_address("shot in the 4200 block of Morgate Lane")
    nw = block_address("shot in the 1600 block of NW 7th Lane")
    northwest = block_address("shot in the 1650 block of Northwest 7th Lane")
    assert blocks_conflict(lancer, moregate)
    assert not blocks_conflict(moregate, misspelt)  # same block number
    assert not blocks_conflict(nw, northwest)


def test_sure_span_holds_the_block_address() -> None:
    from dedup.events import SURE_CONFLICT_DAYS, span_conflict, sure_span

    a = sure_span(key("A boy was shot in the 700 block of Lancer Drive.", "2016-02-28"))
    b = sure_span(key("A teen was shot in the 4200 block of Moregate Lane.", "2016-02-28"))
    assert span_conflict(a, b, SURE_CONFLICT_DAYS) == "address"


def test_a_round_up_of_several_incidents_is_read_from_its_headline_and_lead() -> None:
    from dedup.events import is_roundup

    assert is_roundup("Six shot in three separate incidents", "")
    assert is_roundup("5 Dead, 17 Wounded In Weekend Shootings", "")
    assert is_roundup("", "At least 15 people were shot in shootings across Chicago since Friday.")
    assert is_roundup("", "A man was killed and five wounded citywide, police said.")
    assert not is_roundup("Boy, 11, shot in his home", "A boy was shot on Friday night.")
    assert not is_roundup("", "Firefighters put out several fires around midnight.")
    # the opening only: a story that mentions other shootings far down is not a digest
    assert not is_roundup("Man shot", "A man was shot. " + "x " * 300 + "in separate shootings")


def test_two_round_ups_conflict_and_a_round_up_and_an_incident_do_not() -> None:
    from dedup.events import (
        SURE_CONFLICT_DAYS,
        joined_span,
        self_conflict,
        span_conflict,
        sure_span,
    )

    one = sure_span(key("Six people were shot in three separate incidents on Friday.",
                        "2016-04-23"))
    two = sure_span(key("Four were wounded in weekend shootings across the city.",
                        "2016-04-25"))
    incident = sure_span(key("A man was shot on Friday night outside a bar.", "2016-04-23"))
    assert one.roundup and two.roundup and not incident.roundup
    assert span_conflict(one, two, SURE_CONFLICT_DAYS) == "round-up"
    assert span_conflict(one, incident, SURE_CONFLICT_DAYS) is None
    # a story holding a round-up is no story at odds with itself
    assert not self_conflict(joined_span(one, incident), SURE_CONFLICT_DAYS)


def test_streets_are_read_from_the_headline_and_lead() -> None:
    from dedup.events import lead_streets

    assert lead_streets("Man shot on Lemonwood Road", "It happened at Sherman Street near "
                        "Holly Ave. and in the 400 block of Northeast Sixth Street.") == {
        "lemonwood road", "sherman street", "holly avenue", "6th street"}
    # "On Main St." opens a sentence; "in St. Louis" names no street; "Way-" is a longer word
    assert lead_streets("", "On Main St. a man was shot. He lived in St. Louis, a Way-side "
                        "town.") == {"main street"}
    assert lead_streets("", "A man was shot " + "x " * 400 + "on Oak Street.") == frozenset()


def test_one_street_is_a_venue_match_whatever_the_towns() -> None:
    from dedup.scoring import compare_places

    a = key("A man was shot on Lemonwood Road in Southwest Baltimore on Friday.", "2016-04-23")
    b = key("Police found a wounded man on Lemonwood Road early Saturday.", "2016-04-23")
    c = key("A man was shot on Briarcrest Lane on Friday.", "2016-04-23")
    assert compare_places(a, b) == ("match", "lemonwood road")
    assert compare_places(a, c)[0] != "match"
