"""The one source of "now" for the whole bot.

Every component that needs the current time takes a `Clock` instead of calling
`datetime.now()`, so that tests and benchmarks can drive delivery across days, DST changes and
catch-up windows instantly and deterministically with a `FakeClock`. All instants are aware and
in UTC; converting to a subscriber's wall clock is `bot.domain.schedule`'s job.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real clock, used in production."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def _as_utc(instant: datetime) -> datetime:
    """Refuse naive datetimes: a naive "now" silently means the host's zone, a classic DST bug."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"clock instants must be timezone-aware, got naive {instant!r}")
    return instant.astimezone(UTC)


class FakeClock:
    """A clock that only moves when told to; it may be set backwards to simulate clock skew."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Move forward by `timedelta(**delta)`, e.g. `advance(hours=6)`; returns the new now."""
        step = timedelta(**delta)
        if step < timedelta(0):
            raise ValueError("advance() only moves forward; use set() to go back in time")
        self._now += step
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = _as_utc(instant)
