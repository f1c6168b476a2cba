"""Chat rows and the topics they follow: the queries behind `Store`'s chat methods.

Each function takes a connection already inside `Database.write()` or `read()`, so another
module (the delivery queue) can combine them with its own statements in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import aiosqlite

from bot.domain.address import Address, ChatKind
from bot.domain.chat import UNSET, ChatRecord, Unset
from bot.store.db import changes, fetch_one
from bot.store.errors import ChatNotFoundError
from bot.store.records import (
    chat_from_row,
    checked_zone,
    day_text,
    time_text,
    to_unix,
)

_SELECT = """
    SELECT c.*, (SELECT json_group_array(topic) FROM follows WHERE chat_pk = c.id) AS topics
    FROM chats AS c
"""


async def fetch_chat(connection: aiosqlite.Connection, address: Address) -> ChatRecord | None:
    row = await fetch_one(
        connection,
        _SELECT + "WHERE c.platform = ? AND c.chat_id = ?",
        (address.platform, address.chat_id),
    )
    return None if row is None else chat_from_row(row)


async def require_chat(connection: aiosqlite.Connection, address: Address) -> ChatRecord:
    chat = await fetch_chat(connection, address)
    if chat is None:
        raise ChatNotFoundError(address)
    return chat


async def ensure_chat(
    connection: aiosqlite.Connection,
    address: Address,
    kind: ChatKind,
    *,
    delivery_time: time,
    timezone: str,
    now: datetime,
) -> ChatRecord:
    """Insert the chat unsubscribed with these defaults, or only refresh its kind."""
    stamp = to_unix(now)
    await connection.execute(
        """
        INSERT INTO chats (platform, chat_id, kind, delivery_time, timezone,
                           created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (platform, chat_id) DO UPDATE
            SET kind = excluded.kind, updated_at = excluded.updated_at
            WHERE chats.kind IS NOT excluded.kind
        """,
        (
            address.platform,
            address.chat_id,
            ChatKind(kind).value,
            time_text(delivery_time),
            checked_zone(timezone),
            stamp,
            stamp,
        ),
    )
    return await require_chat(connection, address)


async def update_chat(
    connection: aiosqlite.Connection,
    address: Address,
    *,
    now: datetime,
    subscribed: bool | None = None,
    delivery_time: time | None = None,
    timezone: str | None = None,
    next_due_utc: datetime | Unset | None = UNSET,
    last_day: date | Unset | None = UNSET,
    deactivated_reason: str | Unset | None = UNSET,
    language: str | None = None,
) -> ChatRecord:
    """Change the given fields.

    A chat the platform refused cannot stay subscribed: setting a `deactivated_reason`
    unsubscribes it, and subscribing again clears the reason (the person came back).
    """
    if deactivated_reason not in (UNSET, None):
        if subscribed:
            raise ValueError("a chat cannot be subscribed and deactivated at once")
        subscribed = False
    elif subscribed and deactivated_reason is UNSET:
        deactivated_reason = None
    columns: dict[str, Any] = {}
    if subscribed is not None:
        columns["subscribed"] = int(subscribed)
    if delivery_time is not None:
        columns["delivery_time"] = time_text(delivery_time)
    if timezone is not None:
        columns["timezone"] = checked_zone(timezone)
    if not isinstance(next_due_utc, Unset):
        columns["next_due_utc"] = None if next_due_utc is None else to_unix(next_due_utc)
    if not isinstance(last_day, Unset):
        columns["last_day"] = None if last_day is None else day_text(last_day)
    if not isinstance(deactivated_reason, Unset):
        columns["deactivated_reason"] = deactivated_reason
    if language is not None:
        columns["language"] = language
    if columns:
        columns["updated_at"] = to_unix(now)
        assignments = ", ".join(f"{name} = ?" for name in columns)
        await connection.execute(
            f"UPDATE chats SET {assignments} WHERE platform = ? AND chat_id = ?",
            (*columns.values(), address.platform, address.chat_id),
        )
    return await require_chat(connection, address)


async def follow(
    connection: aiosqlite.Connection, address: Address, slug: str, *, now: datetime
) -> bool:
    chat = await require_chat(connection, address)
    added = await changes(
        connection, "INSERT OR IGNORE INTO follows (chat_pk, topic) VALUES (?, ?)", (chat.pk, slug)
    )
    if added:
        await touch(connection, chat.pk, now)
    return bool(added)


async def unfollow(
    connection: aiosqlite.Connection, address: Address, slug: str, *, now: datetime
) -> bool:
    chat = await fetch_chat(connection, address)
    if chat is None:
        return False
    removed = await changes(
        connection, "DELETE FROM follows WHERE chat_pk = ? AND topic = ?", (chat.pk, slug)
    )
    if removed:
        await touch(connection, chat.pk, now)
    return bool(removed)


async def touch(connection: aiosqlite.Connection, pk: int, now: datetime) -> None:
    await connection.execute("UPDATE chats SET updated_at = ? WHERE id = ?", (to_unix(now), pk))


async def deactivate(connection: aiosqlite.Connection, pk: int, reason: str, now: int) -> None:
    """The platform refused the chat for good: unsubscribe it, with no due time, and say why.

    `now` is in unix seconds, as the delivery queue (the caller) keeps its times.
    """
    await connection.execute(
        """UPDATE chats SET subscribed = 0, next_due_utc = NULL,
               deactivated_reason = ?, updated_at = ? WHERE id = ?""",
        (reason, now, pk),
    )
