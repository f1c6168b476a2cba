"""Reading where a reader is: cities, countries, abbreviations and offsets into IANA zones."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.places.cities import cities_starting
from bot.core.places.lookup import Found, fixed_zone, lookup
from bot.core.timeparse import known_timezones


def found(text: str) -> Found | None:
    return lookup(text, known_timezones())


@pytest.mark.parametrize(
    ("text", "zone", "place"),
    [
        ("Seoul", "Asia/Seoul", "Seoul, South Korea"),
        ("busan", "Asia/Seoul", "Busan, South Korea"),
        ("Pusan", "Asia/Seoul", "Busan, South Korea"),  # an older spelling
        ("부산", "Asia/Seoul", "Busan, South Korea"),
        ("평양", "Asia/Pyongyang", "Pyongyang, North Korea"),
        ("new york", "America/New_York", "New York City, United States"),
        ("Toronto", "America/Toronto", "Toronto, Canada"),
        ("Japan", "Asia/Tokyo", "Japan"),  # a country with one zone
        ("대한민국", "Asia/Seoul", "South Korea"),
        ("america/new_york", "America/New_York", ""),
        ("UTC", "UTC", "UTC"),
    ],
)
def test_a_place_with_one_zone_is_read_as_that_zone(text: str, zone: str, place: str) -> None:
    answer = found(text)
    assert answer is not None and answer.sure
    assert (answer.zones[0], answer.place) == (zone, place)


@pytest.mark.parametrize(
    ("text", "how", "includes"),
    [
        ("korea", "country", {"Asia/Seoul", "Asia/Pyongyang"}),
        ("KST", "abbreviation", {"Asia/Seoul", "Asia/Pyongyang"}),
        ("CST", "abbreviation", {"Asia/Shanghai", "America/Chicago"}),
        ("united states", "country", {"America/New_York", "America/Los_Angeles"}),
        ("Springfield", "city", {"America/Chicago", "America/New_York"}),
    ],
)
def test_a_place_with_several_zones_lists_them_to_choose(
    text: str, how: str, includes: set[str]
) -> None:
    answer = found(text)
    assert answer is not None and not answer.sure and answer.how == how
    assert includes <= set(answer.zones)


@pytest.mark.parametrize("text", ["UTC+9", "+09:00", "GMT+9", "utc +9", "+0900"])
def test_an_offset_offers_the_places_on_it_and_the_fixed_zone_last(text: str) -> None:
    answer = found(text)
    assert answer is not None and answer.how == "offset" and answer.place == "UTC+09:00"
    assert "Asia/Seoul" in answer.zones and answer.zones[-1] == "Etc/GMT-9"


def test_a_negative_offset_and_half_hours_are_read_too() -> None:
    west, half = found("UTC-5"), found("+09:30")
    assert west is not None and "America/New_York" in west.zones and west.place == "UTC−05:00"
    assert half is not None and "Australia/Adelaide" in half.zones


@pytest.mark.parametrize("text", ["EST", "EDT", "pst"])
def test_an_abbreviation_means_the_zone_with_daylight_saving(text: str) -> None:
    answer = found(text)
    assert answer is not None
    assert not any(zone in ("EST", "EST5EDT", "PST8PDT") for zone in answer.zones)


def test_a_fixed_zone_typed_by_name_is_not_taken_as_given() -> None:
    answer = found("Etc/GMT+9")  # UTC−9 all year: POSIX signs run backwards
    assert answer is not None and answer.how == "fixed"
    assert "Asia/Seoul" in answer.zones and answer.zones[-1] == "Etc/GMT+9"


def test_fixed_zones_carry_the_backwards_posix_sign() -> None:
    assert fixed_zone(timedelta(hours=9)) == "Etc/GMT-9"
    assert fixed_zone(timedelta(hours=-5)) == "Etc/GMT+5"
    assert fixed_zone(timedelta(0)) == "UTC"
    assert fixed_zone(timedelta(hours=5, minutes=30)) is None


@pytest.mark.parametrize("text", ["Mars/Olympus", "달나라", "xyzzy", "UTC+25"])
def test_what_names_no_place_is_none(text: str) -> None:
    assert found(text) is None


def test_typing_a_city_lists_the_biggest_first_with_their_zone() -> None:
    assert cities_starting("busa", 3)[0] == ("Busan, South Korea", "Asia/Seoul")
    assert cities_starting("s", 3) == []  # one letter matches too much to help
