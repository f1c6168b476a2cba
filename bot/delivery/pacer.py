"""Pacing sends within a platform's limits, before the platform has to tell us off.

Three gates: a global rate (Telegram: about 30 messages a second), a minimum gap per chat
(1 second), and a per-minute budget for groups (20). A 429's `retry_after` pauses the global
gate for everyone — unlike python-telegram-bot's AIORateLimiter, no other finishing request can
release that pause early, because the pause is a deadline, not a lock.

Global slots are evenly spaced. At high rates (above 100/s) each slot is planned one interval
after the previous *planned* slot, not after the moment the loop woke its sender: the event
loop wakes a sleeper up to a millisecond late, and counting from the late wake-up would cap a
1,000/s pacer near 550/s. Such making up for lateness is bounded (`SLACK`), so an idle pacer
saves up no burst. At Telegram's ordinary 30/s a millisecond is nothing and slots simply follow
the previous send, which leaves the network room for its jitter: a connection being opened
can make a request arrive tens of milliseconds after the one sent after it. At any rate a
second gate holds each send until the one `per_second` sends before it is a second (plus
`WINDOW_MARGIN`) old, since Telegram (and the fake Bot API) count sends per sliding second.
That gate counts a send when it is granted its turn, so a turn is only granted to a send that
leaves at once: the caller waits for its chat (`wait_chat`), then for a free connection, and
only then takes its turn (`take_turn`).

Where other processes send on the same token, the global slots and each chat's gap come from
a budget they share in the database instead (`bot.delivery.shared_turns`).

One pacer per platform is shared by everything that sends there: the delivery engine and the
adapter's answers to readers (its sender owns it). Answers are `urgent`: the next free slot
goes to the oldest waiting answer before any waiting delivery, so a reader waits for at most
the answers ahead of them, never for a morning's queue, and neither ever sends into a flood
wait another one was told about.

Time here is the event loop's monotonic clock: pacing is about real elapsed seconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections import deque

from bot.delivery.ports import Limits
from bot.delivery.shared_turns import SharedTurns
from bot.domain.ports import SendBudget
from bot.domain.send_slots import WINDOW_MARGIN

SLACK = 0.01  # seconds of lateness a slot may make up for, at rates where slots are closer


class Pacer:
    def __init__(self, limits: Limits, shared: SendBudget | None = None) -> None:
        """`shared`: the token's budget in the database, where other processes send on it
        too; without it this pacer plans alone."""
        self.limits = limits
        self._shared = (
            None if shared is None else SharedTurns(shared, limits.chat_interval, self._now)
        )
        self._interval = 1.0 / limits.per_second
        self._next_slot = 0.0
        self._slack = SLACK if self._interval < SLACK else 0.0
        self._paused_until = 0.0
        self._recent: deque[float] = deque(maxlen=max(1, math.floor(limits.per_second)))
        self._chat_ready: dict[str, float] = {}
        self._group_sent: dict[str, deque[float]] = {}
        # Sends waiting for a slot: (0 urgent / 1 not, arrival, future set when granted).
        self._waiting: list[tuple[int, int, asyncio.Future[float]]] = []
        self._arrivals = itertools.count()
        self._granting: asyncio.Task | None = None

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def pause(self, seconds: float) -> None:
        """Hold every send until `seconds` from now (a flood-control answer)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)
        if self._shared is not None:
            self._shared.pause(self._paused_until)

    async def wait_chat(self, chat: str, is_group: bool) -> None:
        """Sleep until `chat` may have another message: its gap, and a group's minute budget.

        Call it before taking a connection: a digest's second part waits a whole second here,
        and holding a connection meanwhile would idle it for everyone else.
        """
        await self._sleep_until(self._chat_ready.get(chat, 0.0))
        if is_group:
            await self._wait_group_budget(chat)

    async def take_turn(self, chat: str, is_group: bool, urgent: bool = False) -> None:
        """Sleep until the next global slot, then count the send as gone.

        Call it holding a connection and send at once: a turn granted to a send that then
        queued for a connection would leave later than counted, and a burst of such late
        sends is exactly what a sliding second (Telegram's, the fake's) refuses a second later.
        `urgent` (an answer to a reader) goes ahead of every send that is not.
        """
        if self._shared is not None:
            now = await self._shared.take(chat, urgent)
        else:
            granted: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (0 if urgent else 1, next(self._arrivals), granted))
            if self._granting is None:
                self._granting = asyncio.create_task(self._grant())
            now = await granted
        self._chat_ready[chat] = now + self.limits.chat_interval
        if is_group:
            self._group_sent.setdefault(chat, deque()).append(now)

    async def _grant(self) -> None:
        """Hand out global slots one at a time, each to the first waiting send by priority;
        which one is chosen only when its slot has come, so a later urgent one still wins."""
        try:
            while self._waiting:
                now = self._now()
                start = max(self._next_slot, self._paused_until, self._window_opens())
                if start > now:
                    await asyncio.sleep(start - now)
                    continue  # a pause may have come meanwhile
                _, _, granted = heapq.heappop(self._waiting)
                if granted.done():
                    continue  # its sender was cancelled while waiting: not a send
                self._next_slot = max(self._next_slot, now - self._slack) + self._interval
                self._recent.append(now)
                granted.set_result(now)
        finally:
            self._granting = None

    def _window_opens(self) -> float:
        """When one more send keeps every second within `per_second` sends."""
        recent = self._recent
        return recent[0] + 1.0 + WINDOW_MARGIN if len(recent) == recent.maxlen else 0.0

    async def _wait_group_budget(self, chat: str) -> None:
        sent = self._group_sent.setdefault(chat, deque())
        while True:
            now = self._now()
            while sent and sent[0] <= now - 60.0:
                sent.popleft()
            if len(sent) < self.limits.group_per_minute:
                return
            await asyncio.sleep(sent[0] + 60.0 - now)

    async def _sleep_until(self, deadline: float) -> None:
        delay = deadline - self._now()
        if delay > 0:
            await asyncio.sleep(delay)

    def forget_idle(self) -> None:
        """Drop per-chat bookkeeping that no longer constrains anything (bounded memory)."""
        now = self._now()
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
        self._group_sent = {c: d for c, d in self._group_sent.items() if d and d[-1] > now - 60}
