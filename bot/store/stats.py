"""The operator's numbers: who is subscribed where, which topics they follow, prayer counts.

Every figure is a count; nothing here identifies a chat. A chat is counted once per platform
as exactly one of subscribed, unsubscribed or deactivated (the platform refused delivery).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import aiosqlite

from bot.store.db import fetch_all, fetch_one
from bot.store.records import day_text


@dataclass(frozen=True)
class PlatformCounts:
    subscribed: int = 0
    unsubscribed: int = 0
    deactivated: int = 0

    @property
    def total(self) -> int:
        return self.subscribed + self.unsubscribed + self.deactivated


@dataclass(frozen=True)
class PrayerStats:
    total: int  # (chat, prayer point, day) counts ever recorded
    today: int
    top_today: tuple[tuple[str, int], ...]  # (prayer id, chats), most prayed first
    top_all_time: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class StoreStats:
    day: date  # the "today" of the prayer figures
    platforms: dict[str, PlatformCounts]
    subscribed_by_timezone: dict[str, int]  # most subscribers first
    subscribed_by_topic: dict[str, int]  # most followers first
    prayers: PrayerStats


async def collect(connection: aiosqlite.Connection, today: date, top: int) -> StoreStats:
    platforms = {
        row["platform"]: PlatformCounts(row["subscribed"], row["unsubscribed"], row["deactivated"])
        for row in await fetch_all(
            connection,
            """
            SELECT platform,
                   sum(subscribed = 1) AS subscribed,
                   sum(subscribed = 0 AND deactivated_reason IS NULL) AS unsubscribed,
                   sum(deactivated_reason IS NOT NULL) AS deactivated
            FROM chats GROUP BY platform ORDER BY platform
            """,
        )
    }
    by_timezone = await _counts(
        connection,
        "SELECT timezone AS name, count(*) AS n FROM chats WHERE subscribed = 1 GROUP BY timezone",
    )
    by_topic = await _counts(
        connection,
        """
        SELECT f.topic AS name, count(*) AS n
        FROM follows AS f JOIN chats AS c ON c.id = f.chat_pk
        WHERE c.subscribed = 1 GROUP BY f.topic
        """,
    )
    day = {"day": day_text(today)}
    total = await fetch_one(connection, "SELECT coalesce(sum(chats), 0) FROM prayer_tallies")
    on_day = await fetch_one(
        connection, "SELECT coalesce(sum(chats), 0) FROM prayer_tallies WHERE day = :day", day
    )
    top_today = await _counts(
        connection,
        "SELECT prayer_id AS name, chats AS n FROM prayer_tallies WHERE day = :day",
        day,
        limit=top,
    )
    top_all_time = await _counts(
        connection,
        "SELECT prayer_id AS name, sum(chats) AS n FROM prayer_tallies GROUP BY prayer_id",
        limit=top,
    )
    return StoreStats(
        day=today,
        platforms=platforms,
        subscribed_by_timezone=by_timezone,
        subscribed_by_topic=by_topic,
        prayers=PrayerStats(
            total=total[0] if total else 0,
            today=on_day[0] if on_day else 0,
            top_today=tuple(top_today.items()),
            top_all_time=tuple(top_all_time.items()),
        ),
    )


async def _counts(
    connection: aiosqlite.Connection,
    sql: str,
    parameters: dict[str, str] | None = None,
    limit: int = -1,
) -> dict[str, int]:
    """Run a `SELECT name, n` query; largest first, ties by name, at most `limit` (-1: all)."""
    rows = await fetch_all(
        connection,
        f"SELECT name, n FROM ({sql}) ORDER BY n DESC, name LIMIT :limit",
        {**(parameters or {}), "limit": limit},
    )
    return {row["name"]: row["n"] for row in rows}
