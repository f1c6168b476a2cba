"""Forgetting finished queue rows: the queue gains a row per subscriber per day, for good.

Rows that are finished (sent, failed, skipped) are only history once their day is over: the
operators' figures read today's, and a chat's `last_day` (not its old queue rows) is what keeps
a day from being enqueued twice. So they are deleted after `delivery.keep_days`, a few
thousand per transaction (`Outbox.prune_finished` loops) so that a sender recording its
messages never waits long behind the deletion. Rows still to send are never deleted, however
old.
"""

from __future__ import annotations

import aiosqlite

from bot.store.db import changes

PRUNE_BATCH = 5000


async def prune_batch(connection: aiosqlite.Connection, before: int, batch: int) -> int:
    """Delete up to `batch` finished rows created before `before` (unix seconds)."""
    return await changes(
        connection,
        """DELETE FROM outbox WHERE id IN (
               SELECT id FROM outbox WHERE created_at < ?
               AND state IN ('sent', 'failed', 'skipped') LIMIT ?)""",
        (before, batch),
    )
