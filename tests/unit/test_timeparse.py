"""Specification of what subscribers may type as a delivery time or a time zone, and of the
messages they get back when it cannot be accepted."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.timeparse import (
    MAX_INPUT_CHARS,
    MESSAGES,
    TimeFormatError,
    TimeInputError,
    TimezoneError,
    known_timezones,
    parse_hhmm,
    resolve_timezone,
)

# --- delivery times ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", time(7, 30)),
        ("07:30", time(7, 30)),
        ("0730", time(7, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("  6:05 ", time(6, 5)),
        ("7pm", time(19, 0)),
        ("7:30am", time(7, 30)),
        ("7:30 PM", time(19, 30)),
        ("12am", time(0, 0)),
        ("12:15pm", time(12, 15)),
        ("6 a.m.", time(6, 0)),
        ("０７：３０", time(7, 30)),  # full-width, as typed on a Korean keyboard
    ],
)
def test_accepted_time_formats(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("25:99", "time.range"),
        ("24:00", "time.range"),
        ("7:60", "time.range"),
        ("13pm", "time.range"),
        ("0am", "time.range"),
        ("abc", "time.format"),
        ("730", "time.format"),
        ("7.30", "time.format"),
        ("7h30", "time.format"),
        ("7:5", "time.format"),
        ("-1:00", "time.format"),
        ("", "time.empty"),
        ("   ", "time.empty"),
    ],
)
def test_rejected_times_say_why(text: str, key: str) -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_hhmm(text)
    assert caught.value.key == key


def test_out_of_range_time_message_names_the_input_and_the_expected_format() -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_hhmm("25:99")
    assert str(caught.value) == "25:99 is not a time of day — use HH:MM, e.g. 07:30."


def test_overlong_time_is_refused_without_echoing_it() -> None:
    with pytest.raises(TimeFormatError) as caught:
        parse_hhmm("7" * 5000)
    assert caught.value.key == "time.too_long"
    assert "7777" not in str(caught.value)


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_every_time_of_day_round_trips_in_each_24_hour_spelling(hour: int, minute: int) -> None:
    expected = time(hour, minute)
    assert parse_hhmm(f"{hour}:{minute:02d}") == expected
    assert parse_hhmm(f"{hour:02d}:{minute:02d}") == expected
    assert parse_hhmm(f"{hour:02d}{minute:02d}") == expected


@pytest.mark.slow
@settings(max_examples=300)
@given(text=st.text(max_size=MAX_INPUT_CHARS + 20))
def test_any_text_is_either_a_time_or_a_short_catalogued_error(text: str) -> None:
    try:
        parse_hhmm(text)
    except TimeFormatError as error:
        assert error.key in MESSAGES
        assert len(str(error)) <= len(MESSAGES[error.key]) + MAX_INPUT_CHARS


# --- time zones --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/seoul", "Asia/Seoul"),
        ("ASIA/SEOUL", "Asia/Seoul"),
        ("america/new york", "America/New_York"),
        ("America / New York", "America/New_York"),
        ("america/argentina/buenos aires", "America/Argentina/Buenos_Aires"),
        (" Europe/London ", "Europe/London"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("asia/kathmandu", "Asia/Kathmandu"),
    ],
)
def test_zone_names_resolve_case_insensitively_to_their_iana_spelling(
    text: str, expected: str
) -> None:
    assert resolve_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "first_suggestion"),
    [
        ("asia/seol", "Asia/Seoul"),
        ("Seoul", "Asia/Seoul"),
        ("seul", "Asia/Seoul"),
        ("new york", "America/New_York"),
        ("London", "Europe/London"),
        ("europe/londn", "Europe/London"),
        ("posix/Asia/Seoul", "Asia/Seoul"),
        ("right/Europe/London", "Europe/London"),
    ],
)
def test_near_misses_are_refused_with_the_zone_probably_meant(
    text: str, first_suggestion: str
) -> None:
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone(text)
    error = caught.value
    assert error.key == "zone.suggest"
    assert error.suggestions[0] == first_suggestion
    assert len(error.suggestions) <= 3
    assert first_suggestion in str(error) and text.strip() in str(error)


def test_a_zone_on_another_planet_gets_a_clear_message_and_no_suggestion() -> None:
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone("Mars/Olympus")
    assert caught.value.suggestions == ()
    assert str(caught.value) == (
        "I don't know the time zone “Mars/Olympus”. Use a name like Asia/Seoul."
    )


@pytest.mark.parametrize("text", ["localtime", "posixrules", "Factory", "posix/UTC", "right/UTC"])
def test_non_zones_and_alternative_zone_trees_are_refused(text: str) -> None:
    with pytest.raises(TimezoneError):
        resolve_timezone(text)
    assert text not in known_timezones()


@pytest.mark.parametrize("text", ["GMT+9", "UTC+09:00", "utc -5", "+9", "UTC−9"])
def test_offsets_are_refused_in_favour_of_a_place(text: str) -> None:
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone(text)
    assert caught.value.key == "zone.offset"
    assert "Asia/Seoul" in str(caught.value)


def test_backwards_posix_gmt_zones_are_never_suggested() -> None:
    # Etc/GMT+9 is nine hours *behind* UTC; offering it for "GMT 9" would be 18 hours wrong.
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone("Etc/GMT+9x")
    assert not any("GMT+" in s or "GMT-" in s for s in caught.value.suggestions)


@pytest.mark.parametrize(("text", "key"), [("", "zone.empty"), ("x" * 5000, "zone.too_long")])
def test_empty_and_overlong_zones_are_refused_without_echo(text: str, key: str) -> None:
    with pytest.raises(TimezoneError) as caught:
        resolve_timezone(text)
    assert caught.value.key == key
    assert "xxxx" not in str(caught.value)


def test_every_error_text_comes_from_the_message_table() -> None:
    error = TimeInputError("zone.unknown", text="Mars/Olympus")
    assert str(error) == MESSAGES["zone.unknown"].format(text="Mars/Olympus")
    assert error.params == {"text": "Mars/Olympus"}


def test_every_offered_zone_loads() -> None:
    for name in known_timezones():
        ZoneInfo(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7시", time(7, 0)),
        ("7시 30분", time(7, 30)),
        ("7시 반", time(7, 30)),
        ("오전 7시 30분", time(7, 30)),
        ("오전 12시", time(0, 0)),
        ("오후 12시", time(12, 0)),
        ("오후 7시", time(19, 0)),
        ("오후 7:30", time(19, 30)),
        ("저녁 7시", time(19, 0)),
        ("새벽 5시", time(5, 0)),
        ("낮 2시", time(14, 0)),
        ("23시", time(23, 0)),
    ],
)
def test_korean_times_are_read_as_korean_readers_write_them(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize("text", ["25시", "오후 13시", "7시 61분"])
def test_a_korean_time_out_of_range_is_refused(text: str) -> None:
    with pytest.raises(TimeFormatError):
        parse_hhmm(text)
