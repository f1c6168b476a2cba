"""Group commit for accepted messages: one transaction records every message accepted meanwhile.

A sender records each accepted message before its slot on the wire is free again, so a crash
can still repeat only the messages of those `concurrency` slots. A transaction per record is
several round trips to aiosqlite's thread, each waiting for the GIL while the event loop is
busy sending, and every slot waits for them; here whoever arrives while a commit is running
waits for the next one, which takes everything that piled up. At 30 messages a second
that is one message per commit, as before; at 1,000 it is a handful. No timer: a record never
waits for anything but the commit before it.

A commit that fails is tried again until it succeeds (`Health.until_done`): the platform has
accepted those messages, so giving up would put them back in the queue and send them twice.
The senders waiting for it keep their slots on the wire meanwhile, so a database that stays
locked holds delivery back rather than let more messages go out unrecorded.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from bot.delivery.health import Health
from bot.domain.ports import ProgressLog
from bot.domain.queue import Progress

log = logging.getLogger(__name__)


class Recorder:
    def __init__(self, outbox: ProgressLog, worker: str, health: Health) -> None:
        self._outbox = outbox
        self._worker = worker
        self._health = health
        self._pending: list[tuple[Progress, asyncio.Future[bool]]] = []
        self._committing: asyncio.Task | None = None
        self._in_commit = 0

    async def record(self, item: Progress) -> bool:
        """Wait until `item` is committed; False if the job's claim was lost meanwhile."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._committing is None:
            self._committing = asyncio.create_task(self._commit_all())
        return await asyncio.shield(future)

    @property
    def unrecorded(self) -> int:
        """Accepted messages not yet recorded (waiting or being committed)."""
        return len(self._pending) + self._in_commit

    async def settle(self) -> None:
        """Wait for the commit in progress (and any it picks up) to finish."""
        while self._committing is not None:
            await asyncio.wait([self._committing])

    async def finish(self, grace: float) -> None:
        """At shutdown: accepted messages of cancelled sends are recorded too, unless the
        database stays unusable for `grace` seconds: then retrying stops, they may be sent
        again after a restart, and the log says so."""
        try:
            await asyncio.wait_for(self.settle(), grace)
        except TimeoutError:
            log.error(
                "%d accepted message(s) could not be recorded; they may be sent again",
                self.unrecorded,
            )
            if self._committing is not None:
                self._committing.cancel()

    async def _commit_all(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                items = [item for item, _ in batch]
                self._in_commit = len(batch)
                commit = partial(self._outbox.record, self._worker, items)
                kept = await self._health.until_done("recording accepted messages", commit)
                self._in_commit = 0
                for (item, future), ok in zip(batch, kept, strict=True):
                    if not ok:
                        log.warning("job %d was taken over by another sender", item.job.id)
                    if not future.done():
                        future.set_result(ok)
        finally:
            self._committing = None
            self._in_commit = 0
