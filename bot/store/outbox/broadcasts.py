"""Operator broadcasts: a draft awaiting confirmation, then one queue row per subscriber.

Queued broadcasts go through the same outbox, pacing and outcomes as digests. Each function
takes a connection inside `Database.write()` (the `Outbox` facade opens it) and `now` in unix
seconds.
"""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.store.db import changes, fetch_one, placeholders


async def draft(
    connection: aiosqlite.Connection, text: str, platforms: Iterable[str], now: int
) -> tuple[int, int]:
    """Save an operator's message to confirm; returns (id, subscribers it would reach on
    `platforms`, the ones running: `confirm` queues it for those alone)."""
    drafted = await fetch_one(
        connection,
        "INSERT INTO broadcasts (text, created_at) VALUES (?, ?) RETURNING id",
        (text, now),
    )
    names = sorted(set(platforms))
    count = await fetch_one(
        connection,
        f"SELECT count(*) FROM chats WHERE subscribed = 1 AND platform IN ({placeholders(names)})",
        names,
    )
    return int(drafted[0]) if drafted else 0, int(count[0]) if count else 0


async def confirm(
    connection: aiosqlite.Connection, broadcast_id: int, platforms: Iterable[str], now: int
) -> int | None:
    """Queue a drafted broadcast for every subscriber; None if it was not a draft."""
    names = sorted(set(platforms))
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


async def cancel(connection: aiosqlite.Connection, broadcast_id: int) -> bool:
    return bool(
        await changes(
            connection,
            "UPDATE broadcasts SET state = 'cancelled' WHERE id = ? AND state = 'draft'",
            (broadcast_id,),
        )
    )
