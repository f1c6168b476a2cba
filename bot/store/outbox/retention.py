"""Forgetting finished queue rows: the queue gains a row per subscriber per day, for good.

Rows that are finished (sent, failed, skipped) are only history once their day is over: the
operators' figures read today's, and a chat's `last_day` (not its old queue rows) is what keeps
a day from being enqueued twice. So they are deleted after `delivery.keep_days`, a few
thousand per transaction so that a sender recording its messages never waits long behind the
deletion. Rows still to send are never deleted, however old.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.db import changes
from bot.store.queue_base import QueueTables
from bot.store.records import to_unix

PRUNE_BATCH = 5000


class QueueRetention(QueueTables):
    async def prune_finished(self, before: datetime, batch: int = PRUNE_BATCH) -> int:
        """Delete finished rows created before `before`; returns how many went."""
        removed = 0
        while True:
            async with self._db.write() as connection:
                gone = await changes(
                    connection,
                    """DELETE FROM outbox WHERE id IN (
                           SELECT id FROM outbox WHERE created_at < ?
                           AND state IN ('sent', 'failed', 'skipped') LIMIT ?)""",
                    (to_unix(before), batch),
                )
            removed += gone
            if gone < batch:
                return removed
