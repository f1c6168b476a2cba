"""A platform's send budget in the database, shared by every process that sends on its token.

Telegram limits a bot token, not a process. Where several processes answer readers (Telegram's
webhook mode behind a load balancer: each gets some of the updates), each one's pacer takes
its turns from here instead of planning them alone. One row per platform holds the planned
times of the latest sends (`send_slots.plan_slots` plans the next ones under the row's lock:
`BEGIN IMMEDIATE` on SQLite, `FOR UPDATE` on PostgreSQL) and any flood-control pause one of
the processes was told about. A pacer reserves a few slots at a time (a tenth of a second's
worth at most), so the budget costs about ten short transactions a second at full rate.

The row is about the next second only: on PostgreSQL its table is unlogged and its
transactions do not wait for the WAL flush; losing it in a crash loses nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bot.domain.send_slots import depth, plan_slots
from bot.store.db import Database, fetch_one


class SharedSendBudget:
    """`bot.domain.ports.SendBudget` over the store's database."""

    def __init__(
        self,
        db: Database,
        platform: str,
        per_second: float,
        wall_time: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self.platform = platform
        self.per_second = per_second
        self._wall_time = wall_time

    async def reserve(self, count: int) -> list[float]:
        async with self._db.write() as connection:
            concurrent = getattr(connection, "concurrent", False)
            if concurrent:
                await connection.execute("SET LOCAL synchronous_commit = off")
            await connection.execute(
                "INSERT OR IGNORE INTO send_budget (platform) VALUES (?)", (self.platform,)
            )
            row = await fetch_one(
                connection,
                "SELECT recent, paused_until FROM send_budget WHERE platform = ?"
                + (" FOR UPDATE" if concurrent else ""),
                (self.platform,),
            )
            assert row is not None  # inserted just above
            slots, timeline = plan_slots(
                json.loads(row[0]),
                now=self._wall_time(),
                count=count,
                per_second=self.per_second,
                paused_until=float(row[1]),
            )
            kept = timeline[-depth(self.per_second) :]
            await connection.execute(
                "UPDATE send_budget SET recent = ? WHERE platform = ?",
                (json.dumps([round(t, 6) for t in kept]), self.platform),
            )
        return slots

    async def pause_until(self, until: float) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                "INSERT OR IGNORE INTO send_budget (platform) VALUES (?)", (self.platform,)
            )
            await connection.execute(
                "UPDATE send_budget SET paused_until = max(paused_until, ?) WHERE platform = ?",
                (until, self.platform),
            )
