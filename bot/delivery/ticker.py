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


Job = Callable[[], Awaitable[object]]
HOUSEKEEPING_SECONDS = 3600


class Ticker:
    def __init__(self, tick: Job, seconds: float, housekeeping: Job | None = None) -> None:
        self._jobs = [("delivery-tick", tick, seconds)]
        if housekeeping is not None:
            self._jobs.append(("housekeeping", housekeeping, HOUSEKEEPING_SECONDS))
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    @staticmethod
    async def _guarded(name: str, job: Job) -> None:
        try:
            await job()
        except Exception:
            log.exception("scheduled job %s failed; its next run will try again", name)

    def start(self) -> None:
        """Run every job now and then at its interval; call from inside the event loop."""
        for name, job, seconds in self._jobs:
            self.scheduler.add_job(
                self._guarded,
                IntervalTrigger(seconds=seconds, timezone=UTC),
                args=(name, job),
                id=name,
                misfire_grace_time=None,
                coalesce=True,
                max_instances=1,
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
