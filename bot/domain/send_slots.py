"""Planning send slots within a platform's rate, as Telegram counts it: per sliding second.

The same rule serves one process (`bot.delivery.pacer`, which keeps its own timeline) and
several processes answering on one bot token (`bot.store.send_budget`, which keeps the
timeline in the database and plans under its lock). Slots are evenly spaced, each one interval
after the previous *planned* one, and no slot comes before the one `per_second` slots earlier
is a second (plus `WINDOW_MARGIN`) old; a flood-control pause moves every slot past its end.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

WINDOW_MARGIN = 0.02  # seconds beyond one second before a send leaves the counted window


@dataclass(frozen=True)
class Reservation:
    """A shared budget's answer: a slot at `at` (`granted`), or, when the chat has had a
    message too lately for another, the time it may have one (no slot was taken)."""

    at: float
    granted: bool


def depth(per_second: float) -> int:
    """How many sends one second may hold: the timeline's length."""
    return max(1, math.floor(per_second))


def plan_slots(
    recent: Sequence[float],
    *,
    now: float,
    count: int,
    per_second: float,
    paused_until: float,
    margin: float = WINDOW_MARGIN,
) -> tuple[list[float], list[float]]:
    """The next `count` slots at or after `now`, and the timeline to keep after them.

    `recent` is the planned times of the latest slots, oldest first (longer is fine: only the
    last `depth` count). Times are seconds on any clock, the same one for every argument.
    `margin`: how far beyond a second the send `per_second` slots earlier must be.
    """
    interval = 1.0 / per_second
    timeline = deque(recent, maxlen=depth(per_second))
    start = max(now, paused_until)
    if timeline:
        start = max(start, timeline[-1] + interval)
    slots = []
    for _ in range(count):
        if len(timeline) == timeline.maxlen:
            start = max(start, timeline[0] + 1.0 + margin)
        slots.append(start)
        timeline.append(start)
        start += interval
    return slots, list(timeline)
