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

from bot.store.db import fetch_all, placeholders
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
    return (await received_before_each(connection, [(pk, day)]))[pk, day]


async def received_before_each(
    connection: aiosqlite.Connection, wanted: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], dict[str, date]]:
    """`received_before` for each (chat, day) of a claimed batch, in one query: on PostgreSQL
    every statement is a round trip, and one per digest was a fifth of a 1,000/s sender's time.
    The rows are read up to the latest day asked for and each pair's days are picked here."""
    days: dict[int, set[str]] = {}
    for pk, day in wanted:
        days.setdefault(pk, set()).add(day_text(day))
    found: dict[tuple[int, date], dict[str, date]] = {
        (pk, date.fromisoformat(text)): {} for pk, texts in days.items() for text in texts
    }
    if not days:
        return found
    pks, latest = sorted(days), max(max(texts) for texts in days.values())
    rows = await fetch_all(
        connection,
        f"""SELECT chat_pk, entry_id, day, previous_day FROM received
            WHERE chat_pk IN ({placeholders(pks)}) AND (day < ? OR previous_day < ?)""",
        (*pks, latest, latest),
    )
    for row in rows:
        for text in days[row["chat_pk"]]:
            seen = _seen_before(row["day"], row["previous_day"], text)
            if seen is not None:
                found[row["chat_pk"], date.fromisoformat(text)][row["entry_id"]] = seen
    return found


def _seen_before(last: str, previous: str | None, day: str) -> date | None:
    """The latest of a row's two days that is before `day`, if either is."""
    if last < day:
        return date.fromisoformat(last)
    if previous is not None and previous < day:
        return date.fromisoformat(previous)
    return None


async def mark_received(
    connection: aiosqlite.Connection, pk: int, entry_ids: Iterable[str], day: date
) -> None:
    exists = await fetch_all(connection, "SELECT 1 FROM chats WHERE id = ?", (pk,))
    if not exists:
        raise ChatNotFoundError(pk)
    await mark_received_each(connection, [(pk, entry_ids, day)])


async def mark_received_each(
    connection: aiosqlite.Connection, sent: Iterable[tuple[int, Iterable[str], date]]
) -> None:
    """Remember what each of many chats was sent, as one batch of statements. The chats must
    exist: the caller read their ids in this transaction (`claims.record` does)."""
    rows = [
        (pk, entry_id, day_text(day))
        for pk, entry_ids, day in sent
        for entry_id in dict.fromkeys(entry_ids)
    ]
    if rows:
        await connection.executemany(
            "INSERT INTO received (chat_pk, entry_id, day) VALUES (?, ?, ?)" + _KEEP_TWO_LATEST,
            rows,
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
