"""Turning due chats into queue rows: the scheduler's side of the delivery queue.

Each tick inserts one 'digest' row per due chat and local day (the UNIQUE key makes a second
tick or a second process a no-op) and moves every due chat's next instant on, in one
transaction per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, time

from bot.core.address import Address
from bot.store.db import fetch_all
from bot.store.outbox_records import DueChat, EnqueueResult, Plan
from bot.store.queue_base import QueueTables
from bot.store.records import day_text, from_unix, to_unix


def _decide(row, plan: Callable[[DueChat], Plan]) -> tuple[str, bool, int]:
    """The plan for a due chat's row, as (day text, send, next due in unix seconds)."""
    decided = plan(
        DueChat(
            pk=row["id"],
            address=Address(row["platform"], row["chat_id"]),
            delivery_time=time.fromisoformat(row["delivery_time"]),
            timezone=row["timezone"],
            next_due_utc=from_unix(row["next_due_utc"]),
            last_day=date.fromisoformat(row["last_day"]) if row["last_day"] else None,
        )
    )
    return day_text(decided.day), decided.send, to_unix(decided.next_due_utc)


class DueEnqueuer(QueueTables):
    async def enqueue_due(
        self, platforms: Iterable[str], plan: Callable[[DueChat], Plan], batch: int = 5000
    ) -> EnqueueResult:
        """Turn every chat due by now into a queue row and move its due time on, atomically.

        One platform at a time, so that each batch is one range scan of `chats_due_by_platform`
        (migration 003) in due order. `plan` must decide from a chat's delivery time, zone and
        due instant alone: the chats due in one minute share a few hundred of those among
        thousands, so it is asked once per distinct triple in a batch."""
        total = EnqueueResult()
        for platform in sorted(set(platforms)):
            while True:
                now = self._now()
                async with self._db.write() as connection:
                    rows = await fetch_all(
                        connection,
                        """SELECT id, platform, chat_id, delivery_time, timezone, next_due_utc,
                                  last_day
                           FROM chats WHERE subscribed = 1 AND platform = ?
                           AND next_due_utc <= ? ORDER BY next_due_utc LIMIT ?""",
                        (platform, now, batch),
                    )
                    result = await self._enqueue_rows(connection, rows, plan, now)
                total = EnqueueResult(
                    total.enqueued + result.enqueued, total.skipped + result.skipped
                )
                if len(rows) < batch:
                    break
        return total

    async def _enqueue_rows(self, connection, rows, plan, now: int) -> EnqueueResult:
        queued: list[tuple] = []
        skipped: list[tuple] = []
        moves: list[tuple] = []
        decisions: dict[tuple[str, str, int], tuple[str, bool, int]] = {}
        for row in rows:
            key = (row["delivery_time"], row["timezone"], row["next_due_utc"])
            decided = decisions.get(key)
            if decided is None:
                decided = decisions[key] = _decide(row, plan)
            day, send, next_due = decided
            last_day = row["last_day"]
            if not last_day or day > last_day:  # 'YYYY-MM-DD' texts compare as the days do
                (queued if send else skipped).append((row["id"], row["platform"], day, now, now))
                last_day = day
            moves.append((next_due, last_day, now, row["id"]))
        await connection.executemany(
            """INSERT OR IGNORE INTO outbox (chat_pk, platform, job, key, not_before, created_at)
               VALUES (?, ?, 'digest', ?, ?, ?)""",
            queued,
        )
        await connection.executemany(
            """INSERT OR IGNORE INTO outbox
               (chat_pk, platform, job, key, not_before, created_at, state, reason, finished_at)
               VALUES (?, ?, 'digest', ?, ?, ?, 'skipped', 'missed the catch-up window', ?)""",
            [(*v, v[-1]) for v in skipped],
        )
        await connection.executemany(
            "UPDATE chats SET next_due_utc = ?, last_day = ?, updated_at = ? WHERE id = ?", moves
        )
        return EnqueueResult(len(queued), len(skipped))
