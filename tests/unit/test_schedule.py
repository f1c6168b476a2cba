"""Specification of when digests fall due: local delivery times, DST gaps and repeats, odd
offsets, zone changes, catch-up, and the fake clock the rest of the suite drives time with."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core.timeparse import known_timezones
from bot.domain.clock import FakeClock, SystemClock
from bot.domain.schedule import (
    due_for_day,
    local_date,
    next_due,
    next_due_after_day,
    within_catch_up,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def wall(instant: datetime, zone: str) -> datetime:
    """What the subscriber's clock on the wall shows at `instant`."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# --- ordinary days and odd offsets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc"),
    [
        ("Asia/Seoul", date(2026, 5, 10), utc(2026, 5, 9, 22, 0)),  # +09:00, no DST
        ("Asia/Kathmandu", date(2026, 5, 10), utc(2026, 5, 10, 1, 15)),  # +05:45
        ("Asia/Kolkata", date(2026, 5, 10), utc(2026, 5, 10, 1, 30)),  # +05:30
        ("Pacific/Chatham", date(2026, 5, 10), utc(2026, 5, 9, 18, 15)),  # +12:45 in winter
        ("Australia/Lord_Howe", date(2026, 5, 10), utc(2026, 5, 9, 20, 30)),  # +10:30 in winter
        ("UTC", date(2026, 5, 10), utc(2026, 5, 10, 7, 0)),
    ],
)
def test_ordinary_day_is_delivered_at_the_local_wall_time(
    zone: str, day: date, expected_utc: datetime
) -> None:
    due = due_for_day(time(7, 0), zone, day)
    assert due == expected_utc
    assert wall(due, zone) == datetime.combine(day, time(7, 0))


def test_zone_may_be_given_as_zoneinfo_or_name() -> None:
    day = date(2026, 5, 10)
    assert due_for_day(time(7), ZoneInfo("Asia/Seoul"), day) == due_for_day(
        time(7), "Asia/Seoul", day
    )


def test_seoul_delivers_at_the_same_utc_instant_every_day_all_year() -> None:
    due = next_due(time(7), "Asia/Seoul", utc(2026, 1, 1))
    for _ in range(365):
        assert (due.hour, due.minute) == (22, 0)
        due = next_due(time(7), "Asia/Seoul", due)


# --- spring forward: times in the gap ----------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "asked", "delivered_wall", "delivered_utc"),
    [
        ("America/New_York", date(2026, 3, 8), time(2, 30), time(3, 0), utc(2026, 3, 8, 7, 0)),
        ("America/New_York", date(2026, 3, 8), time(2, 0), time(3, 0), utc(2026, 3, 8, 7, 0)),
        ("Europe/London", date(2026, 3, 29), time(1, 30), time(2, 0), utc(2026, 3, 29, 1, 0)),
        # Lord Howe springs forward by only 30 minutes, 02:00 → 02:30.
        (
            "Australia/Lord_Howe",
            date(2026, 10, 4),
            time(2, 15),
            time(2, 30),
            utc(2026, 10, 3, 15, 30),
        ),
        # Chatham (+12:45 → +13:45) jumps at 02:45 local, not at 02:00.
        ("Pacific/Chatham", date(2026, 9, 27), time(3, 0), time(3, 45), utc(2026, 9, 26, 14, 0)),
        # Chile changes at midnight: 00:30 does not exist on its spring day.
        ("America/Santiago", date(2026, 9, 6), time(0, 30), time(1, 0), utc(2026, 9, 6, 4, 0)),
    ],
)
def test_spring_forward_time_is_delivered_at_first_valid_minute_after_the_gap(
    zone: str, day: date, asked: time, delivered_wall: time, delivered_utc: datetime
) -> None:
    due = due_for_day(asked, zone, day)
    assert due == delivered_utc
    assert wall(due, zone) == datetime.combine(day, delivered_wall)


@pytest.mark.parametrize(
    ("zone", "day", "asked", "expected_utc"),
    [
        ("America/New_York", date(2026, 3, 8), time(1, 59), utc(2026, 3, 8, 6, 59)),  # EST
        ("America/New_York", date(2026, 3, 8), time(3, 0), utc(2026, 3, 8, 7, 0)),  # EDT
        ("America/New_York", date(2026, 3, 8), time(7, 0), utc(2026, 3, 8, 11, 0)),
        ("Europe/London", date(2026, 3, 29), time(0, 59), utc(2026, 3, 29, 0, 59)),  # GMT
        ("Europe/London", date(2026, 3, 29), time(7, 0), utc(2026, 3, 29, 6, 0)),  # BST
    ],
)
def test_spring_forward_day_keeps_times_outside_the_gap_exact(
    zone: str, day: date, asked: time, expected_utc: datetime
) -> None:
    due = due_for_day(asked, zone, day)
    assert due == expected_utc
    assert wall(due, zone) == datetime.combine(day, asked)


# --- fall back: times that occur twice ---------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "asked", "first_occurrence_utc"),
    [
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),  # EDT
        ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),  # BST
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),
    ],
)
def test_fall_back_time_is_delivered_once_at_its_first_occurrence(
    zone: str, day: date, asked: time, first_occurrence_utc: datetime
) -> None:
    due = due_for_day(asked, zone, day)
    assert due == first_occurrence_utc
    assert due.astimezone(ZoneInfo(zone)).fold == 0

    following = next_due(asked, zone, due)  # skips the second occurrence, an hour later
    assert local_date(following, zone) == day + timedelta(days=1)
    assert wall(following, zone) == datetime.combine(day + timedelta(days=1), asked)


@pytest.mark.parametrize(
    ("zone", "day", "asked", "expected_utc"),
    [
        ("America/New_York", date(2026, 11, 1), time(0, 30), utc(2026, 11, 1, 4, 30)),  # EDT
        ("America/New_York", date(2026, 11, 1), time(7, 0), utc(2026, 11, 1, 12, 0)),  # EST
        ("Europe/London", date(2026, 10, 25), time(7, 0), utc(2026, 10, 25, 7, 0)),  # GMT
    ],
)
def test_fall_back_day_keeps_times_outside_the_repeat_exact(
    zone: str, day: date, asked: time, expected_utc: datetime
) -> None:
    assert due_for_day(asked, zone, day) == expected_utc


@pytest.mark.parametrize(
    ("zone", "asked"),
    [
        ("America/New_York", time(2, 30)),
        ("America/New_York", time(1, 30)),
        ("Europe/London", time(1, 30)),
        ("Australia/Lord_Howe", time(2, 15)),
    ],
)
def test_a_year_of_daily_deliveries_has_exactly_one_per_local_date(zone: str, asked: time) -> None:
    due = next_due(asked, zone, utc(2026, 1, 1))
    days = []
    for _ in range(365):
        days.append(local_date(due, zone))
        due = next_due(asked, zone, due)
    assert days == [days[0] + timedelta(days=n) for n in range(365)]


def test_a_local_date_the_zone_skipped_entirely_gets_no_digest() -> None:
    # Samoa moved across the date line: 2011-12-29 was followed by 2011-12-31.
    delivered = due_for_day(time(7), "Pacific/Apia", date(2011, 12, 29))
    following = next_due(time(7), "Pacific/Apia", delivered)
    assert wall(following, "Pacific/Apia") == datetime(2011, 12, 31, 7, 0)


# --- next_due is strictly after ----------------------------------------------------------------


def test_next_due_is_strictly_after_the_instant_given() -> None:
    today = due_for_day(time(7), "Asia/Seoul", date(2026, 5, 10))
    assert next_due(time(7), "Asia/Seoul", today - timedelta(microseconds=1)) == today
    assert next_due(time(7), "Asia/Seoul", today) == today + timedelta(days=1)


def test_next_due_later_the_same_local_day_when_the_time_has_not_come() -> None:
    morning = datetime(2026, 5, 10, 6, 0, tzinfo=ZoneInfo("America/New_York"))
    assert wall(next_due(time(19, 30), "America/New_York", morning), "America/New_York") == (
        datetime(2026, 5, 10, 19, 30)
    )


def test_naive_instants_and_zoned_delivery_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(time(7), "Asia/Seoul", datetime(2026, 5, 10, 7))
    with pytest.raises(ValueError, match="naive"):
        due_for_day(time(7, tzinfo=UTC), "Asia/Seoul", date(2026, 5, 10))


def test_local_date_is_the_subscribers_calendar_date() -> None:
    instant = utc(2026, 5, 9, 22, 0)
    assert local_date(instant, "Asia/Seoul") == date(2026, 5, 10)
    assert local_date(instant, "America/New_York") == date(2026, 5, 9)


# --- changing zone or time after today's delivery ----------------------------------------------


def test_moving_west_after_todays_delivery_sends_no_second_digest_for_that_date() -> None:
    delivered = due_for_day(time(7), "Asia/Seoul", date(2026, 5, 10))  # 2026-05-09 22:00 UTC
    last_day = local_date(delivered, "Asia/Seoul")
    moved_at = delivered + timedelta(hours=1)  # 2026-05-09 19:00 in New York

    following = next_due_after_day(time(7), "America/New_York", last_day, moved_at)

    assert local_date(following, "America/New_York") == date(2026, 5, 11)
    assert wall(following, "America/New_York") == datetime(2026, 5, 11, 7, 0)


def test_moving_east_after_todays_delivery_gets_the_next_date_at_the_new_local_time() -> None:
    delivered = due_for_day(time(7), "America/New_York", date(2026, 5, 10))  # 11:00 UTC
    moved_at = delivered + timedelta(hours=1)  # 21:00 on 2026-05-10 in Seoul

    following = next_due_after_day(time(7), "Asia/Seoul", date(2026, 5, 10), moved_at)

    assert following == utc(2026, 5, 10, 22, 0)  # 07:00 on 2026-05-11 in Seoul
    assert following - delivered == timedelta(hours=11)


def test_moving_the_delivery_time_later_after_todays_digest_waits_for_tomorrow() -> None:
    zone = "Europe/London"
    delivered = due_for_day(time(7), zone, date(2026, 5, 10))
    changed_at = delivered + timedelta(hours=1)
    following = next_due_after_day(time(9), zone, date(2026, 5, 10), changed_at)
    assert wall(following, zone) == datetime(2026, 5, 11, 9, 0)


def test_moving_the_delivery_time_earlier_before_todays_digest_delivers_today() -> None:
    zone = "Europe/London"
    now = datetime(2026, 5, 10, 6, 0, tzinfo=ZoneInfo(zone))
    following = next_due_after_day(time(6, 30), zone, date(2026, 5, 9), now)
    assert wall(following, zone) == datetime(2026, 5, 10, 6, 30)


def test_a_new_subscriber_with_no_delivery_yet_is_simply_next_due() -> None:
    now = utc(2026, 5, 10, 12, 0)
    assert next_due_after_day(time(7), "Asia/Seoul", None, now) == next_due(
        time(7), "Asia/Seoul", now
    )


# --- catch-up after downtime -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("late_by", "caught_up"),
    [
        (timedelta(0), True),
        (timedelta(hours=6), True),
        (timedelta(hours=6, seconds=1), False),
        (timedelta(seconds=-1), False),
    ],
)
def test_missed_delivery_is_caught_up_only_within_the_window(
    late_by: timedelta, caught_up: bool
) -> None:
    due = utc(2026, 5, 9, 22, 0)
    assert within_catch_up(due, due + late_by, timedelta(hours=6)) is caught_up


# --- the clock ---------------------------------------------------------------------------------


def test_fake_clock_drives_a_subscriber_through_the_new_york_spring_gap() -> None:
    clock = FakeClock(datetime(2026, 3, 7, 12, 0, tzinfo=ZoneInfo("America/New_York")))
    due = next_due(time(2, 30), "America/New_York", clock.now())
    delivered_walls = []
    for _ in range(3):
        clock.set(due)
        delivered_walls.append(wall(clock.now(), "America/New_York"))
        due = next_due(time(2, 30), "America/New_York", clock.now())
    assert delivered_walls == [
        datetime(2026, 3, 8, 3, 0),
        datetime(2026, 3, 9, 2, 30),
        datetime(2026, 3, 10, 2, 30),
    ]


def test_fake_clock_reports_utc_and_moves_only_when_told() -> None:
    clock = FakeClock(datetime(2026, 5, 10, 7, 0, tzinfo=ZoneInfo("Asia/Seoul")))
    assert clock.now() == utc(2026, 5, 9, 22, 0) and clock.now().tzinfo is UTC
    assert clock.advance(hours=6, minutes=1) == utc(2026, 5, 10, 4, 1)
    assert clock.now() == utc(2026, 5, 10, 4, 1)
    with pytest.raises(ValueError):
        clock.advance(seconds=-1)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 5, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeClock(datetime(2026, 5, 10))


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC


# --- properties over every zone ----------------------------------------------------------------


ZONES = sorted(known_timezones())
ONE_SECOND = timedelta(seconds=1)


@settings(max_examples=400, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    asked=st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    after=st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31), timezones=st.just(UTC)),
)
@example(zone="America/New_York", asked=time(2, 30), after=utc(2026, 3, 7, 12))
@example(zone="America/New_York", asked=time(1, 30), after=utc(2026, 11, 1, 5, 30))
@example(zone="Australia/Lord_Howe", asked=time(2, 10), after=utc(2026, 10, 3))
def test_next_due_is_soon_after_and_at_the_asked_wall_time_unless_it_fell_in_a_gap(
    zone: str, asked: time, after: datetime
) -> None:
    tz = ZoneInfo(zone)
    due = next_due(asked, zone, after)
    assert after < due <= after + timedelta(hours=49)

    local = due.astimezone(tz)
    assert local.fold == 0  # a repeated wall time is delivered at its first occurrence
    target = datetime.combine(local.date(), asked)
    if local.time() != asked:
        # Only a gap excuses a different time: the wall clock jumped over `asked` at `due`.
        assert wall(due - ONE_SECOND, zone) < target < local.replace(tzinfo=None)

    # Nothing earlier qualified: the previous local day's delivery was not after `after`.
    assert due_for_day(asked, zone, local.date() - timedelta(days=1)) <= after
    # And the next delivery belongs to a later local date: one digest per day.
    assert local_date(next_due(asked, zone, due), zone) > local.date()
