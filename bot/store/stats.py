"""The operator's numbers: who is subscribed where, which topics they follow, prayer counts.

The figures' types live in `bot.domain.figures`; this is the SQL that counts them.
"""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.figures import PlatformCounts, PrayerStats, StoreStats
from bot.store.db import fetch_all, fetch_one
from bot.store.records import day_text


async def platform_counts(connection: aiosqlite.Connection) -> dict[str, PlatformCounts]:
    """Chats by platform and state: the part of the figures /metrics reads on every scrape."""
    return {
        row["platform"]: PlatformCounts(row["subscribed"], row["unsubscribed"], row["deactivated"])
        for row in await fetch_all(
            connection,
            """
            SELECT platform,
                   count(*) FILTER (WHERE subscribed = 1) AS subscribed,
                   count(*) FILTER (WHERE subscribed = 0 AND deactivated_reason IS NULL)
                       AS unsubscribed,
                   count(*) FILTER (WHERE deactivated_reason IS NOT NULL) AS deactivated
            FROM chats GROUP BY platform ORDER BY platform
            """,
        )
    }


async def collect(connection: aiosqlite.Connection, today: date, top: int) -> StoreStats:
    platforms = await platform_counts(connection)
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
    total = await fetch_one(connection, "SELECT coalesce(sum(people), 0) FROM prayer_tallies")
    on_day = await fetch_one(
        connection, "SELECT coalesce(sum(people), 0) FROM prayer_tallies WHERE day = :day", day
    )
    top_today = await _counts(
        connection,
        "SELECT prayer_id AS name, people AS n FROM prayer_tallies WHERE day = :day",
        day,
        limit=top,
    )
    top_all_time = await _counts(
        connection,
        "SELECT prayer_id AS name, sum(people) AS n FROM prayer_tallies GROUP BY prayer_id",
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
    limit: int | None = None,
) -> dict[str, int]:
    """Run a `SELECT name, n` query; largest first, ties by name, at most `limit` (None: all)."""
    at_most = "" if limit is None else f" LIMIT {int(limit)}"
    rows = await fetch_all(
        connection,
        f"SELECT name, n FROM ({sql}) AS counted ORDER BY n DESC, name{at_most}",
        parameters or {},
    )
    return {row["name"]: row["n"] for row in rows}
