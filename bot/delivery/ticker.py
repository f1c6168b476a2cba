"""The scheduler tick: APScheduler runs the engine's `tick` on every minute in our event loop.

The tick fires at second 0 of each minute (a cron trigger), not every 60 s from whenever the
process started: a 07:30 digest is due at 07:30:00 and leaves then, not up to a minute late.
Shorter intervals (a test setting) are aligned the same way, to multiples of the interval.
Housekeeping is hourly on a schedule of its own, so it never delays a tick.

APScheduler 3 skips a run that starts more than `misfire_grace_time` late (one second by
default) with only a log line; a tick must never be skipped, so the grace is unlimited and
late runs coalesce into one. Nothing is persisted in APScheduler: the database is the truth,
and the first tick runs at start to catch up after downtime.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.delivery.health import Health

log = logging.getLogger(__name__)


Job = Callable[[], Awaitable[object]]
HOUSEKEEPING_SECONDS = 3600
STOP_WAIT_SECONDS = 10.0  # how long a stop lets a running tick or housekeeping finish
# Any instant on a whole second: aligning an interval to it puts every fire on a multiple.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def tick_trigger(seconds: float) -> BaseTrigger:
    """On the minute for the default 60 s; any other interval aligned to its own multiples."""
    if seconds == 60:
        return CronTrigger(second=0, timezone=UTC)
    return IntervalTrigger(seconds=seconds, start_date=EPOCH, timezone=UTC)


class Ticker:
    def __init__(
        self,
        tick: Job,
        seconds: float,
        housekeeping: Job | None = None,
        health: Health | None = None,
    ) -> None:
        """`health` hears of every failed and successful tick: ticks that fail for longer
        than its limit make the bot unhealthy."""
        self._health = health or Health()
        self._jobs = [("delivery-tick", tick, tick_trigger(seconds))]
        if housekeeping is not None:
            self._jobs.append(("housekeeping", housekeeping, tick_trigger(HOUSEKEEPING_SECONDS)))
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[object]] = set()

    async def _guarded(self, name: str, job: Job) -> None:
        what = f"the scheduled {name}"
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            await job()
        except Exception as error:
            log.debug("%s failed", what, exc_info=True)
            self._health.failed(what, error)
        else:
            self._health.succeeded(what)
        finally:
            self._running.discard(task)

    def start(self) -> None:
        """Run every job now (to catch up after downtime) and then on its schedule; call from
        inside the event loop."""
        for name, job, trigger in self._jobs:
            self.scheduler.add_job(
                self._guarded,
                trigger,
                args=(name, job),
                id=name,
                misfire_grace_time=None,
                coalesce=True,
                max_instances=1,
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()

    async def stop(self) -> None:
        """Schedule nothing more, and let a job that is running finish: cut off when the
        loop closes, it would be logged as a failure with its traceback (a console session
        piped in often ends while the first housekeeping still runs). APScheduler's shutdown
        cancels the jobs it runs, so they are waited for first, with the scheduler paused."""
        if not self.scheduler.running:
            return
        self.scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=STOP_WAIT_SECONDS)
        self.scheduler.shutdown(wait=False)
