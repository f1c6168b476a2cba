"""The dates editors write: what a brief concerns (YYYY, YYYY-MM, YYYY-MM-DD) and when to send."""

from __future__ import annotations

import re

import pytest

from bot.catalog.dates import parse_partial_date, parse_send_on
from bot.catalog.model import PartialDate, SendOn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019", PartialDate(2019)),
        ("2019-06", PartialDate(2019, 6)),
        ("2019-6", PartialDate(2019, 6)),
        ("2019-06-14", PartialDate(2019, 6, 14)),
        ("2020-02-29", PartialDate(2020, 2, 29)),
    ],
)
def test_a_date_is_as_precise_as_written(text: str, expected: PartialDate) -> None:
    assert parse_partial_date(text) == expected


_EXPECTED = (
    "expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-06, "
    "or 'undated' when the source gives no date"
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2019-13", "there is no month 13; months run 1–12"),
        ("2019-00", "there is no month 0; months run 1–12"),
        ("2019-02-30", "February 2019 has no day 30"),
        ("2019-02-29", "February 2019 has no day 29"),
        ("2019-06-00", "June 2019 has no day 0"),
        ("June 2019", _EXPECTED),
        ("19-06", _EXPECTED),
    ],
)
def test_an_impossible_date_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}$"):
        parse_partial_date(text)


def test_send_on_is_either_every_year_or_once() -> None:
    assert parse_send_on("12-10") == SendOn(12, 10)
    assert parse_send_on("2019-12-10") == SendOn(12, 10, 2019)


def test_an_every_year_send_on_may_fall_on_leap_day() -> None:
    assert parse_send_on("02-29") == SendOn(2, 29)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("02-30", "February has no day 30"),
        ("2019-02-29", "February 2019 has no day 29"),
        ("2019-12", "expected MM-DD (every year) or YYYY-MM-DD (once), e.g. 12-10"),
        ("10 December", "expected MM-DD (every year) or YYYY-MM-DD (once), e.g. 12-10"),
    ],
)
def test_an_impossible_send_on_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}$"):
        parse_send_on(text)


def test_undated_is_an_honest_answer_not_a_guess() -> None:
    assert parse_partial_date("undated") is None
    assert parse_partial_date("Undated") is None


def test_the_earliest_day_a_date_allows() -> None:
    assert PartialDate(2025).earliest.isoformat() == "2025-01-01"
    assert PartialDate(2019, 6).earliest.isoformat() == "2019-06-01"
    assert PartialDate(2018, 10, 26).earliest.isoformat() == "2018-10-26"
