"""The pending-update queue behind getUpdates, with Telegram's long-polling semantics.

Updates stay queued until a later getUpdates confirms them with an `offset` above their id;
a negative offset keeps only the last updates. A poll waits up to `timeout` seconds but returns
as soon as something is queued. A newer poll terminates an older one with 409 Conflict, as
Telegram does; that is also what frees the server-side half of a poll whose client went away
(python-telegram-bot cancels its request on stop, then polls once more with timeout 0).
Closing the queue releases every waiting poll at once, so the server stops fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from typing import Any

from tests.fakes.telegram_faults import POLLING_CONFLICT, ApiError

Update = dict[str, Any]

# Sent only when asked for explicitly (https://core.telegram.org/bots/api#getupdates).
_OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_kind(update: Update) -> str:
    return next(key for key in update if key != "update_id")


class UpdateQueue:
    def __init__(self, first_update_id: int = 100_000) -> None:
        self._pending: deque[Update] = deque()
        self._ids = itertools.count(first_update_id)
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._closed = False
        self._wake = asyncio.Event()

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, kind: str, payload: dict[str, Any]) -> Update:
        update = {"update_id": next(self._ids), kind: payload}
        self._pending.append(update)
        self._notify()
        return update

    def drop_pending(self) -> None:
        self._pending.clear()

    def close(self) -> None:
        self._closed = True
        self._notify()

    def reopen(self) -> None:
        self._closed = False

    async def poll(self, limit: int, timeout: float, allowed: list[str] | None) -> list[Update]:
        """Answer pending updates, waiting up to `timeout` seconds for the first one."""
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older poll still waiting is now terminated
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while True:
            if self._closed:
                return []
            if generation != self._poll_generation:
                raise ApiError(409, POLLING_CONFLICT)
            ready = self._ready(max(1, min(limit, 100)))
            remaining = deadline - loop.time()
            if ready or remaining <= 0:
                return ready
            wake = self._wake
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), remaining)

    def confirm(self, offset: int | None) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
            return
        while self._pending and self._pending[0]["update_id"] < offset:
            self._pending.popleft()

    def ready(self, limit: int) -> list[Update]:
        """The first `limit` pending updates the bot asked for, still unconfirmed."""
        return self._ready(limit)

    async def changed(self, timeout: float) -> None:
        """Return once something is queued (or after `timeout` seconds)."""
        wake = self._wake
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)

    def _ready(self, limit: int) -> list[Update]:
        wanted = (
            (lambda kind: kind in self._allowed)
            if self._allowed is not None
            else (lambda kind: kind not in _OPT_IN_KINDS)
        )
        matching = (update for update in self._pending if wanted(update_kind(update)))
        return list(itertools.islice(matching, limit))

    def _notify(self) -> None:
        """Wake every waiting poll; each re-checks its own condition."""
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()
