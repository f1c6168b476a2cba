"""Parsing the two kinds of date an editor writes: what a brief concerns, and when to send it.

Both parsers take the text exactly as typed and raise ValueError with a reason a reader can act
on ("February 2019 has no day 30"), which the field readers turn into a located problem.
"""

from __future__ import annotations

import calendar
import re

from bot.catalog.model import PartialDate, SendOn

_PARTIAL = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_SEND_ON = re.compile(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})")
_LEAP_YEAR = 2000  # lets an every-year "02-29" through: it is sent in leap years


UNDATED = "undated"


def parse_partial_date(text: str) -> PartialDate | None:
    """A brief's date, or None for `undated` (the source gives no date and none is guessed)."""
    if text.strip().lower() == UNDATED:
        return None
    match = _PARTIAL.fullmatch(text)
    if match is None:
        raise ValueError(
            "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-06, or 'undated' when the source "
            "gives no date"
        )
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if month is not None:
        _check_day(year, month, day)
    return PartialDate(year, month or 0, day or 0)


def parse_send_on(text: str) -> SendOn:
    match = _SEND_ON.fullmatch(text)
    if match is None:
        raise ValueError("expected MM-DD (every year) or YYYY-MM-DD (once), e.g. 12-10")
    year = int(match[1]) if match[1] else None
    month, day = int(match[2]), int(match[3])
    _check_day(year or _LEAP_YEAR, month, day, name_year=year is not None)
    return SendOn(month, day, year)


def _check_day(year: int, month: int, day: int | None, *, name_year: bool = True) -> None:
    """Reject a month outside 1–12 or a day the month does not have."""
    if not 1 <= month <= 12:
        raise ValueError(f"there is no month {month}; months run 1–12")
    last = calendar.monthrange(year, month)[1]
    if day is not None and not 1 <= day <= last:
        when = f"{calendar.month_name[month]} {year}" if name_year else calendar.month_name[month]
        raise ValueError(f"{when} has no day {day}")
