"""A platform's send budget in the database, shared by every process that sends on its token.

Telegram limits a bot token, not a process. Where several processes answer readers (Telegram's
webhook mode behind a load balancer: each gets some of the updates), each one's pacer takes
every turn from here instead of planning it alone: the whole token's 30 messages a second, and
each chat's one message a second, which a reader's answer from one process and their digest
from another would otherwise break together.

One row per platform holds the planned times of the latest sends and any flood-control pause
one of the processes was told about; one row per recently sent-to chat holds when it may have
its next message (its gap plus a margin: two processes' sends to one chat travel apart, and
one may arrive late). `reserve` plans the next slot (`send_slots.plan_slots`)
under the platform row's lock (`BEGIN IMMEDIATE` on SQLite, `FOR UPDATE` on PostgreSQL),
one short transaction a send: about thirty a second at Telegram's full rate.

The rows are about the next second only: on PostgreSQL the tables are unlogged and the
transactions do not wait for the WAL flush; losing them in a crash loses nothing.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable

import aiosqlite

from bot.domain.send_slots import Reservation, depth, plan_slots
from bot.store.db import Transactions, fetch_one

# Sends planned here leave from several processes, each its own way to Telegram: a busy
# process may send a slot late while another's next ones leave on time, and no process
# learns of the other's lateness. So the second a slot must wait for has a wider margin than
# one process's pacer needs (WINDOW_MARGIN, 20 ms), at a cost of 3 % of the rate.
SHARED_MARGIN = 0.05
CHAT_WAIT = 0.1  # seconds: a chat ready sooner than this gets its slot then, not a refusal
PRUNE_EVERY = 500  # reservations between deletions of chats idle for a minute
IDLE_CHAT_SECONDS = 60.0


class SharedSendBudget:
    """`bot.domain.ports.SendBudget` over the store's database."""

    def __init__(
        self,
        db: Transactions,
        platform: str,
        per_second: float,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self.platform = platform
        self.per_second = per_second
        self._wall_time = wall_time
        self._reservations = itertools.count(1)

    async def reserve(self, chat: str, chat_interval: float) -> Reservation:
        async with self._db.write() as connection:
            concurrent = getattr(connection, "concurrent", False)
            if concurrent:
                await connection.execute("SET LOCAL synchronous_commit = off")
            await self._ensure_row(connection)
            row = await fetch_one(
                connection,
                "SELECT recent, paused_until FROM send_budget WHERE platform = ?"
                + (" FOR UPDATE" if concurrent else ""),
                (self.platform,),
            )
            assert row is not None  # made just above
            ready = await fetch_one(
                connection,
                "SELECT ready_at FROM send_budget_chats WHERE platform = ? AND chat_id = ?",
                (self.platform, chat),
            )
            now = self._wall_time()
            chat_ready = float(ready[0]) if ready else 0.0
            if chat_ready > now + CHAT_WAIT:
                return Reservation(chat_ready, granted=False)
            [slot], timeline = plan_slots(
                json.loads(row[0]),
                now=max(now, chat_ready),
                count=1,
                per_second=self.per_second,
                paused_until=float(row[1]),
                margin=SHARED_MARGIN,
            )
            kept = [round(t, 6) for t in timeline[-depth(self.per_second) :]]
            await connection.execute(
                "UPDATE send_budget SET recent = ? WHERE platform = ?",
                (json.dumps(kept), self.platform),
            )
            await connection.execute(
                "INSERT INTO send_budget_chats (platform, chat_id, ready_at) VALUES (?, ?, ?) "
                "ON CONFLICT (platform, chat_id) DO UPDATE SET ready_at = excluded.ready_at",
                (self.platform, chat, slot + chat_interval + SHARED_MARGIN),
            )
            if next(self._reservations) % PRUNE_EVERY == 0:
                await connection.execute(
                    "DELETE FROM send_budget_chats WHERE platform = ? AND ready_at < ?",
                    (self.platform, now - IDLE_CHAT_SECONDS),
                )
        return Reservation(slot, granted=True)

    async def pause_until(self, until: float) -> None:
        async with self._db.write() as connection:
            await self._ensure_row(connection)
            await connection.execute(
                "UPDATE send_budget SET paused_until = max(paused_until, ?) WHERE platform = ?",
                (until, self.platform),
            )

    async def _ensure_row(self, connection: aiosqlite.Connection) -> None:
        await connection.execute(
            "INSERT OR IGNORE INTO send_budget (platform) VALUES (?)", (self.platform,)
        )
