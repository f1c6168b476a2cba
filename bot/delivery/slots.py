"""Where a pacer's global slots come from: its own timeline, or a budget shared in the database.

`LocalSlots` is the pacer's own plan, for a process that sends alone on its token (polling,
Discord, the console, the benchmarks). Slots are evenly spaced. At high rates (above 100/s)
each slot is planned one interval after the previous *planned* slot, not after the moment the
loop woke its sender: the event loop wakes a sleeper up to a millisecond late, and counting
from the late wake-up would cap a 1,000/s pacer near 550/s. Such making up for lateness is
bounded (`SLACK`), so an idle pacer saves up no burst. At Telegram's ordinary 30/s a
millisecond is nothing and slots simply follow the previous send, which leaves the network
room for its jitter: a connection being opened can make a request arrive tens of milliseconds
after the one sent after it. At any rate a second gate holds each send until the one
`per_second` sends before it is a second (plus `WINDOW_MARGIN`) old, since Telegram (and the
fake Bot API) count sends per sliding second.

`SharedSlots` takes its slots from a `SendBudget` that every process sending on the token
plans from (`bot.store.send_budget`): a few at a time, as many as sends are waiting and at
most a tenth of a second's worth, so a process answering one reader reserves one slot and the
sender's next reservation plans around it. A slot not used within `LATE` of its time is
dropped rather than used late: sends bunched after a delay are what a sliding second refuses.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bot.delivery.ports import Limits
from bot.domain.ports import SendBudget
from bot.domain.send_slots import WINDOW_MARGIN

log = logging.getLogger(__name__)

SLACK = 0.01  # seconds of lateness a slot may make up for, at rates where slots are closer
LATE = WINDOW_MARGIN / 2  # seconds after its time a shared slot may still be used
BLOCK_SECONDS = 0.1  # the most a reservation plans ahead, in seconds of the full rate
RETRY_SECONDS = 0.5  # after the database failed to answer a reservation


class Slots(Protocol):
    async def next(self, now: float, waiting: int) -> float:
        """The loop time of the next slot (past or future), with `waiting` sends wanting one."""
        ...

    def take(self, now: float) -> None:
        """The next slot is used, at `now`."""
        ...

    def pause(self, until: float) -> None:
        """No slot before `until` (loop time): a flood-control answer."""
        ...


class LocalSlots:
    def __init__(self, limits: Limits) -> None:
        self._interval = 1.0 / limits.per_second
        self._next_slot = 0.0
        self._slack = SLACK if self._interval < SLACK else 0.0
        self._recent: deque[float] = deque(maxlen=max(1, math.floor(limits.per_second)))

    async def next(self, now: float, waiting: int) -> float:
        recent = self._recent
        window = recent[0] + 1.0 + WINDOW_MARGIN if len(recent) == recent.maxlen else 0.0
        return max(self._next_slot, window)

    def take(self, now: float) -> None:
        self._next_slot = max(self._next_slot, now - self._slack) + self._interval
        self._recent.append(now)

    def pause(self, until: float) -> None:
        """Nothing to plan again: the pacer holds every slot until `until` itself."""


class SharedSlots:
    def __init__(
        self,
        budget: SendBudget,
        limits: Limits,
        loop_time: Callable[[], float],
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._budget = budget
        self._block = max(1, math.ceil(limits.per_second * BLOCK_SECONDS))
        self._slots: deque[float] = deque()  # reserved, in loop time, oldest first
        self._loop_time = loop_time
        self._wall_time = wall_time
        self._pausing: set[asyncio.Task[None]] = set()

    async def next(self, now: float, waiting: int) -> float:
        while self._slots and self._slots[0] < now - LATE:
            self._slots.popleft()
        while not self._slots:
            try:
                planned = await self._budget.reserve(min(max(waiting, 1), self._block))
            except Exception as error:  # the database: say so, and ask again shortly
                log.warning("could not take a turn from the shared send budget: %s", error)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            offset = self._wall_time() - self._loop_time()
            self._slots.extend(t - offset for t in planned)
        return self._slots[0]

    def take(self, now: float) -> None:
        self._slots.popleft()

    def pause(self, until: float) -> None:
        """Drop the slots the pause covers, and tell the other processes."""
        while self._slots and self._slots[0] < until:
            self._slots.popleft()
        task = asyncio.create_task(self._pause(until - self._loop_time() + self._wall_time()))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def _pause(self, until: float) -> None:
        try:
            await self._budget.pause_until(until)
        except Exception as error:  # this process still holds off; the others will hear 429
            log.warning("could not share a flood-control pause: %s", error)
