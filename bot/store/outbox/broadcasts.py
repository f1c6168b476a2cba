"""Operator broadcasts: a draft awaiting confirmation, then one queue row per subscriber.

Queued broadcasts go through the same outbox, pacing and outcomes as digests.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.store.db import changes, fetch_one, placeholders
from bot.store.queue_base import QueueTables


class BroadcastQueue(QueueTables):
    async def draft_broadcast(self, text: str) -> tuple[int, int]:
        """Save an operator's message to confirm; returns (id, subscribers it would reach)."""
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "INSERT INTO broadcasts (text, created_at) VALUES (?, ?)", (text, self._now())
            )
            count = await fetch_one(connection, "SELECT count(*) FROM chats WHERE subscribed = 1")
        return int(cursor.lastrowid or 0), int(count[0]) if count else 0

    async def broadcast_text(self, broadcast_id: int) -> str | None:
        async with self._db.read() as connection:
            row = await fetch_one(
                connection, "SELECT text FROM broadcasts WHERE id = ?", (broadcast_id,)
            )
        return row["text"] if row else None

    async def confirm_broadcast(self, broadcast_id: int, platforms: Iterable[str]) -> int | None:
        """Queue a drafted broadcast for every subscriber; None if it was not a draft."""
        names = sorted(set(platforms))
        now = self._now()
        async with self._db.write() as connection:
            updated = await changes(
                connection,
                "UPDATE broadcasts SET state = 'sent' WHERE id = ? AND state = 'draft'",
                (broadcast_id,),
            )
            if not updated:
                return None
            count = await changes(
                connection,
                f"""INSERT OR IGNORE INTO outbox
                       (chat_pk, platform, job, key, not_before, created_at)
                    SELECT id, platform, 'broadcast', ?, ?, ? FROM chats
                    WHERE subscribed = 1 AND platform IN ({placeholders(names)})""",
                (str(broadcast_id), now, now, *names),
            )
            await connection.execute(
                "UPDATE broadcasts SET recipients = ? WHERE id = ?", (count, broadcast_id)
            )
        return count

    async def cancel_broadcast(self, broadcast_id: int) -> bool:
        async with self._db.write() as connection:
            return bool(
                await changes(
                    connection,
                    "UPDATE broadcasts SET state = 'cancelled' WHERE id = ? AND state = 'draft'",
                    (broadcast_id,),
                )
            )
