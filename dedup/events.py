"""Event keys: when a story happened, who took part, and where.

Extraction is rule-based and knows nothing of particular stories:

* **date**: the date of the *event*, as an interval ``[lo, hi]`` (a date without a year stays
  partial). The reference is the publication date from metadata, else the dateline
  ("New Delhi, May 5 (IANS):", "Published 04.05.23"). In the lead, an explicit date or a weekday
  ("on Thursday") resolved against the reference gives the event date; with neither, the event
  is taken to lie within a few days before publication.
* **people**: capitalised name sequences, titles dropped ("Dr", "EAM", "External Affairs
  Minister"), keyed by surname, so "S Jaishankar", "Subrahmanyam Jaishankar" and "Jaishankar" are
  one person and "Sergey"/"Sergei" Lavrov match.
* **places**: gazetteer names with a locative cue ("in", "at", "X, Texas", "X (Goa)"), with their
  containing regions; the dateline city of the filing desk is not the venue unless the body names
  it too.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import Counter
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import re2

from ._compiled import cap_runs as _compiled_cap_runs
from ._compiled import name_runs as _compiled_name_runs
from ._compiled import run_parts as _compiled_run_parts
from .dates import DateError, parse_published
from .gazetteer import _FOLDED, countries, fold, parents_of, places
from .normalize import _WORD, first_sentences
from .pickling import plain_state

# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
def _month(group: str) -> str:
    return (
        rf"(?P<{group}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
        r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
    )


_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
_WEEKDAY_RE = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# Every explicit date form in one pattern, one alternative per form, each with its own groups:
# "May 5, 2023" (md), "5th of May 2023" (dm), "2023-05-04" (iso), "04.05.23" (dot),
# "5/4/2023" (sl). The date patterns scan long leads for rare matches, which RE2 (a DFA,
# one pass for all five forms) does several times faster than Python's backtracking engine.
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"  # a day number, so "91 June" is no date and hides none
_MON = r"(?:1[0-2]|0?[1-9])"
_DATE_FORMS = (
    r"\b" + _month("md_mon") + rf"\s+(?P<md_day>{_DAY})(?:st|nd|rd|th)?(?:\s*(?:-|to)\s*\d{{1,2}})?"
    r"(?:,?\s+(?P<md_year>(?:19|20)\d\d))?\b",
    rf"\b(?P<dm_day>{_DAY})(?:st|nd|rd|th)?(?:\s*-\s*\d{{1,2}})?\s+(?:of\s+)?" + _month("dm_mon")
    + r"(?:,?\s+(?P<dm_year>(?:19|20)\d\d))?\b",
    rf"\b(?P<iso_year>(?:19|20)\d\d)-(?P<iso_mon>{_MON})-(?P<iso_day>{_DAY})\b",
    rf"\b(?P<dot_day>{_DAY})\.(?P<dot_mon>{_MON})\.(?P<dot_year>(?:19|20)?\d\d)\b",
    rf"\b(?P<sl_mon>{_MON})/(?P<sl_day>{_DAY})/(?P<sl_year>(?:19|20)?\d\d)\b",
)
_DATE_MENTION = re2.compile("(?i)" + "|".join(f"(?:{form})" for form in _DATE_FORMS))
_WEEKDAY_MENTION = re2.compile(
    r"(?i)\b(?:(?:on|last|this|since|late|early|until|by)\s+)?" + _WEEKDAY_RE
    + r"(?:'s)?(?:\s+(?:night|morning|afternoon|evening))?\b"
)
_RELATIVE_DAY = re2.compile(
    r"(?i)\b(?P<rel>yesterday|last night|today|this morning|this afternoon|earlier today"
    r"|tonight)\b"
)
# "New Delhi, May 5 (IANS):" / "NEW YORK (AP) -" / "PTI Benaulim (Goa) Published 04.05.23"
_DATELINE = re.compile(
    r"^(?:By [^\n]{0,60}\n+)?\s*(?:\(?(?:PTI|IANS|ANI|AP|AFP|UNI|Reuters)\)?\s+)?"
    r"(?P<place>[A-Z][A-Za-z.'-]*(?:[ ][A-Z][A-Za-z.'-]*){0,3})(?:\s*\((?P<region>[A-Za-z .'-]{2,40})\))?"
    r"(?:,|\s+-+|\s+\u2014|\s+Published)\s",
    re.MULTILINE,
)
# Cheap necessary conditions, tried before the RE2 patterns (each RE2 call costs a few us).
_ASCII_DIGIT = re.compile(r"[0-9]")
_FUTURE_CUE = re.compile(
    r"\b(?:will|would|to be held|scheduled|expected|planned|due|upcoming|next|ahead of)\b",
    re.IGNORECASE,
)


@plain_state
@dataclass(frozen=True, slots=True)
class EventDate:
    """Interval of days in which the event happened. ``year`` is None for a partial date: then
    ``lo``/``hi`` are placed in a leap year (2000) and only month and day mean anything."""

    lo: dt.date
    hi: dt.date
    year_known: bool
    source: str  # "metadata", "dateline", "weekday", "explicit", "relative", "published"
    # Whether the lead states this day as the event's without doubt (see extract_date): only
    # then does a conflict with another confident date keep two articles apart.
    confident: bool = field(default=False, compare=False)
    # Whether the headline or lead is about a later step of a story (an arrest, a charge, a
    # name released, a funeral: _LATER_STEP) while naming no day for the event itself: the
    # article may follow an event older than its publication (see compare_dates).
    follow_up: bool = field(default=False, compare=False)

    @property
    def exact(self) -> bool:
        return self.lo == self.hi

    @property
    def guessed(self) -> bool:
        """Whether the text names no day for its event and the interval is the few days
        before publication (:data:`GUESSED`), a guess."""
        return self.source in GUESSED

    @property
    def may_follow(self) -> bool:
        """Whether this is a guess (:attr:`guessed`) by an article about a later step
        (:attr:`follow_up`): it says nothing against an event earlier than it."""
        return self.follow_up and self.source in GUESSED

    def human(self) -> str:
        """"2023-05-04", "May 4" (no year), "Apr 29–May 5"; a range is what the text allows."""
        def one(d: dt.date) -> str:
            return d.isoformat() if self.year_known else f"{d:%b} {d.day}"
        return one(self.lo) if self.exact else f"{one(self.lo)}–{one(self.hi)}"

    def label(self) -> str:
        fmt = (lambda d: d.isoformat()) if self.year_known else (lambda d: d.strftime("--%m-%d"))
        if self.exact:
            return fmt(self.lo)
        return f"{fmt(self.lo)}..{fmt(self.hi)}"

    def to_dict(self) -> dict[str, Any]:
        """``from``/``to``: the first and last day (ISO, ``--MM-DD`` without a year),
        ``year_known``, and ``basis``: what placed it (see :func:`extract_date`)."""
        fmt = (lambda d: d.isoformat()) if self.year_known else (lambda d: d.strftime("--%m-%d"))
        return {"from": fmt(self.lo), "to": fmt(self.hi), "year_known": self.year_known,
                "basis": self.source, "confident": self.confident}


# Where an event date is only the few days before the publication or dateline date.
GUESSED = ("metadata", "dateline")


def _mk(year: int | None, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year if year is not None else 2000, month, day)
    except ValueError:
        return None


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def read_date(value: str | None) -> dt.date | None:
    """The date of a ``published`` value (:func:`dedup.dates.parse_published`); None, never an
    exception, where there is none or it cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        return parse_published(value)
    except DateError:
        return None


def _date_mentions(text: str) -> list[tuple[int, int, dt.date, bool]]:
    """(start, end, date, year_known) of every explicit date in ``text``, in order (a form
    found inside another, such as "5, 2023" in "May 5, 2023", is not a mention of its own)."""
    out: list[tuple[int, int, dt.date, bool]] = []
    if not _ASCII_DIGIT.search(text):  # every form has a digit: skip RE2's call overhead
        return out
    for m in _DATE_MENTION.finditer(text):
        g = m.groupdict()
        for form in ("md", "dm", "iso", "dot", "sl"):
            day = g[f"{form}_day"]
            if day is not None:
                break
        month_text = g[f"{form}_mon"]
        if form in ("md", "dm"):
            month_text = month_text.lower()
            month = _MONTHS[month_text[:4].rstrip("t") if month_text.startswith("sept") else month_text[:3]]
        else:
            month = int(month_text)
        year = _year(g[f"{form}_year"])
        d = _mk(year, month, int(day))
        if d:
            out.append((m.start(), m.end(), d, year is not None))
    return out


def _with_year(day: dt.date, year: int) -> dt.date | None:
    return _mk(year, day.month, day.day)


def _shift(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def extract_date(
    body: str, published: dt.date | str | None
) -> tuple[EventDate | None, dt.date | None]:
    """The event date of an article, and its reference (publication) date if one is known.

    ``body`` is the cleaned text without the title; ``published`` the publication date, or a
    value :func:`dedup.dates.parse_published` reads (one it cannot read counts as none).
    """
    ref = published if isinstance(published, dt.date) else read_date(published)
    from_metadata = ref_year_known = ref is not None
    dateline_end = 0
    if ref is None:  # the dateline's date is the reference: "New Delhi, May 5 (IANS):"
        mentions = _date_mentions(body[:400])
        if mentions and mentions[0][0] < 160:
            start, end, day, year_known = mentions[0]
            ref, ref_year_known, dateline_end = day, year_known, end
    elif (own := _own_date(body, ref)) is not None:
        # The text's own date (its dateline or time stamp) more than STAMP_DAYS before the
        # metadata's: the metadata is a later stamp (a crawler's fetch date, a re-publication),
        # and the text says when it was written. A later own date is an update: ignored.
        dateline_end, day, year_known = own  # the lead starts after it, as without metadata
        if (ref - day).days > STAMP_DAYS:
            ref, ref_year_known, from_metadata = day, year_known, False
    lead = _lead(body, dateline_end)

    if ref is not None:
        said = _day_mentions(lead, ref, ref_year_known)
        if said:
            # An explicit date first, else a weekday, else a relative day (the first of each).
            source, day = min(said, key=lambda m: (_KINDS.index(m[0]), m[1]))[0::2]
            if source == "weekday" and not ref_year_known:
                return EventDate(_shift(ref, -6), ref, False, "weekday"), ref
            sure = ref_year_known and _confident(lead, day, ref, said)
            return EventDate(day, day, ref_year_known, source, sure), ref
        source = "metadata" if from_metadata else "dateline"
        return EventDate(_shift(ref, -2), ref, ref_year_known, source), ref
    # No reference: only a full explicit date in the lead can say when.
    for start, _end, day, year_known in _date_mentions(lead):
        if year_known and not _FUTURE_CUE.search(lead[max(0, start - 40):start]):
            return EventDate(day, day, True, "explicit"), None
    return None, None


_KINDS = ("explicit", "weekday", "relative")
# A day named right after a verb of saying or a stamp word is when something was said or
# posted, not when the event happened: "prosecutors said Friday", "told reporters on Monday",
# "Posted: Tuesday, July 28, 2015".
_SAID_BEFORE = re.compile(  # searched in lower case (see _day_mentions)
    r"(?:\b(?:said|says|say|told|tells|announced|announces|confirmed|confirms|reported"
    r"|reports|added|stated|posted|published|updated)\b(?:[ \t]+[\w.'-]+){0,2}?"
    r"[ \t,:]+(?:on[ \t]+|\(?)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]+)?)$"
)
# The lead places the event vaguely beside the day it names ("shot last week ... charged on
# Monday"): the named day may belong to a later step of the story.
_VAGUE_PAST = re.compile(  # searched in lower case
    r"\b(?:last|earlier this|previous|past)[ \t]+(?:week|month|weekend|year)\b"
    r"|\b(?:days|weeks|months)[ \t]+(?:ago|earlier|before)\b|\bover the weekend\b"
)


def _day_mentions(
    lead: str, ref: dt.date, ref_year_known: bool
) -> list[tuple[str, int, dt.date]]:
    """(kind, position, day) of each day the lead names for something that happened: explicit
    dates at most 31 days before ``ref``, weekdays and relative days ("yesterday") resolved
    against it; days announced for the future or named as when something was said are left
    out. A weekday without a known year keeps ``ref`` as its day (see :func:`extract_date`)."""
    out: list[tuple[str, int, dt.date]] = []

    low = lead.lower()
    if len(low) != len(lead):  # a letter whose lower case is longer: keep the offsets
        low = lead

    def told(start: int, width: int) -> bool:
        before = lead[max(0, start - width):start]
        return bool(_FUTURE_CUE.search(before) or _SAID_BEFORE.search(low, max(0, start - 48), start))

    for start, _end, day, year_known in _date_mentions(lead):
        if not year_known and ref_year_known:
            day = _with_year(day, ref.year) or day
            if day > ref:
                day = _with_year(day, ref.year - 1) or day
            year_known = True
        if year_known == ref_year_known and day <= ref and (ref - day).days <= 31:
            if not told(start, 40):
                out.append(("explicit", start, day))
    # one of these words is in every weekday and relative day
    if not ("day" in low or "night" in low or "morning" in low or "afternoon" in low):
        return out
    for m in _WEEKDAY_MENTION.finditer(lead):
        if not told(m.start(), 30):
            back = (ref.weekday() - _WEEKDAYS[m.group("wd").lower()]) % 7
            out.append(("weekday", m.start(), _shift(ref, -back) if ref_year_known else ref))
    for m in _RELATIVE_DAY.finditer(lead):
        if not told(m.start(), 30):
            back = 1 if m.group("rel").lower() in ("yesterday", "last night") else 0
            out.append(("relative", m.start(), _shift(ref, -back)))
    return out


CONFIDENT_SPREAD_DAYS = 1


# A day named for a later step of a story (a court hearing, an arrest, a funeral, a name
# released) dates that step, not the event it follows: "faced a judge Tuesday", "in court
# today", "was identified Monday", "two days after".
_LATER_STEP = re.compile(
    r"\b(?:court|judge|trial|hearing|arraign\w*|indict\w*|charged|sentenc\w*|plead\w*"
    r"|pled|bail|bond|custody|arrest\w*|identif\w*|named|funeral|vigil|memorial|buried"
    r"|anniversary|autopsy|appearance|remained|remains|still|reopen\w*|conference|charges)\b"
)  # searched in lower case
# The day itself and up to two words after it: "Wednesday news conference", "Tuesday's
# arraignment", "May 25 hearing".
_DAY_AFTER = re.compile(r"[\w,.' \t]{0,30}?(?:day|night|morning|afternoon|evening|\d)(?:'s)?\b"
                        r"(?:[ \t]+[a-z]+)?[ \t]+|")
_AFTER_DAYS = re.compile(  # searched in lower case
    r"\b(?:\d+|a|one|two|three|four|five|six|several|few)[ \t]+(?:days?|weeks?|months?)"
    r"[ \t]+(?:after|since|following)\b"
)


WEEKDAY_SURE_DAYS = 3
_LAST = re.compile(r"last\b", re.IGNORECASE)


def _confident(
    lead: str, day: dt.date, ref: dt.date, said: list[tuple[str, int, dt.date]]
) -> bool:
    """Whether the lead states ``day`` as the event's without doubt: every day it names for
    something that happened lies within :data:`CONFIDENT_SPREAD_DAYS` of it ("late Friday
    ... early Saturday" agree), none of them dates a later step of the story ("in court
    Monday"), and it places nothing vaguely in the past ("last week", "two days after")."""
    low = lead.lower()  # the patterns are written in lower case
    if len(low) != len(lead):  # a letter whose lower case is longer: keep the offsets
        low = lead
    for kind, start, other in said:
        if kind == "weekday" and (ref - other).days > WEEKDAY_SURE_DAYS and not _LAST.match(
            lead, start
        ):
            return False  # a bare weekday most days back: the reference date may be off
        if abs((other - day).days) > CONFIDENT_SPREAD_DAYS:
            return False
        if _LATER_STEP.search(low, max(0, start - 40), start) or _LATER_STEP.match(
            low, _DAY_AFTER.match(lead, start).end()
        ):
            return False  # "in court Monday", "a Wednesday news conference"
    return not (
        (("week" in low or "month" in low or "year" in low or " ago" in low or "earlier" in low
          or "before" in low) and _VAGUE_PAST.search(low))
        or (("after" in low or "since" in low or "following" in low) and _AFTER_DAYS.search(low))
    )


STAMP_DAYS = 2
# A date written as the article's own: at the start of a line, after at most a place, an
# agency, a stamp word and a weekday ("New Delhi, May 5 (IANS):", "SAVANNAH, GA (December 2,
# 2015):", "PTI Benaulim (Goa) Published 04.05.23", "Updated: Monday, July 7, 2014 6:44 PM"),
# and followed by the end of the line, a bracket, a colon, a dash or a time, never by more
# of a sentence ("On Oct. 10, Tommie ..." is the event's date, not the article's).
_OWN_DATE_BEFORE = re.compile(
    r"(?:^|\n)[ \t(]*(?:(?:PTI|IANS|ANI|AP|AFP|UNI|Reuters)\)?[ \t]+)?"
    r"(?:[A-Z][A-Za-z.'-]*(?:[ ][A-Z][A-Za-z.'-]*){0,3}(?:,[ ][A-Z][A-Za-z.]*)?"
    r"[ \t]*(?:\([^)\n]{1,40}\))?[ \t]*(?:,|\(|-+|\u2014)?[ \t]*)?"
    r"(?:(?i:published|posted|updated|created|last updated|update)\b[^\n]{0,20}?[:(-]?[ \t]*)?"
    r"(?:(?i:mon|tues|wednes|thurs|fri|satur|sun)day,?[ \t]*)?\(?$"
)
_OWN_DATE_AFTER = re.compile(r"[ \t]*(?:$|\n|\)|:|\(|-|\u2014|\||,?[ \t]*\d{1,2}[:.]\d\d)")


def _own_date(body: str, ref: dt.date) -> tuple[int, dt.date, bool] | None:
    """(end, date, year_known) of the first date in the opening of ``body`` written as the
    article's own (see :data:`_OWN_DATE_BEFORE`); a date without a year takes the year that
    puts it at or before ``ref``."""
    opening = body[:400]
    for start, end, day, year_known in _date_mentions(opening):
        if start >= 300:
            break
        line_start = opening.rfind("\n", 0, start) + 1
        if line_start and opening[line_start - 1] == "\n":
            line_start -= 1  # the pattern anchors on the line break
        if _OWN_DATE_BEFORE.match(opening, line_start, start) and _OWN_DATE_AFTER.match(opening, end):
            if not year_known:
                day = _with_year(day, ref.year) or day
                if day > ref:
                    day = _with_year(day, ref.year - 1) or day
            return end, day, year_known
    return None


def _lead(body: str, start: int = 0) -> str:
    """The first two sentences after the dateline: where news states what happened when.
    Photo captions above the story (a paragraph that ends with its credit: "(Photo: David
    Guralnick / The Detroit News)", "(Dan Coyro -- Santa Cruz Sentinel)") are not its lead:
    they date the picture."""
    while True:
        m = _CAPTION.match(body, start)
        if m is None:
            break
        start = m.end()
    return first_sentences(body[start:start + 700], 2)


_CAPTION = re.compile(
    r"[ \t\n]*[^\n]{0,600}\((?:[^()\n]*(?:photo|/|--|\u2014|\||getty|staff|file)[^()\n]*)\)"
    r"[^\n\w]{0,12}(?:buy photo)?[ \t]*\n",
    re.IGNORECASE,
)


def compare_dates(a: EventDate | None, b: EventDate | None, tolerance: int) -> tuple[str, str]:
    """How two event dates relate: ('same'|'overlap'|'conflict'|'unknown', shared date label).

    Dates without a year are compared on month and day alone.
    """
    if a is None or b is None:
        return "unknown", ""
    alo, ahi, blo, bhi = a.lo, a.hi, b.lo, b.hi
    if not (a.year_known and b.year_known):
        alo, ahi, blo, bhi = _md(alo), _md(ahi), _md(blo), _md(bhi)
        if ahi < alo or bhi < blo:  # an interval over New Year has no order without a year
            return "unknown", ""
    gap = max((blo - ahi).days, (alo - bhi).days)
    if gap > tolerance:
        if (a.may_follow and bhi < alo) or (b.may_follow and ahi < blo):
            return "unknown", ""  # a later step of the other's event, reported after it
        return "conflict", ""
    kind = "same" if a.exact and b.exact else "overlap"
    lo, hi = max(alo, blo), min(ahi, bhi)
    if hi < lo:
        lo = hi = hi
    if lo == hi:
        for side in (a, b):
            if side.exact and side.year_known:
                return kind, side.label()
    return kind, EventDate(lo, hi, a.year_known and b.year_known, "shared").label()


class Span(NamedTuple):
    """What a story states with confidence: the latest first day and the earliest last day
    of its members' confident event dates (day numbers), and the block addresses they give
    (:func:`block_address`)."""

    lo: int
    hi: int
    blocks: frozenset[tuple[int, frozenset[str]]] = frozenset()
    # Whether a member is a round-up of several incidents (see is_roundup).
    roundup: bool = False


NO_SPAN = Span(-(1 << 40), 1 << 40)
# Two confident dates further apart than this keep their articles apart (see sure_span). Wider
# than the scoring tolerance: a shooting "late Friday" is "early Saturday" elsewhere, and a
# weekday resolved against a publication date stamped a day late moves with it. Chosen on
# GVA and GVC, checked on ECB+ (docs/event-key.md).
SURE_CONFLICT_DAYS = 3


def sure_span(key: EventKey) -> Span:
    """What ``key`` states with confidence: the first and last day number of a confident
    event date (:attr:`EventDate.confident`) and its block address, or :data:`NO_SPAN`,
    which conflicts with nothing. Story clusters join their members' spans
    (:func:`joined_span`); two conflict as :func:`span_conflict` says."""
    d = key.date
    days = (d.lo.toordinal(), d.hi.toordinal()) if (
        d is not None and d.confident and d.year_known) else NO_SPAN[:2]
    blocks = frozenset((key.block,)) if key.block is not None else frozenset()
    return Span(days[0], days[1], blocks, key.roundup)


def joined_span(a: Span, b: Span) -> Span:
    """The span of a cluster made of two: the latest first day, the earliest last day, and
    the block addresses of both."""
    return Span(max(a.lo, b.lo), min(a.hi, b.hi), a.blocks | b.blocks, a.roundup or b.roundup)


def span_conflict(a: Span, b: Span, tolerance: int) -> str | None:
    """Why no article of one cluster may join an article of the other, whatever their texts
    share, or None: ``"dates"`` when they hold confident dates more than ``tolerance`` days
    apart, ``"address"`` when they give block addresses that cannot be one place
    (:func:`blocks_conflict`), ``"round-up"`` when both hold a round-up of several
    incidents (:func:`is_roundup`): two digests of a city's shootings share the city, the
    kind of event and the weekend, and are never one story (a round-up may still join one
    of the incidents it lists)."""
    if max(a.lo, b.lo) - min(a.hi, b.hi) > tolerance:
        return "dates"
    if a.blocks and b.blocks and any(
        blocks_conflict(x, y) for x in a.blocks for y in b.blocks
    ):
        return "address"
    if a.roundup and b.roundup:
        return "round-up"
    return None


def self_conflict(span: Span, tolerance: int) -> bool:
    """Whether a story's own members disagree on what they state with confidence (copies
    whose dates or block addresses conflict): then the span decides nothing. A round-up is
    no disagreement."""
    return span_conflict(span._replace(roundup=False), span._replace(roundup=False),
                         tolerance) is not None


def spans_conflict(a: Span, b: Span, tolerance: int) -> bool:
    """Whether :func:`span_conflict` finds a conflict."""
    return span_conflict(a, b, tolerance) is not None


# "the 1400 block of Briarcrest Lane": how local news in the US places an incident.
_BLOCK = re.compile(r"\b(\d{2,6}) block of ((?:[A-Z0-9][\w.'-]*[ ]?){1,4})")
_STREET_NOISE = frozenset({
    "north", "south", "east", "west", "n", "s", "e", "w", "ne", "nw", "se", "sw",
    "northeast", "northwest", "southeast", "southwest",
})
_ORDINALS = {"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
             "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th"}
BLOCK_NEAR = 100


def block_address(body: str) -> tuple[int, frozenset[str]] | None:
    """The block address an article places its story at ("the 1400 block of Briarcrest
    Lane": the block number and the street's words, directions left out, ordinals as
    digits), or None. Only an article that names one block number: a round-up of several
    shootings names several, and places none of them as *the* event's."""
    found = []
    at = body.find(" block of ")
    while at != -1:  # the pattern is tried only where "block of" stands: most texts lack it
        m = _BLOCK.search(body, max(0, at - 7), at + 80)
        if m is not None and m.start() <= at:
            found.append((int(m.group(1)), m.group(2)))
        at = body.find(" block of ", at + 10)
    if len({number for number, _ in found}) != 1:
        return None
    words = {w.lower().rstrip(".") for _, street in found for w in street.split()}
    return found[0][0], frozenset(_ORDINALS.get(w, w) for w in words) - _STREET_NOISE


def blocks_conflict(a: tuple[int, frozenset[str]], b: tuple[int, frozenset[str]]) -> bool:
    """Two block addresses that cannot be one place: block numbers more than
    :data:`BLOCK_NEAR` apart and no street word in common (a misspelt street keeps its
    number, and "Northwest 7th Lane" its "7th")."""
    return abs(a[0] - b[0]) > BLOCK_NEAR and not a[1] & b[1]


# A round-up of several incidents: "Six shot in three separate incidents", "5 Dead, 17
# Wounded In Weekend Shootings", "shootings across Chicago", "wounded citywide". Wording of
# the news genre (a digest of a city's or a weekend's incidents), not of one story. Read in
# the headline and the opening of the body, where a digest says what it is.
_INCIDENTS = (r"(?:incidents|shootings|attacks|stabbings|crashes|accidents|fires|robberies"
              r"|homicides|killings|explosions|bombings|blasts)")
_ROUNDUP = re2.compile(
    rf"(?i)\b(?:separate|unrelated)\s+{_INCIDENTS}\b"
    rf"|\b{_INCIDENTS}\s+(?:across|around|throughout)\s+(?:the\s+)?(?:city|area|region|county"
    r"|state|country|town|(?-i:[A-Z][a-z]+))\b"
    r"|\bcitywide\b|\bacross the city\b"
    r"|\bweekend\s+(?:of\s+)?(?:violence|shootings|gunfire|bloodshed|crashes|stabbings)\b"
)
ROUNDUP_CHARS = 400


def is_roundup(title: str, body: str) -> bool:
    """Whether the headline or the opening of the body (:data:`ROUNDUP_CHARS`) says the
    article is a round-up of several incidents (:data:`_ROUNDUP`)."""
    return _ROUNDUP.search(f"{title}\n{body[:ROUNDUP_CHARS]}") is not None


# A named street, as local news places an incident ("on Lemonwood Road", "at Sherman Street
# and Walters", "near Holly Ave."): one to three capitalised words and a street word. The
# street word is kept, canonical ("St." as "street"): Lewis Street and Lewis Avenue are two.
_STREET_TYPES = {
    "street": "street", "st": "street", "avenue": "avenue", "ave": "avenue", "av": "avenue",
    "road": "road", "rd": "road", "drive": "drive", "dr": "drive", "lane": "lane",
    "ln": "lane", "boulevard": "boulevard", "blvd": "boulevard", "court": "court",
    "ct": "court", "parkway": "parkway", "pkwy": "parkway", "highway": "highway",
    "hwy": "highway", "terrace": "terrace", "circle": "circle", "trail": "trail",
    "pike": "pike", "place": "place", "way": "way",
}
# The street word first (a literal, so the scan jumps from one to the next), then the one to
# three words of the name before it.
_STREET_WORD = re.compile(
    r"(?:Street|St|Avenue|Ave|Av|Road|Rd|Drive|Dr|Lane|Ln|Boulevard|Blvd|Court|Ct|Parkway"
    r"|Pkwy|Highway|Hwy|Terrace|Circle|Trail|Pike|Place|Way)\b"
)
_ORDINAL_WORD = re.compile(r"\d+(?:st|nd|rd|th)$")
STREET_CHARS = 600


def lead_streets(title: str, body: str) -> frozenset[str]:
    """The streets the headline and the opening of the body (:data:`STREET_CHARS`) name, as
    "lemonwood road": the name's words folded, directions left out, ordinals as digits, and
    the street word canonical. A finer venue than a town: two reports that name one street
    place their incident there (see :func:`dedup.scoring.compare_places`)."""
    text = f"{title}\n{body[:STREET_CHARS]}" if title else body[:STREET_CHARS]
    found = set()
    for m in _STREET_WORD.finditer(text):
        start = m.start()
        if start < 2 or text[start - 1] != " " or not text[start - 2].isalnum() or \
                text[m.end():m.end() + 1] == "-":
            continue  # a word of its own after a word ("Way-" is part of a longer one)
        # The name: up to three capitalised words (or ordinals, "3rd") right before it.
        before = text[max(0, start - 48):start - 1].split(" ")
        name: list[str] = []
        for w in reversed(before[-3:]):
            if not w or not (w[0].isupper() or _ORDINAL_WORD.match(w)) or not w[-1].isalnum():
                break
            name.append(w)
        words = [fold(w) for w in reversed(name)]
        while words and (words[0] in _NOT_NAMES or words[0] in _TITLES):
            words = words[1:]  # "On Main Street", "Officer"
        words = [_ORDINALS.get(w, w) for w in words if w not in _STREET_NOISE]
        if not words or any(w in _ORG_WORDS for w in words):
            continue
        found.add(" ".join([*words, _STREET_TYPES[m.group().lower()]]))
    return frozenset(found)


def _md(day: dt.date) -> dt.date:
    return dt.date(2000, day.month, day.day)


# ---------------------------------------------------------------------------------------------
# Names

_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "fr",
    "president", "vice", "prime", "minister", "ministers", "secretary", "chancellor", "premier",
    "king", "queen", "prince", "princess", "pope", "senator", "sen", "rep", "representative",
    "governor", "gov", "mayor", "judge", "justice", "chief", "officer", "detective", "sgt",
    "sergeant", "lt", "lieutenant", "capt", "captain", "gen", "general", "col", "colonel",
    "major", "maj", "coach", "ambassador", "eam", "external", "affairs", "foreign", "defence",
    "defense", "home", "finance", "deputy", "assistant", "director", "spokesman", "spokeswoman",
    "spokesperson", "sheriff", "attorney", "district", "actor", "actress", "singer", "star",
    "rapper", "councilman", "councilwoman", "commissioner", "chairman", "chairwoman", "ceo",
    "superintendent", "trooper", "deputies", "agent", "russian", "indian", "american",
    "british", "chinese", "french", "german", "pakistani", "iranian", "israeli", "said",
    "says", "told", "according", "when", "after", "before", "while", "but", "and", "as",
}
_NOT_NAMES = {
    "the", "a", "an", "in", "on", "at", "of", "for", "to", "by", "with", "from", "this", "that",
    "these", "those", "it", "its", "he", "she", "they", "we", "i", "you", "his", "her", "their",
    "our", "my", "there", "here", "what", "who", "why", "how", "if", "or", "so", "not", "no",
    "yes", "all", "some", "one", "two", "three", "more", "most", "also", "then", "now",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "police", "news", "photo", "video", "update", "breaking",
    "read", "click", "image", "getty", "images", "reuters", "ap", "afp", "pti", "ians",
    # page chrome around the story, never anyone's name ("Email", "Print", "Live")
    "email", "print", "live", "share", "comments", "comment", "twitter", "facebook", "maps",
    "watch", "follow", "subscribe", "advertisement", "copyright", "related", "gallery",
    # name suffixes: the surname is the word before ("Paul Kendall Jr.")
    "jr", "sr", "ii", "iii",
    "eve",  # "New Year's Eve", "Christmas Eve"
}
# Words in _TITLES that open sentences rather than name anyone.
_NOT_TITLES = {"said", "says", "told", "according", "when", "after", "before", "while", "but",
               "and", "as", "russian", "indian", "american", "british", "chinese", "french",
               "german", "pakistani", "iranian", "israeli", "home", "district", "star"}
_ORG_WORDS = frozenset({
    "ministry", "council", "organisation", "organization", "department", "police", "university",
    "college", "school", "party", "court", "bank", "corporation", "corp", "inc", "ltd", "llc",
    "group", "center", "centre", "hospital", "association", "union", "committee", "agency",
    "office", "company", "news", "times", "post", "airlines", "airways", "institute",
    "foundation", "board", "commission", "force", "forces", "army", "navy", "church", "club",
    "league", "federation", "assembly", "parliament", "senate", "congress", "house", "service",
    "services", "bureau", "authority", "network", "media", "press", "tribune", "journal",
    "herald", "daily", "channel", "tv", "radio", "street", "road", "avenue", "highway", "park",
    "county", "city", "state", "states", "republic", "kingdom", "nations", "summit", "team",
    "records", "studios", "festival", "awards", "prize", "cup", "series", "show", "hall",
    "apartments", "mall", "station", "airport", "beach", "resort", "hotel", "island", "islands",
    "river", "lake", "mountain", "valley", "north", "south", "east", "west", "central",
    "general", "partnership", "organisation's", "strategic", "special", "privileged",
    # newsroom words of bylines and mastheads ("By Tri-City Gazette Staff", "News Desk")
    "desk", "staff", "correspondent", "correspondents", "reporter", "reporters",
    "editor", "editors", "gazette", "observer", "chronicle", "stories", "dispatch", "courier",
    # streets and addresses ("Las Vegas Boulevard", "Holly Ave"): places, never people
    "boulevard", "blvd", "ave", "av", "rd", "st", "ln", "ct", "pkwy", "parkway", "circle",
    "terrace", "trail", "lane", "drive", "plaza", "square", "crossing",
    # named places of a town ("Mount Sinai", "Kenwood Heights", "Crime Stoppers")
    "heights", "gardens", "hills", "falls", "creek", "township", "parish", "village",
    "manor", "estates", "academy", "inn", "motel", "mount", "mt", "fort", "stoppers", "co",
})
_NAME_TOKEN = r"(?:[A-Z][a-z]{0,2}\.|[A-Z][\w'-]*)"
# A run never starts with a word that opens sentences but names nobody ("The", "In", "May"):
# the regex engine skips those, so the Python loop sees only possible names. The pattern starts
# with its capital letter (so the engine jumps from capital to capital) and then checks, looking
# back at that letter, that no opener starts there.
_OPENER_WORDS = frozenset(w.capitalize() for w in _NOT_NAMES if w.isalpha())


def _openers() -> str:
    by_letter: dict[str, list[str]] = {}
    for word in sorted(_OPENER_WORDS, key=len, reverse=True):
        by_letter.setdefault(word[0], []).append(word[1:])
    return "|".join(
        f"(?<={letter})(?:{'|'.join(rests)})" for letter, rests in sorted(by_letter.items())
    )


_CAP_SEQ = re.compile(
    r"[A-Z](?!(?:" + _openers() + r")\b)(?:[a-z]{0,2}\.|[\w'-]*)"
    r"(?:[ \t]+(?:(?:de|van|von|der|bin|al|da|di|la|le|du)[ \t]+)?" + _NAME_TOKEN + r")*"
)


def cap_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of every capitalised run of ``text``: the matches of :data:`_CAP_SEQ`,
    found by the compiled ``dedup._scan.cap_runs`` where it is built."""
    if _compiled_cap_runs is None:
        return [m.span() for m in _CAP_SEQ.finditer(text)]
    flat = array("i", _compiled_cap_runs(text, _OPENER_WORDS)).tolist()
    return list(zip(flat[::2], flat[1::2]))


_LOCATIVE = re.compile(
    r"\b(?:in|at|near|outside|inside|across|around|within)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_REGION_AFTER = re.compile(
    r"\s*(?:\((?P<p>[A-Z][\w .'-]{1,40})\)|,[ \t]+(?P<c>[A-Z][\w.'-]+(?:[ \t][A-Z][\w.'-]+)?))"
)


@plain_state
@dataclass(frozen=True, slots=True)
class EventKey:
    """What an article says about its event. Sets hold folded keys; ``names`` maps each key to
    the form printed in evidence."""

    date: EventDate | None
    published: dt.date | None
    people: frozenset[str]
    orgs: frozenset[str]
    places: frozenset[str]
    venue: str | None
    # dicts as made; a corpus keeps them as dedup.records.FrozenMap (read with get and items)
    place_parents: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False)
    names: Mapping[str, str] = field(default_factory=dict, compare=False)
    dateline_place: str | None = None
    # The one block address the article gives (see block_address).
    block: tuple[int, frozenset[str]] | None = None
    # The ages its headline and lead give people ("a 9-year-old boy"; see lead_ages).
    ages: frozenset[int] = frozenset()
    # Those ages given with a sex, (age, "m" or "f") ("a 3-year-old girl"; see lead_age_sexes).
    age_sexes: frozenset[tuple[int, str]] = frozenset()
    # Whether it is a round-up of several incidents (see is_roundup).
    roundup: bool = False
    # The streets its headline and lead name (see lead_streets).
    streets: frozenset[str] = frozenset()
    # What its headline and lead say became of the victims: "fatal", "survived" or None
    # (see lead_outcome).
    outcome: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The key as people read it: the date interval, the people and organisations, the
        venue and the other places, by the names the text gives them (sorted)."""
        def named(keys: AbstractSet[str]) -> list[str]:
            return sorted(self.names.get(k, k) for k in keys)

        return {
            "date": self.date.to_dict() if self.date else None,
            "people": named(self.people),
            "organisations": named(self.orgs),
            "venue": self.names.get(self.venue, self.venue) if self.venue else None,
            "places": named(self.places - {self.venue} if self.venue else self.places),
        }

    def with_people(self, people: frozenset[str]) -> EventKey:
        """The same key with other people: ``dataclasses.replace`` without re-running
        ``__init__`` (a quarter of its cost; the pipeline does this for most articles)."""
        key = object.__new__(EventKey)
        for name in _KEY_FIELDS:
            object.__setattr__(key, name, getattr(self, name))
        object.__setattr__(key, "people", people)
        return key


_KEY_FIELDS = tuple(EventKey.__dataclass_fields__)


def lowercase_words(text: str) -> set[str]:
    """Words written in lower case: a capitalised word that is also written so is a common
    word ("Corridor", "Explorer"), not a name. The tokens of :data:`dedup.normalize._WORD`
    that the text writes in lower case: the same set as the token scan's
    :class:`~dedup.vocabulary.LowerWords`, so a caller without a scan gets the same key."""
    return {word for word in _WORD.findall(text) if word == word.lower()}


def drop_common_names(
    key: EventKey, common: set[str] | frozenset[str],
    shared: Callable[[frozenset[str]], frozenset[str]] | None = None,
) -> EventKey:
    """The key without the "people" that the corpus also writes as common words
    (``shared``: where given, the people set it returns for the new one, e.g. an equal set
    already held: :meth:`~dedup.records.RecordPool.strings`)."""
    people = key.people - common
    if people == key.people:
        return key
    return key.with_people(people if shared is None else shared(people))


def _tokens(seq: str) -> list[str]:
    return [t.rstrip(".").removesuffix("'s") for t in seq.split()]


def _region_of(phrase: str, after: str, local: dict[str, set[str]]) -> str | None:
    """"Panaji, Goa" / "Benaulim (Goa)": the folded region that contains ``phrase``, if any."""
    m = _REGION_AFTER.match(after)
    if not m:
        return None
    region = (m.group("p") or m.group("c") or "").strip()
    region_key, key = fold(region), fold(phrase)
    gazetteer = places()
    if region_key == key or (region_key not in gazetteer and region_key not in local):
        return None
    if key in gazetteer:
        # A known place: only its own parents count ("Moscow, Russia", not "Russia, China").
        return region_key if region_key in gazetteer.get(key, ()) else None
    return region_key


class _Extractor:
    """One pass over the capitalised sequences of an article."""

    def __init__(
        self, text: str, title_end: int, dateline_span: tuple[int, int],
        lower_words: AbstractSet[str],
    ) -> None:
        self.text = text
        self.title_end = title_end
        self.dateline_span = dateline_span
        self.lower_words = lower_words
        self.people: Counter[str] = Counter()
        self.orgs: Counter[str] = Counter()
        self.places: Counter[str] = Counter()
        self.parents: dict[str, set[str]] = {}
        self.names: dict[str, str] = {}
        self.venue: str | None = None
        self.singles: list[str] = []

    def add_place(self, key: str, phrase: str, region: str | None) -> None:
        self.places[key] += 1
        self.names.setdefault(key, phrase)
        parents = self.parents.setdefault(key, set(parents_of(phrase)))
        if region:
            parents.add(region)
            parents.update(self.parents.get(region, ()))
            parents.update(places().get(region, ()))

    def visit(self, start: int, end: int, run: _Run) -> None:
        tokens, folded, key = run.tokens, run.folded, run.key
        known = run.in_gazetteer or key in self.parents
        # Region cues ("X (Y)", "X, Y") and locative cues ("in X") cost a regex each: look for
        # them only where a place is possible.
        region = None
        if self.text[end:end + 3].lstrip().startswith(("(", ",")):
            region = _region_of(run.phrase, self.text[end:end + 48], self.parents)
        if known and region is None and run.org_word and len(tokens) == 1 and (
            self.text.startswith(" of ", end)
        ):
            # The head of an organisation's name, not the place it shares a word with
            # ("the University of Athens", "Bank of America"): the place after "of", if
            # any, is a run of its own.
            return
        if known or region is not None:
            self._place(start, tokens, run.phrase, key, self.text[end:end + 48], region, known)
            return
        if run.org_word:
            if len(tokens) >= 2:
                self.orgs[key] += 1
                self.names.setdefault(key, run.phrase)
            return
        if len(tokens) >= 2 or run.titled:
            surname = folded[-1]
            if run.surname and surname not in self.lower_words:
                self.people[surname] += 1
                self.names.setdefault(surname, tokens[-1])
            return
        if len(tokens[0]) >= 3:
            self.singles.append(folded[0])

    def _place(
        self, start: int, tokens: tuple[str, ...], phrase: str, key: str, after: str,
        region: str | None, known: bool,
    ) -> None:
        gazetteer = places()
        in_dateline = self.dateline_span[0] <= start < self.dateline_span[1]
        locative = bool(_LOCATIVE.search(self.text[max(0, start - 24):start]))
        if not known:
            # An unknown name with a region: a place only with a cue, and not a common word.
            if (
                len(tokens) > 3
                or any(fold(t) in _ORG_WORDS for t in tokens)
                or key in self.lower_words
                or key in _NOT_NAMES
                or not (locative or in_dateline or after.lstrip().startswith("("))
            ):
                return
        if in_dateline:
            # The filing desk's city is not the venue; its region note still teaches
            # this article where the place lies ("Benaulim (Goa)").
            self.parents.setdefault(key, set(parents_of(phrase)))
            if region:
                self.parents[key].add(region)
                self.names.setdefault(key, phrase)
            return
        # A bare city name may be a word or a surname ("Reading", "Jackson"): it needs a
        # locative cue, a region, or to be a country or region itself.
        if locative or region or not gazetteer.get(key) or key in self.parents:
            self.add_place(key, phrase, region)
            if locative and start >= self.title_end and self.venue is None:
                if key not in countries():
                    self.venue = key


def _surname_shape(token: str, key: str) -> bool:
    """Whether a run's last word can be a surname, whatever the article (the article adds one
    test: that it does not also write the word in lower case)."""
    return (
        len(key) >= 2
        and key.isalpha()
        and not token.isupper()
        and key not in _TITLES
        and key not in _NOT_NAMES
        and key not in _ORG_WORDS
        and key not in places()
    )


def _strip(
    tokens: list[str], folded: list[str], start: int, text: str
) -> tuple[list[str], list[str], int, bool]:
    """Drop sentence openers, titles and months at the ends of a capitalised run; also say
    whether a title stood before the name ("EAM Jaishankar", "President Putin")."""
    titled = False
    while tokens:
        head = folded[0]
        if head in _TITLES:
            titled = titled or head not in _NOT_TITLES
        elif head not in _NOT_NAMES:
            break
        if len(tokens) > 1:
            start = text.find(tokens[1], start + len(tokens[0]))
        tokens, folded = tokens[1:], folded[1:]
    while tokens and (folded[-1] in _NOT_NAMES or folded[-1] in _TITLES):
        tokens, folded = tokens[:-1], folded[:-1]
    return tokens, folded, start, titled


class _Run(NamedTuple):
    """A capitalised run with its openers and titles dropped: what it says out of context
    (a tuple: one is built for every distinct run of a corpus)."""

    tokens: tuple[str, ...]
    folded: tuple[str, ...]
    offset: int  # where the kept tokens start within the run
    titled: bool
    phrase: str
    key: str
    in_gazetteer: bool
    org_word: bool
    surname: bool  # its last word can be a surname (see _surname_shape)
    plain: bool  # neither a gazetteer place nor an organisation
    person: bool  # two words or more, or a title before it: a person if anything


_RUNS: dict[str, _Run | None] = {}
_RUNS_LIMIT = 200_000


def _run(seq: str) -> _Run | None:
    """The parts of a capitalised run (``None`` when nothing is left of it), cached: names and
    places recur across a corpus, so each distinct run is split, folded and looked up once.
    The compiled loop makes and stores its runs itself, with ``dedup._scan.run_parts`` (see
    :func:`_run_maker`); this is the Python loop's, and the reference the tests compare."""
    found = _RUNS.get(seq, _RUNS)
    if found is not _RUNS:
        return found  # type: ignore[return-value]
    tokens = _tokens(seq)
    tokens, folded, offset, titled = _strip(tokens, [fold(t) for t in tokens], 0, seq)
    run = None
    if tokens:
        key = " ".join(folded)
        gazetteer = places()
        in_gazetteer, org_word = key in gazetteer, not _ORG_WORDS.isdisjoint(folded)
        run = _Run(
            tuple(tokens), tuple(folded), offset, titled, " ".join(tokens), key,
            in_gazetteer, org_word, _surname_shape(tokens[-1], folded[-1]),
            not in_gazetteer and not org_word, len(tokens) >= 2 or titled,
        )
    if len(_RUNS) >= _RUNS_LIMIT:  # bounded: a stream of new names cannot grow it for ever
        _RUNS.clear()
    _RUNS[seq] = run
    return run


@lru_cache(maxsize=1)
def _run_maker() -> tuple[object, ...]:
    """What the compiled loop needs to make and store a new run as :func:`_run` does."""
    return (_Run, _RUNS_LIMIT, fold, _TITLES, _NOT_NAMES, _NOT_TITLES, _ORG_WORDS, places(),
            _FOLDED)


def _name_runs(text: str, span: tuple[int, int], ex: _Extractor) -> None:
    """The capitalised runs of ``text`` into ``ex``: the dateline's first (so that its region
    note is known before the body names the place), then the others in order.
    ``dedup._scan.name_runs`` is the same loop, compiled, with the commonest cases of
    :meth:`_Extractor.visit` (a name, a lone word or an organisation, with no place or region
    note possible) done inline."""
    spans = cap_runs(text)
    if span != (0, 0):
        spans.sort(key=lambda se: not (span[0] <= se[0] < span[1]))
    for start, end in spans:
        run = _run(text[start:end])
        if run is not None:
            ex.visit(start + run.offset, end, run)


LEAD_CHARS = 2500
# How much of the body may say that an article is about a later step (EventDate.follow_up),
# and the later-step words in any case, with RE2 (one pass for all the words).
FOLLOW_UP_CHARS = 400
_LATER_STEP_ANYCASE = re2.compile("(?i)" + _LATER_STEP.pattern)
# Ages as news gives them: "a 9-year-old boy", "the 25-year-old", "Miguel Garcia, 25, of",
# "a boy, 9, was", "aged 85". Read in the headline and the first AGE_CHARS of the body, where
# the people of the event are introduced (further down come other cases, relatives, earlier
# victims). Each pattern starts with a literal or is tried only where its word stands, so
# the scan is quick.
_AGE_YEARS = re.compile(r"years?[- ]old\b")  # the number before it is read by hand
_AGE_NUMBER = re.compile(r"(?<![\w,.])(\d{1,3})[- ]$")
_AGE_COMMA = re.compile(r", (\d{1,3}),")  # after a word: "Garcia, 25," and "boy, 9,"
_AGED = re.compile(r"\baged (\d{1,3})\b")
AGE_CHARS = 600


def lead_ages(title: str, body: str) -> frozenset[int]:
    """The ages the headline and lead give people (see :data:`_AGE_COMMA`): an event fact
    that two reports of one incident share ("Boy, 11, accidentally shoots" and "An
    11-year-old boy accidentally shot himself"), and two incidents of one kind on one day
    rarely do."""
    text = f"{title}\n{body[:AGE_CHARS]}" if title else body[:AGE_CHARS]
    found = {int(m.group(1)) for m in _AGE_COMMA.finditer(text)
             if text[m.start() - 2:m.start()].isalpha()}
    if "year" in text:
        for m in _AGE_YEARS.finditer(text):
            number = _AGE_NUMBER.search(text, max(0, m.start() - 5), m.start())
            if number is not None:
                found.add(int(number.group(1)))
    if "aged " in text:
        found.update(int(n) for n in _AGED.findall(text))
    return frozenset(age for age in found if 0 < age <= 120)


# An age with the word for the person it belongs to: "a 3-year-old girl", "the 21-year-old
# man", "his 2-year-old nephew", "Boy, 11,", "Girl, 4, dies". Two reports of one incident
# that give a victim's age agree on the victim's sex; a boy and a girl of one age on one day
# are two incidents.
_SEXES = {
    "boy": "m", "man": "m", "son": "m", "male": "m", "brother": "m", "father": "m",
    "husband": "m", "grandson": "m", "nephew": "m", "grandfather": "m", "uncle": "m",
    "girl": "f", "woman": "f", "daughter": "f", "female": "f", "sister": "f", "mother": "f",
    "wife": "f", "granddaughter": "f", "niece": "f", "grandmother": "f", "aunt": "f",
}
# Found where lead_ages finds the age: the word after "N-year-old" (or the second, after one
# lower-case word: "a 3-year-old little girl"), the word before ", N,".
_WORDS_AFTER = re.compile(r"[ \t]+([A-Za-z]+)(?:[ \t]+([A-Za-z]+))?")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)$")


def lead_age_sexes(title: str, body: str) -> frozenset[tuple[int, str]]:
    """The ages of :func:`lead_ages` that the headline and lead give with the person's sex,
    as ``(age, "m" | "f")``."""
    text = f"{title}\n{body[:AGE_CHARS]}" if title else body[:AGE_CHARS]
    found = set()
    for m in _AGE_COMMA.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, m.start() - 16), m.start())
        sex = _SEXES.get(before.group(1).lower()) if before is not None else None
        if sex is not None:
            found.add((int(m.group(1)), sex))
    if "year" in text:
        for m in _AGE_YEARS.finditer(text):
            number = _AGE_NUMBER.search(text, max(0, m.start() - 5), m.start())
            after = _WORDS_AFTER.match(text, m.end()) if number is not None else None
            if after is None:
                continue
            first, second = after.group(1), after.group(2)
            sex = _SEXES.get(first.lower())
            if sex is None and second is not None and first.islower():
                sex = _SEXES.get(second.lower())
            if sex is not None:
                found.add((int(number.group(1)), sex))
    return frozenset((age, sex) for age, sex in found if 0 < age <= 120)


# What became of the victims, as the headline and lead say it: someone died ("killed", "dies",
# "fatally"), or the victims live ("in stable condition", "non-life-threatening", "expected to
# survive"). A report that says both (one killed, one in stable condition) or neither says
# nothing. Read where the lead introduces the event (further down come other cases).
# (RE2, in any case: a fifth of the time of Python's engine with IGNORECASE here.)
_FATAL = re2.compile(
    r"(?i)\b(?:killed|dead|dies|died|fatal|fatally|death|homicide|murder|murdered|slain)\b"
)
_SURVIVED = re2.compile(
    r"(?i)\b(?:(?:stable|good|fair|satisfactory)[ \t]+condition|non-life-threatening"
    r"|not[ \t]+life-threatening|minor[ \t]+injur(?:y|ies)"
    r"|expected[ \t]+to[ \t]+(?:survive|recover|live)|treated[ \t]+and[ \t]+released)\b"
)
OUTCOME_CHARS = 500


def lead_outcome(title: str, body: str) -> str | None:
    """``"fatal"`` when the headline and lead say that someone died and that no one lives on
    from it, ``"survived"`` when they say the victims live and that no one died, else
    ``None``. Two reports of one incident rarely disagree on it; a death after an early "in
    stable condition" does happen, so the disagreement costs points and decides nothing
    (:data:`dedup.scoring.OUTCOME_POINTS`)."""
    text = f"{title}\n{body[:OUTCOME_CHARS]}" if title else body[:OUTCOME_CHARS]
    fatal = _FATAL.search(text) is not None
    if fatal == (_SURVIVED.search(text) is not None):
        return None
    return "fatal" if fatal else "survived"


def extract_event_key(
    title: str, body: str, published: dt.date | str | None,
    lower_words: AbstractSet[str] | None = None,
) -> EventKey:
    """Event key of one article. ``body`` is the cleaned text without the title;
    ``lower_words`` is ``lowercase_words(body)`` when the caller has it already (any set of
    words, such as the :class:`~dedup.vocabulary.LowerWords` of the token scan)."""
    date, ref = extract_date(body, published)
    if date is not None and date.confident and title and _LATER_STEP.search(title.lower()):
        # A headline about a later step ("Teen charged in ...", "Trial begins for ..."): the
        # day the lead names may be that step's, not the event's.
        date = EventDate(date.lo, date.hi, date.year_known, date.source)
    elif date is not None and date.guessed and _LATER_STEP_ANYCASE.search(
        f"{title}\n{body[:FOLLOW_UP_CHARS]}"
    ):
        date = EventDate(date.lo, date.hi, date.year_known, date.source, follow_up=True)
    # News puts who, where and when first (the inverted pyramid): names are read from the
    # headline and the opening of the body only, which also bounds the cost per article.
    head = body[:LEAD_CHARS]
    if len(body) > LEAD_CHARS:
        head = head[:head.rfind(" ")] if " " in head else head
    text = f"{title}\n{head}" if title else head
    title_end = len(title) + 1 if title else 0

    span = (0, 0)
    m = _DATELINE.search(body[:300])
    if m and m.start() < 200:
        span = (title_end + m.start(), title_end + m.end())

    if lower_words is None:
        lower_words = lowercase_words(body)
    ex = _Extractor(text, title_end, span, lower_words)
    # The dateline first, so that its region note is known before the body names the place.
    if _compiled_name_runs is not None:
        # The same loop, compiled: runs in the dateline first, then the others in order.
        spans = (memoryview(_compiled_cap_runs(text, _OPENER_WORDS)).cast("i")
                 if _compiled_cap_runs is not None
                 else array("i", [i for m in _CAP_SEQ.finditer(text) for i in m.span()]))
        _compiled_name_runs(
            text, spans, span[0], span[1],
            _RUNS, _run_maker() if _compiled_run_parts is not None else _run,
            ex.parents, getattr(lower_words, "lookup", lower_words), ex.people, ex.names,
            ex.singles, ex.visit, ex.orgs,
        )
    else:
        _name_runs(text, span, ex)
    # A lone surname counts when the article also names the person in full.
    for key in ex.singles:
        if key in ex.people:
            ex.people[key] += 1
    # The venue: the first place the body puts something "in" or "at", below country level;
    # else the place named most often, a town before a country.
    venue = ex.venue
    if venue is None and ex.places:
        national = countries()
        venue = max(sorted(ex.places), key=lambda k: (k not in national, ex.places[k]))
    dateline_place = None
    if span != (0, 0):
        place_tokens = _tokens(m.group("place"))
        tokens, _, _, _ = _strip(
            place_tokens, [fold(t) for t in place_tokens], 0, m.group("place")
        )
        dateline_place = fold(" ".join(tokens)) if tokens else None
    return EventKey(
        date=date,
        published=ref,
        people=frozenset(ex.people),
        orgs=frozenset(ex.orgs),
        places=frozenset(ex.places),
        venue=venue,
        place_parents={k: frozenset(v) for k, v in ex.parents.items() if k in ex.places},
        names=ex.names,
        dateline_place=dateline_place,
        block=block_address(body),
        ages=lead_ages(title, body),
        age_sexes=lead_age_sexes(title, body),
        roundup=is_roundup(title, body),
        streets=lead_streets(title, body),
        outcome=lead_outcome(title, body),
    )
