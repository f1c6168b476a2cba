"""Deciding, for a chat whose delivery time has come, which day it is for and whether to send.

After downtime a chat's stored due time may be hours or days old. The digest that counts is
the one for the most recent due instant: sent if it is within the catch-up window, skipped
(and recorded as skipped) if not. Older missed days are simply passed over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta

from bot.domain.queue import DueSlot, Plan
from bot.domain.schedule import due_for_day, local_date, next_due


def latest_due(delivery_time: time, zone: str, now: datetime) -> datetime:
    """The most recent instant at or before `now` when the chat's digest was due."""
    today = local_date(now, zone)
    for back in range(3):
        candidate = due_for_day(delivery_time, zone, today - timedelta(days=back))
        if candidate <= now:
            return candidate
    raise AssertionError("a delivery time recurs at least every other day")


def planner(now: datetime, catch_up: timedelta) -> Callable[[DueSlot], Plan]:
    """The planning rule for one tick at `now`."""

    def plan(due: DueSlot) -> Plan:
        effective = max(due.next_due_utc, latest_due(due.delivery_time, due.timezone, now))
        return Plan(
            day=local_date(effective, due.timezone),
            send=now - effective <= catch_up,
            next_due_utc=next_due(due.delivery_time, due.timezone, now),
        )

    return plan
