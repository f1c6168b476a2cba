"""Anonymous prayer counts: how many people prayed a prayer point on a day.

`prayers` remembers which person (a keyed hash, `bot.core.people`) in which chat prayed what
on which day only so a second tap is not counted twice; `prayer_tallies` holds the counts and
names nobody. Whether someone prays is sensitive,
so `prune` lets the operator drop the per-chat rows once a day is over everywhere; the counts
stay. Rows are keyed by address, not chat pk, because the button can be tapped in a chat that
never subscribed.
"""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.address import Address
from bot.store.db import changes, fetch_one
from bot.store.records import day_text


async def record_prayer(
    connection: aiosqlite.Connection, address: Address, person: str, prayer_id: str, day: date
) -> tuple[bool, int]:
    """(whether this person is newly counted, how many people prayed it that day)."""
    # Only for a chat that exists when this transaction runs: a /forget that raced the press
    # (it read the chat, the forget deleted everything, then it wrote) leaves nothing behind.
    added = await changes(
        connection,
        """INSERT OR IGNORE INTO prayers (prayer_id, day, platform, chat_id, person)
           SELECT ?, ?, platform, chat_id, ? FROM chats WHERE platform = ? AND chat_id = ?""",
        (prayer_id, day_text(day), person, address.platform, address.chat_id),
    )
    if added:
        await connection.execute(
            """
            INSERT INTO prayer_tallies (prayer_id, day, people) VALUES (?, ?, 1)
            ON CONFLICT (prayer_id, day) DO UPDATE SET people = prayer_tallies.people + 1
            """,
            (prayer_id, day_text(day)),
        )
    return bool(added), await prayer_count(connection, prayer_id, day)


async def prayer_count(connection: aiosqlite.Connection, prayer_id: str, day: date) -> int:
    row = await fetch_one(
        connection,
        "SELECT people FROM prayer_tallies WHERE prayer_id = ? AND day = ?",
        (prayer_id, day_text(day)),
    )
    return row["people"] if row else 0


async def prune(connection: aiosqlite.Connection, before: date) -> int:
    """Forget who prayed on days before `before`; returns how many rows went."""
    return await changes(connection, "DELETE FROM prayers WHERE day < ?", (day_text(before),))


async def move(connection: aiosqlite.Connection, old: Address, new: Address) -> None:
    """Re-key `old`'s prayers to `new`; a person who prayed the same day in both is counted
    once."""
    both = (old.platform, old.chat_id, new.platform, new.chat_id)
    await connection.execute(
        """
        UPDATE prayer_tallies SET people = people - 1
        WHERE (prayer_id, day) IN (
            SELECT o.prayer_id, o.day FROM prayers AS o
            JOIN prayers AS n USING (prayer_id, day, person)
            WHERE o.platform = ? AND o.chat_id = ? AND n.platform = ? AND n.chat_id = ?)
        """,
        both,
    )
    # The rows counted twice (above) stay with `old`, and `forget` drops them.
    await connection.execute(
        """UPDATE prayers SET platform = ?, chat_id = ?
           WHERE platform = ? AND chat_id = ? AND NOT EXISTS (
               SELECT 1 FROM prayers AS n
               WHERE n.platform = ? AND n.chat_id = ? AND n.prayer_id = prayers.prayer_id
                 AND n.day = prayers.day AND n.person = prayers.person)""",
        (new.platform, new.chat_id, old.platform, old.chat_id, new.platform, new.chat_id),
    )
    await forget(connection, old)


async def forget(connection: aiosqlite.Connection, address: Address) -> int:
    """Drop the record of this chat's prayers; the anonymous counts stay."""
    return await changes(
        connection,
        "DELETE FROM prayers WHERE platform = ? AND chat_id = ?",
        (address.platform, address.chat_id),
    )
