"""Forgetting a chat and moving it to a new address: the operations that touch every table.

Tables holding anything about a chat reference `chats(id) ON DELETE CASCADE`, so deleting the
chat row takes them along; only `prayers`, keyed by address, is handled by hand. A new table
with per-chat data must do the same, or be added here.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain.address import Address
from bot.domain.chat import ChatRecord
from bot.store import prayers
from bot.store.chats import fetch_chat, require_chat
from bot.store.db import fetch_all
from bot.store.received import copy_received
from bot.store.records import day_text, to_unix


async def forget(connection: aiosqlite.Connection, address: Address) -> bool:
    """Delete the chat and everything about it; True if anything was stored."""
    deleted = await fetch_all(
        connection,
        "DELETE FROM chats WHERE platform = ? AND chat_id = ? RETURNING id",
        (address.platform, address.chat_id),
    )
    for row in deleted:
        await delete_queue_rows(connection, row["id"])
    prayed = await prayers.forget(connection, address)
    return bool(deleted or prayed)


async def delete_queue_rows(connection: aiosqlite.Connection, pk: int) -> None:
    """A deleted chat's queue rows. SQLite's foreign key deletes them already; PostgreSQL's
    queue has none (migration 011). Run after the chat's own delete: on PostgreSQL that waits
    for a tick that holds the chat, and then sees the rows the tick queued."""
    await connection.execute("DELETE FROM outbox WHERE chat_pk = ?", (pk,))


async def move_chat(
    connection: aiosqlite.Connection, old: Address, new: Address, *, now: datetime
) -> ChatRecord | None:
    """Carry a chat over to its new address (a Telegram group that became a supergroup).

    If the new address is unknown, the chat just changes address and keeps its pk. If both are
    known (someone already used the bot in the new chat), one record survives at the new
    address: the subscribed one, or if both or neither are, the more recently changed one
    (the new one on a tie). It keeps its settings and pk (so rows pointing at it, like pending
    deliveries, survive) and gains the other's followed topics and received entries, the later
    `last_day` (no second digest for a day either already got) and the earlier `created_at`;
    its kind becomes the new chat's. The other record is deleted with all its rows.
    Returns the chat now at `new`, or None if neither address was known.
    """
    if old == new:
        return await fetch_chat(connection, new)
    await prayers.move(connection, old, new)
    source = await fetch_chat(connection, old)
    target = await fetch_chat(connection, new)
    if source is None:
        return target
    if target is None:
        await connection.execute(
            "UPDATE chats SET platform = ?, chat_id = ?, updated_at = ? WHERE id = ?",
            (new.platform, new.chat_id, to_unix(now), source.pk),
        )
        return await require_chat(connection, new)
    keep, drop = _survivor(source, target)
    await connection.execute(
        "INSERT OR IGNORE INTO follows (chat_pk, topic) SELECT ?, topic FROM follows "
        "WHERE chat_pk = ?",
        (keep.pk, drop.pk),
    )
    await copy_received(connection, drop.pk, keep.pk)
    await connection.execute("DELETE FROM chats WHERE id = ?", (drop.pk,))
    await delete_queue_rows(connection, drop.pk)
    last_days = [d for d in (keep.last_day, drop.last_day) if d is not None]
    await connection.execute(
        """
        UPDATE chats SET platform = ?, chat_id = ?, kind = ?, last_day = ?, created_at = ?,
                         updated_at = ?
        WHERE id = ?
        """,
        (
            new.platform,
            new.chat_id,
            target.kind.value,
            day_text(max(last_days)) if last_days else None,
            to_unix(min(keep.created_at, drop.created_at)),
            to_unix(now),
            keep.pk,
        ),
    )
    return await require_chat(connection, new)


def _survivor(old: ChatRecord, new: ChatRecord) -> tuple[ChatRecord, ChatRecord]:
    if old.subscribed != new.subscribed:
        return (old, new) if old.subscribed else (new, old)
    return (old, new) if old.updated_at > new.updated_at else (new, old)
