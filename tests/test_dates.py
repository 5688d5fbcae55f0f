"""Publication dates as users have them (dedup.dates), and what becomes of one that cannot be
read: a warning of its document, never silence and never an error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dedup import DedupIndex, Document, cluster_documents
from dedup.cli import main
from dedup.dates import DateError, parse_published
from dedup.errors import DedupError, InputError

DATA = Path(__file__).parent.parent / "data"
MAY5 = dt.date(2023, 5, 5)


@pytest.mark.parametrize("value", [
    "2023-05-05", "2023-05-05T10:12:00", "2023-05-05T10:12:00Z", "2023-05-05T10:12:00+05:30",
    "2023-05-05 10:12", "2023-05-05T00:30:00.123-07:00", " 2023-05-05 ",
    "Fri, 05 May 2023 10:12:00 +0530", "Fri, 5 May 2023 10:12:00 GMT", "05 May 2023 10:12 -0000",
    "Fri, 05 May 2023 23:59:59 EST",
    "May 5, 2023", "May 5 2023", "Friday, May 5, 2023", "May 5th, 2023 10:12 AM", "5 May 2023",
    "5th of May 2023", "05 May, 2023", "Friday 5 May 2023", "Sept 5, 2023".replace("Sept", "May"),
    "5 may 2023", "MAY 5, 2023", "May. 5, 2023",
    "05.05.2023", "2023/05/05", "2023/5/5", "20230505", "5/5/2023",
    "1683281520", "1683281520000",
])
def test_forms_users_have_read_as_the_day_written(value: str) -> None:
    assert parse_published(value) == MAY5


def test_the_day_is_the_one_written_in_its_own_zone() -> None:
    # 00:30 in India is still the 4th in UTC: the story was published on the 5th where written.
    assert parse_published("Fri, 05 May 2023 00:30:00 +0530") == MAY5
    assert parse_published("2023-05-05T00:30:00+05:30") == MAY5
    assert parse_published("9/13/2023") == dt.date(2023, 9, 13)
    assert parse_published("13/9/2023") == dt.date(2023, 9, 13)
    assert parse_published("September 13, 2023") == dt.date(2023, 9, 13)


@pytest.mark.parametrize(("value", "reason"), [
    ("soon", "not a date"), ("", "empty"), ("2023-02-30", "no such day"),
    ("05/04/2023", "either way round"), ("0001-01-01", "outside"), ("2023", "neither"),
    ("May 2023", "not a date"), ("32 May 2023", "no such day"), ("[1, 2]", "not a date"),
])
def test_values_that_are_not_dates_say_why(value: str, reason: str) -> None:
    with pytest.raises(DateError, match=reason):
        parse_published(value)
    assert issubclass(DateError, DedupError)


def test_date_and_datetime_objects_are_kept_as_iso_text() -> None:
    doc = Document("a", "text", published=dt.datetime(2023, 5, 5, 10, 12,
                                                      tzinfo=dt.timezone(dt.timedelta(hours=5.5))))
    assert doc.published == "2023-05-05T10:12:00+05:30"
    assert Document("b", "text", published=MAY5).published == "2023-05-05"
    with pytest.raises(InputError, match="'published' field must be"):
        Document("c", "text", published=[2023, 5, 5])


def test_bad_document_fields_raise_the_librarys_own_error() -> None:
    for bad in (dict(id="", text="t"), dict(id=3, text="t"), dict(id="a", text=None),
                dict(id="a", text="t", title=5), dict(id="a", text="t", metadata=[1])):
        with pytest.raises(InputError):
            Document(**bad)


def test_a_datetime_published_survives_an_index_save(tmp_path: Path) -> None:
    # The README's crawler loop failed at save(): "datetime is not JSON serializable".
    index = DedupIndex()
    text = "India and Russia held talks in Goa on Thursday about trade. " * 4
    index.add(Document("a", text, published=dt.datetime(2023, 5, 5, 10, 12)))
    index.save(tmp_path / "seen.dedup")
    again = DedupIndex.load(tmp_path / "seen.dedup")
    assert again.result().documents == 1


def test_an_unreadable_date_is_a_warning_of_its_document() -> None:
    text = "The council met on Monday to vote on the budget of the city of Springfield."
    result = cluster_documents([Document("a", text, published="next Tuesday"),
                                Document("b", text + " Again.", published="May 5, 2023")])
    assert [w.to_dict() for w in result.warnings] == [{
        "id": "a", "field": "published", "value": "next Tuesday",
        "reason": "not a date in a known form (ISO 8601, RFC 2822 or 'May 5, 2023')",
    }]
    assert result.to_dict()["warnings"] == [w.to_dict() for w in result.warnings]


def test_cli_reports_unreadable_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [{"id": "a", "text": "Talks in Goa went on for a second day.", "published": "soon"},
             {"id": "b", "text": "Another story about the budget.", "published": 1683281520},
             {"id": "c", "text": "A third story about rain.", "published": {"day": 5}}]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert main(["cluster", str(path), "--format", "json", "-q"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(w["id"], w["value"]) for w in out["warnings"]] == [("a", "soon"), ("c", '{"day": 5}')]
    assert main(["cluster", str(path), "-q"]) == 0
    table = capsys.readouterr().out
    assert "2 warnings" in table and "soon" in table


def test_the_same_clusters_whether_published_is_iso_or_rfc_2822() -> None:
    from email.utils import format_datetime

    from dedup.loaders import load

    docs, _ = load(DATA)
    dates = {"000": "2024-07-08", "001": "2023-05-05", "002": "2024-07-09",
             "003": "2023-05-04", "004": "2023-03-02"}
    iso = [Document(d.id, d.text, d.title, dates[d.id[:3]]) for d in docs]
    rfc = [Document(d.id, d.text, d.title, format_datetime(
        dt.datetime.fromisoformat(dates[d.id[:3]] + "T10:12:00+05:30"))) for d in docs]
    assert rfc[0].published.endswith("+0530")
    assert cluster_documents(iso).to_dict() == cluster_documents(rfc).to_dict()


def test_jsonl_lists_the_warnings_after_the_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "Talks in Goa.", "published": "soon"}) + "\n")
    assert main(["cluster", str(path), "--format", "jsonl", "-q"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["id"] == "a"
    assert rows[1] == {"warning": {"id": "a", "field": "published", "value": "soon",
                                   "reason": "not a date in a known form (ISO 8601, RFC 2822 "
                                             "or 'May 5, 2023')"}}


def test_a_fetch_date_stamp_does_not_merge_different_meetings() -> None:
    # A crawler stamped every page with the day it fetched them. The texts' own datelines say
    # when each was written; the two Goa reports stay one story, the other meetings apart.
    from dedup.loaders import load

    docs, _ = load(DATA)
    stamped = [Document(d.id, d.text, d.title, "2024-11-30T08:00:00Z") for d in docs]
    multi = [c.members for c in cluster_documents(stamped).clusters if len(c.members) > 1]
    assert [[m[:3] for m in members] for members in multi] == [["001", "003"]]


def _event(body: str, published: str):
    from dedup.events import extract_event_key

    return extract_event_key("", body, published).date


def test_the_texts_own_earlier_date_wins_over_a_later_metadata_stamp() -> None:
    body = "New Delhi, May 5 (IANS): India and Russia held talks on Thursday in Goa."
    assert _event(body, "2023-05-05").label() == "2023-05-04"  # agreeing: as before
    # A fetch stamp: the dateline is the reference, its year unknown, so "Thursday" is one
    # of the seven days up to May 5.
    later = _event(body, "2024-11-30")
    assert later is not None and later.label() == "--04-29..--05-05"
    dated = "SAVANNAH, GA (December 2, 2015): Police said a man was shot on Tuesday."
    assert _event(dated, "2017-01-29").label() == "2015-12-01"


def test_an_updated_stamp_or_a_date_inside_a_sentence_never_overrides_metadata() -> None:
    updated = "Updated: May 9, 2023 10:00 AM\n\nIndia and Russia held talks on Thursday in Goa."
    assert _event(updated, "2023-05-05").label() == "2023-05-04"  # later: an update
    sentence = "On Oct. 10, a man was shot in Memphis. Police said on Monday he died."
    assert _event(sentence, "2015-10-23").source != "dateline"


GVC = Path(__file__).resolve().parents[2] / "shared" / "data" / "gvc-dev.jsonl"


@pytest.mark.skipif(not GVC.exists(), reason=f"{GVC} is absent: the labeled data is not here")
def test_gvc_clusters_the_same_with_rfc_2822_dates() -> None:
    from email.utils import format_datetime

    records = [json.loads(line) for line in GVC.open(encoding="utf-8")]

    def docs(form):
        return [Document(str(r["id"]), r["text"], r.get("title"), form(r.get("date")),
                         r.get("source"), r.get("url")) for r in records]

    def rfc(value):
        if not value:
            return value
        day = parse_published(value)
        return format_datetime(dt.datetime(day.year, day.month, day.day, 10, 12,
                                           tzinfo=dt.timezone(dt.timedelta(hours=-5))))

    iso = cluster_documents(docs(lambda v: v)).to_dict()
    assert cluster_documents(docs(rfc)).to_dict() == iso
    assert not iso["warnings"]
