"""Publication dates as users have them, read into one calendar date.

A ``published`` value may be written as

* ISO 8601: ``2023-05-05``, ``2023-05-05T10:12:00``, with or without a zone (``Z``, ``+05:30``);
* RFC 2822, as every RSS feed writes it: ``Fri, 05 May 2023 10:12:00 +0530``;
* English words: ``May 5, 2023``, ``5 May 2023``, ``Friday, May 5, 2023 10:12 AM``;
* numbers: ``05.05.2023`` (day first), ``2023/05/05``, ``5/13/2023`` (only where the day and
  month cannot be swapped), ``20230505``, or a Unix time in seconds or milliseconds;
* in the library, a :class:`datetime.date` or :class:`datetime.datetime`.

The day is the one written, in the value's own time zone: a story stamped ``Fri, 05 May 2023
00:30:00 +0530`` was published on the 5th where it was written, although it was still the 4th
in UTC. A value that cannot be read raises :class:`DateError`, whose message says why; the
pipeline keeps it as a warning of that document (never dropped silently) and goes on without
a publication date.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from .errors import InputError

EARLIEST, LATEST = 1900, 2100  # years outside this range are a CMS default, not a date


class DateError(InputError, ValueError):
    """A date value that cannot be read (the message says why)."""


def published_text(value: object) -> str | None:
    """A ``published`` value as :class:`~dedup.Document` keeps it: a ``date``/``datetime`` as
    its ISO form, a number (a Unix time) as its digits, a string as written, else None.
    Raises :class:`~dedup.errors.InputError` for another type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise InputError(
        f"The 'published' field must be a str, date or datetime. Got {type(value).__name__} instead."
    )


_MONTHS = {
    name: number
    for number, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december"), 1)
    for name in names.split()
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
# What may follow the date: a time, a zone, "at", "GMT", "IST": read as far as the date.
_REST = r"(?:(?:,|\s|\bat\b|T)[\s\w:.+\-]*)?$"
_WORDS = (
    re.compile(rf"^{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_REST}", re.IGNORECASE),
    re.compile(rf"^{_WEEKDAY}{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}{_REST}", re.IGNORECASE),
)
_ISO = re.compile(r"^(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})(?:[T ].*)?$")
_YMD = re.compile(r"^(?P<year>\d{4})[/.](?P<mon>\d{1,2})[/.](?P<day>\d{1,2})(?:[T ,].*)?$")
_DMY_DOTS = re.compile(r"^(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})(?:[ ,].*)?$")
_SLASHES = re.compile(r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})(?:[ ,].*)?$")


def parse_published(value: str) -> dt.date:
    """The calendar date of a ``published`` value (see the module doc for the forms read).

    Raises :class:`DateError` with the reason when the value is not a date."""
    text = " ".join(value.split())
    if not text:
        raise DateError("empty")
    if text.isdigit():
        return _check(_from_digits(text))
    if m := _ISO.match(text):
        try:  # the whole value when it is one ISO datetime: its own day, in its own zone
            return _check(dt.datetime.fromisoformat(text.replace(" ", "T", 1)).date())
        except ValueError:
            return _check(_date(m["year"], m["mon"], m["day"]))
    for pattern in (_YMD, _DMY_DOTS):
        if m := pattern.match(text):
            return _check(_date(m["year"], m["mon"], m["day"]))
    if m := _SLASHES.match(text):
        first, second = int(m["a"]), int(m["b"])
        if first <= 12 and second <= 12 and first != second:
            raise DateError("day and month could be either way round (write it as YYYY-MM-DD)")
        month, day = (first, second) if second > 12 or first == second else (second, first)
        return _check(_date(m["year"], month, day))
    for pattern in _WORDS:
        if m := pattern.match(text):
            return _check(_date(m["year"], _MONTHS[m["mon"].lower()], m["day"]))
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return _check(parsed.date())
    raise DateError("not a date in a known form (ISO 8601, RFC 2822 or 'May 5, 2023')")


def _from_digits(text: str) -> dt.date:
    """``20230505``, or a Unix time in seconds (10 digits) or milliseconds (13), in UTC."""
    if len(text) == 8:
        return _date(text[:4], text[4:6], text[6:])
    if len(text) in (10, 13):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).date()
    raise DateError("a number that is neither YYYYMMDD nor a Unix time")


def _date(year: str | int, month: str | int, day: str | int) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise DateError(f"no such day ({exc})") from None


def _check(day: dt.date) -> dt.date:
    if not EARLIEST <= day.year <= LATEST:
        raise DateError(f"year {day.year} is outside {EARLIEST}-{LATEST}")
    return day
