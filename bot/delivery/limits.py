"""Pacing sends within a platform's limits, before the platform has to tell us off.

Three gates: a global rate (Telegram: about 30 messages a second), a minimum gap per chat
(1 second), and a per-minute budget for groups (20). A 429's `retry_after` pauses the global
gate for everyone — unlike python-telegram-bot's AIORateLimiter, no other finishing request can
release that pause early, because the pause is a deadline, not a lock.

Time here is the event loop's monotonic clock: pacing is about real elapsed seconds.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_second: float = 30.0  # all chats together
    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20  # messages to one group chat in any 60 seconds


class Pacer:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._interval = 1.0 / limits.per_second
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_ready: dict[str, float] = {}
        self._group_sent: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    def pause(self, seconds: float) -> None:
        """Hold every send until `seconds` from now (a flood-control answer)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    async def wait_turn(self, chat: str, is_group: bool) -> None:
        """Sleep until a message to `chat` may go out without breaking any limit."""
        await self._sleep_until(self._chat_ready.get(chat, 0.0))
        if is_group:
            await self._wait_group_budget(chat)
        async with self._lock:  # global slots are handed out one at a time, in order
            while True:
                now = self._now()
                start = max(now, self._next_slot, self._paused_until)
                if start <= now:
                    break
                await asyncio.sleep(start - now)
            self._next_slot = max(now, self._next_slot) + self._interval
        self._chat_ready[chat] = self._now() + self.limits.chat_interval
        if is_group:
            self._group_sent.setdefault(chat, deque()).append(self._now())

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
