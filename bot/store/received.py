"""What each chat was sent, so digests avoid repeats until the library runs out.

Per (chat, entry) the store keeps the latest local day it was sent and the latest day before
that. Digest composition must see only days before the digest's own day (`received_before`),
so that recomposing a day that was already sent, e.g. resending after a crash, picks the same
entries; keeping the previous day is what makes that hold even after the entry was sent again
today. Only the two latest days are kept, so the table stays bounded by the library's size.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import aiosqlite

from bot.store.db import fetch_all
from bot.store.errors import ChatNotFoundError
from bot.store.records import day_text

# Folds an incoming (day, previous_day) into the stored pair: keep the two latest distinct days.
_KEEP_TWO_LATEST = """
    ON CONFLICT (chat_pk, entry_id) DO UPDATE SET
        previous_day = CASE
            WHEN excluded.day > received.day
                THEN max(received.day, coalesce(excluded.previous_day, received.day))
            WHEN excluded.day < received.day
                THEN max(excluded.day, coalesce(received.previous_day, excluded.day))
            ELSE coalesce(max(received.previous_day, excluded.previous_day), received.previous_day,
                          excluded.previous_day)
        END,
        day = max(received.day, excluded.day)
"""


async def received_before(connection: aiosqlite.Connection, pk: int, day: date) -> dict[str, date]:
    """Entry id -> the latest day before `day` the chat was sent it."""
    rows = await fetch_all(
        connection,
        """
        SELECT entry_id, CASE WHEN day < :day THEN day ELSE previous_day END AS seen
        FROM received
        WHERE chat_pk = :pk AND (day < :day OR previous_day < :day)
        """,
        {"pk": pk, "day": day_text(day)},
    )
    return {row["entry_id"]: date.fromisoformat(row["seen"]) for row in rows}


async def mark_received(
    connection: aiosqlite.Connection, pk: int, entry_ids: Iterable[str], day: date
) -> None:
    exists = await fetch_all(connection, "SELECT 1 FROM chats WHERE id = ?", (pk,))
    if not exists:
        raise ChatNotFoundError(pk)
    await connection.executemany(
        "INSERT INTO received (chat_pk, entry_id, day) VALUES (?, ?, ?)" + _KEEP_TWO_LATEST,
        [(pk, entry_id, day_text(day)) for entry_id in dict.fromkeys(entry_ids)],
    )


async def copy_received(connection: aiosqlite.Connection, source_pk: int, target_pk: int) -> None:
    """Give `target_pk` everything `source_pk` received too (merging two chats into one)."""
    await connection.execute(
        """
        INSERT INTO received (chat_pk, entry_id, day, previous_day)
        SELECT ?, entry_id, day, previous_day FROM received WHERE chat_pk = ?
        """
        + _KEEP_TWO_LATEST,
        (target_pk, source_pk),
    )
