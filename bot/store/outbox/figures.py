"""The queue as operators see it: rows still to send, and today's rows by state and reason."""

from __future__ import annotations

from datetime import datetime

from bot.domain.figures import DeliveryStats
from bot.store.db import fetch_all, fetch_one
from bot.store.queue_base import QueueTables
from bot.store.records import to_unix


class QueueFigures(QueueTables):
    async def pending_count(self, platform: str | None = None, ready_only: bool = False) -> int:
        """Rows still to send; `ready_only` leaves out those waiting for a later retry."""
        sql = "SELECT count(*) FROM outbox WHERE (state = 'sending' OR (state = 'pending'"
        params: list = []
        if ready_only:
            sql += " AND not_before <= ?"
            params.append(self._now())
        sql += "))"
        if platform is not None:
            sql += " AND platform = ?"
            params.append(platform)
        async with self._db.read() as connection:
            row = await fetch_one(connection, sql, params)
        return int(row[0]) if row else 0

    async def stats(self, since: datetime) -> DeliveryStats:
        """Queue rows created since `since`, by platform and state, and failures by reason."""
        async with self._db.read() as connection:
            states = await fetch_all(
                connection,
                """SELECT platform, state, count(*) AS n FROM outbox WHERE created_at >= ?
                   GROUP BY platform, state""",
                (to_unix(since),),
            )
            reasons = await fetch_all(
                connection,
                """SELECT platform, state, coalesce(reason, '') AS reason, count(*) AS n
                   FROM outbox WHERE created_at >= ? AND state IN ('failed', 'skipped')
                   GROUP BY platform, state, reason ORDER BY n DESC""",
                (to_unix(since),),
            )
        by_state: dict[str, dict[str, int]] = {}
        for row in states:
            by_state.setdefault(row["platform"], {})[row["state"]] = row["n"]
        failures = [(r["platform"], r["state"], r["reason"], r["n"]) for r in reasons]
        return DeliveryStats(by_state, failures)
