"""Supervision of the delivery engine's long-running work: retry what fails, notice what stays
broken.

Before this, one database error (a write lock held by another process for longer than the
busy timeout, a full disk, a read-only file) killed the drain or lease-renewal task for good:
the bot kept answering commands while delivering nothing, and nobody was told. Now every
step that must happen (claiming, renewing the lease, recording an accepted message, putting a
job back) goes through `Health.until_done`, which logs the failure with what was being done,
waits with backoff and tries again. A step that keeps failing for longer than `limit` (five
minutes by default) makes the bot unhealthy: that is said once at CRITICAL and `unhealthy`
is set, on which `briefbot run` stops and exits non-zero, so a service manager restarts it
instead of leaving a zombie that looks alive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_WAIT = 0.5  # seconds before the first retry; doubled each time up to MAX_WAIT
MAX_WAIT = 15.0
REPEAT_LOG_SECONDS = 60.0  # a failure that goes on is logged again at most this often


class Health:
    def __init__(self, limit: float = 300.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._failing: dict[str, tuple[float, float]] = {}  # what -> (since, last logged)
        self.unhealthy = asyncio.Event()
        self.reason = ""

    async def until_done(self, what: str, step: Callable[[], Awaitable[T]]) -> T:
        """Run `step` until it succeeds, retrying with backoff; `what` names it in the log
        ("claiming telegram messages"). Cancellation still stops it at once."""
        wait = FIRST_WAIT
        while True:
            try:
                result = await step()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.failed(what, error)
                await asyncio.sleep(wait)
                wait = min(wait * 2, MAX_WAIT)
                continue
            self.succeeded(what)
            return result

    def failed(self, what: str, error: BaseException) -> None:
        """Note a failure of `what`: log it (not every retry), and turn unhealthy once it has
        lasted longer than the limit."""
        now = self._clock()
        since, logged = self._failing.get(what, (now, -REPEAT_LOG_SECONDS))
        if now - logged >= REPEAT_LOG_SECONDS:
            lasting = f" (failing for {now - since:.0f} s)" if now > since else ""
            log.error("%s failed: %s; retrying%s", what, describe(error), lasting)
            logged = now
        self._failing[what] = (since, logged)
        if now - since >= self.limit and not self.unhealthy.is_set():
            self.reason = f"{what} has failed for {now - since:.0f} s: {describe(error)}"
            log.critical("unhealthy: %s; stopping so that a supervisor can restart", self.reason)
            self.unhealthy.set()

    def stop_now(self, reason: str) -> None:
        """Turn unhealthy at once: something sending must not outlive (the sender lock's
        connection dropped, so another instance may be sending already)."""
        if not self.unhealthy.is_set():
            self.reason = reason
            log.critical("unhealthy: %s; stopping so that a supervisor can restart", reason)
            self.unhealthy.set()

    def succeeded(self, what: str) -> None:
        failing = self._failing.pop(what, None)
        if failing is not None:
            log.info("%s works again after %.0f s", what, self._clock() - failing[0])


def describe(error: BaseException) -> str:
    """An error in one line: its type and message, never a traceback."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
