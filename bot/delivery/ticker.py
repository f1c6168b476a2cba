"""The scheduler tick: APScheduler runs the engine's `tick` every minute in our event loop.

APScheduler 3 skips a run that starts more than `misfire_grace_time` late (one second by
default) with only a log line; a tick must never be skipped, so the grace is unlimited and
late runs coalesce into one. Nothing is persisted in APScheduler: the database is the truth,
and the first tick runs at start to catch up after downtime.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)


class Ticker:
    def __init__(self, tick: Callable[[], Awaitable[object]], seconds: float) -> None:
        self._tick = tick
        self.seconds = seconds
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def _run(self) -> None:
        try:
            await self._tick()
        except Exception:
            log.exception("the delivery tick failed; the next one will try again")

    def start(self) -> None:
        """Start ticking now and every `seconds` after; call from inside the event loop."""
        self.scheduler.add_job(
            self._run,
            IntervalTrigger(seconds=self.seconds, timezone=UTC),
            id="delivery-tick",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
            next_run_time=datetime.now(UTC),
        )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
