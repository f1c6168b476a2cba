"""The queue as operators see it: rows still to send, and today's rows by state and reason."""

from __future__ import annotations

import aiosqlite

from bot.domain.figures import DeliveryStats
from bot.domain.secrets import scrub
from bot.store.db import fetch_all, fetch_one


async def pending_count(
    connection: aiosqlite.Connection, platform: str | None, ready_by: int | None
) -> int:
    """Rows still to send; with `ready_by`, leave out those waiting for a retry after it."""
    sql = "SELECT count(*) FROM outbox WHERE (state = 'sending' OR (state = 'pending'"
    params: list = []
    if ready_by is not None:
        sql += " AND not_before <= ?"
        params.append(ready_by)
    sql += "))"
    if platform is not None:
        sql += " AND platform = ?"
        params.append(platform)
    row = await fetch_one(connection, sql, params)
    return int(row[0]) if row else 0


async def stats(connection: aiosqlite.Connection, since: int) -> DeliveryStats:
    """Queue rows created since `since` (unix seconds), by platform and state, and failures
    by reason."""
    states = await fetch_all(
        connection,
        """SELECT platform, state, count(*) AS n FROM outbox WHERE created_at >= ?
           GROUP BY platform, state""",
        (since,),
    )
    reasons = await fetch_all(
        connection,
        """SELECT platform, state, coalesce(reason, '') AS reason, count(*) AS n
           FROM outbox WHERE created_at >= ? AND state IN ('failed', 'skipped')
           GROUP BY platform, state, reason ORDER BY n DESC""",
        (since,),
    )
    by_state: dict[str, dict[str, int]] = {}
    for row in states:
        by_state.setdefault(row["platform"], {})[row["state"]] = row["n"]
    # Scrubbed on the way out too: rows written before reasons were scrubbed on the way in.
    failures = [(r["platform"], r["state"], scrub(r["reason"]), r["n"]) for r in reasons]
    return DeliveryStats(by_state, failures)
