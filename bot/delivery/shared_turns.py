"""Turns from a send budget shared in the database, for a pacer whose token other processes
send on too (Telegram's webhook mode behind a load balancer; `bot.store.send_budget`).

Each send reserves its own slot, for its chat: the budget plans it within the token's rate
and a second after the chat's last message from any process. Reservations are handed out one
at a time in the pacer's order (answers to readers first, then the oldest), without waiting
for the slots themselves, so the reservation loop is never held by one send: each send then
sleeps until its own slot. A chat that had a message from another process too lately takes no
slot: its send waits until the chat is ready and asks again, while the others go ahead. So
does a send whose slot came too late to use (`LATE`: sends bunched after a delay are what a
sliding second refuses) or fell inside a flood-control pause heard meanwhile.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable

from bot.domain.ports import SendBudget
from bot.domain.send_slots import WINDOW_MARGIN, Reservation

log = logging.getLogger(__name__)

LATE = WINDOW_MARGIN / 2  # seconds after its time a slot may still be used
RETRY_SECONDS = 0.5  # after the database failed to answer a reservation


class SharedTurns:
    def __init__(
        self,
        budget: SendBudget,
        chat_interval: float,
        loop_time: Callable[[], float],
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._budget = budget
        self._chat_interval = chat_interval
        self._loop_time = loop_time
        self._wall_time = wall_time
        self._paused_until = 0.0  # loop time
        # Sends waiting for a reservation: (0 urgent / 1 not, arrival, chat, its answer).
        self._waiting: list[tuple[int, int, str, asyncio.Future[Reservation]]] = []
        self._arrivals = itertools.count()
        self._reserving: asyncio.Task[None] | None = None
        self._pausing: set[asyncio.Task[None]] = set()

    async def take(self, chat: str, urgent: bool) -> float:
        """Sleep until this send's slot, and return the loop time it may leave at."""
        while True:
            reservation = await self._reserve(chat, urgent)
            await self._sleep_until(reservation.at)
            now = self._loop_time()
            if now < self._paused_until:
                await self._sleep_until(self._paused_until)
            elif reservation.granted and now - reservation.at <= LATE:
                return now

    def pause(self, until: float) -> None:
        """Hold this process's sends until `until` (loop time), and tell the others."""
        self._paused_until = max(self._paused_until, until)
        wall = until - self._loop_time() + self._wall_time()
        task = asyncio.create_task(self._share_pause(wall))
        self._pausing.add(task)
        task.add_done_callback(self._pausing.discard)

    async def _reserve(self, chat: str, urgent: bool) -> Reservation:
        answer: asyncio.Future[Reservation] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (0 if urgent else 1, next(self._arrivals), chat, answer))
        if self._reserving is None:
            self._reserving = asyncio.create_task(self._reserve_in_turn())
        return await answer

    async def _reserve_in_turn(self) -> None:
        try:
            while self._waiting:
                entry = heapq.heappop(self._waiting)
                _, _, chat, answer = entry
                if answer.done():
                    continue  # its sender was cancelled while waiting
                try:
                    reservation = await self._budget.reserve(chat, self._chat_interval)
                except Exception as error:  # the database: say so, and ask again shortly
                    log.warning("could not take a turn from the shared send budget: %s", error)
                    heapq.heappush(self._waiting, entry)
                    await asyncio.sleep(RETRY_SECONDS)
                    continue
                if not answer.done():
                    offset = self._wall_time() - self._loop_time()
                    answer.set_result(Reservation(reservation.at - offset, reservation.granted))
        finally:
            self._reserving = None

    async def _share_pause(self, until: float) -> None:
        try:
            await self._budget.pause_until(until)
        except Exception as error:  # this process still holds off; the others will hear 429
            log.warning("could not share a flood-control pause: %s", error)

    async def _sleep_until(self, deadline: float) -> None:
        delay = deadline - self._loop_time()
        if delay > 0:
            await asyncio.sleep(delay)
