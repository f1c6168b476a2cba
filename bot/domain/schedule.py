"""Delivery-time arithmetic: when, in UTC, does a subscriber's local delivery time come round?

The store keeps each subscriber's next due instant in UTC so that "who is due now" is one indexed
query; these pure functions compute that instant from a local wall-clock time and an IANA zone.
They hold the product's DST rules in one place, stated for every zone rather than assuming
one-hour shifts at 02:00 (Lord Howe shifts by 30 minutes, Chile changes at midnight, Samoa once
skipped a whole day):

* **Gap** (the wall time does not exist that day, e.g. 02:30 in New York on 2026-03-08): deliver
  at the first valid local time after the gap, i.e. the instant the clocks jump (03:00 there).
* **Repeat** (the wall time occurs twice, e.g. 01:30 in New York on 2026-11-01): deliver once, at
  the first occurrence (fold=0).
* **Skipped day** (the zone jumped over the whole local date): that date gets no digest.

"The day" of a digest is the local calendar date of its due instant (`local_date`); the delivery
queue is keyed by it, so no subscriber gets two digests for one local date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)
DEFAULT_CATCH_UP = timedelta(hours=6)


@cache
def _zone_named(name: str) -> ZoneInfo:
    """ZoneInfo's own cache keeps only 8 zones strongly; subscribers span hundreds."""
    return ZoneInfo(name)


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else _zone_named(zone)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware instant, got naive {instant!r}")


def local_date(instant: datetime, zone: ZoneInfo | str) -> date:
    """The subscriber's calendar date at `instant`: the key for "one digest per day"."""
    _require_aware(instant)
    return instant.astimezone(_zone(zone)).date()


def due_for_day(delivery_time: time, zone: ZoneInfo | str, day: date) -> datetime:
    """The UTC instant of `day`'s delivery in `zone`, applying the gap and repeat rules above."""
    return _due(delivery_time, _zone(zone), day)[0]


@lru_cache(maxsize=1 << 16)
def _due(delivery_time: time, tz: ZoneInfo, day: date) -> tuple[datetime, bool]:
    """`day`'s due instant and whether it falls on `day` at all (not so for a skipped day).

    Cached because subscribers cluster on a few thousand (time, zone) pairs and, rescheduled
    right after their delivery, all ask about the same days: a million reschedules cost a few
    thousand computations.
    """
    if delivery_time.tzinfo is not None:
        raise ValueError("delivery_time is a local wall-clock time and must be naive")
    # fold=0 picks the first occurrence of a repeated wall time.
    wall = datetime.combine(day, delivery_time.replace(fold=0), tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return instant, True
    instant = _gap_end(wall, tz)
    return instant, instant.astimezone(tz).date() == day


def _gap_end(wall: datetime, tz: ZoneInfo) -> datetime:
    """The instant the clocks jump over the non-existent `wall`: the first valid time after it.

    Read with the pre-jump offset (fold=0) the wall time lands after the jump, read with the
    post-jump offset (fold=1) before it, so the jump lies between the two readings. Bisecting
    whole seconds takes at most 17 steps even for a skipped day, since the readings are at most
    one jump apart.
    """
    before = int(wall.replace(fold=1).timestamp())  # offset still the pre-jump one here
    after = int(wall.replace(fold=0).timestamp())  # offset already the post-jump one here
    offset_after = datetime.fromtimestamp(after, tz).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


def next_due(delivery_time: time, zone: ZoneInfo | str, after: datetime) -> datetime:
    """The first due instant strictly after `after`: call it with the instant just delivered.

    Candidate days start one day before `after`'s local date because a repeat that crosses
    midnight can make a later instant carry an earlier local date; five candidates always
    suffice, even across a skipped day.
    """
    _require_aware(after)
    tz = _zone(zone)
    first = after.astimezone(tz).date() - ONE_DAY
    for offset in range(5):
        day = first + offset * ONE_DAY
        due, on_day = _due(delivery_time, tz, day)
        if due > after and on_day:
            return due
    raise AssertionError(f"no delivery of {delivery_time} in {tz} within days of {after}")


def next_due_after_day(
    delivery_time: time, zone: ZoneInfo | str, last_day: date | None, now: datetime
) -> datetime:
    """The next due instant after `now` whose local date is later than `last_day`.

    Use it whenever a subscriber's time or zone changes. `last_day` is the local date of the
    last digest delivered (or enqueued), compared as a plain calendar date with dates in the
    *new* zone: the digest for a date is the same content wherever the reader is, so a reader who
    moves from Asia/Seoul to America/New_York right after the 2026-05-10 digest waits for the
    2026-05-11 one rather than receiving "2026-05-10" again when New York reaches that morning.
    """
    _require_aware(now)
    tz = _zone(zone)
    if last_day is not None:
        # The next due instant after last_day's own due instant falls on a later local date.
        now = max(now, due_for_day(delivery_time, tz, last_day))
    return next_due(delivery_time, tz, now)


def within_catch_up(due: datetime, now: datetime, window: timedelta = DEFAULT_CATCH_UP) -> bool:
    """Whether a delivery missed while the bot was down is still worth sending at `now`.

    A digest reaching someone long after their chosen hour is noise, so past the window the
    caller skips that day and reschedules with `next_due(delivery_time, zone, now)`.
    """
    _require_aware(due)
    _require_aware(now)
    return now - window <= due <= now
