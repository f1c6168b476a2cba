"""`Outbox`: the delivery queue on SQLite behind one async facade.

Each method is one transaction on the store's connection, delegating its SQL to the plain
functions beside it, as `Store` does with `chats` and the rest:

* `enqueue` — the tick's side: due chats become 'digest' rows, set by set;
* `broadcasts` — an operator's draft, confirmed into one 'broadcast' row per subscriber;
* `claims` — the senders' side: leases, inputs, recorded progress and outcomes;
* `figures` — what operators see; `retention` — forgetting finished rows;
* `sent` — what each delivered message carried; `corrections` — editing those copies.

It satisfies `bot.domain.ports.Queue`; the engine and the core know it only by that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiosqlite

from bot.domain.clock import Clock
from bot.domain.corrections import CorrectionProgress, SentRevision
from bot.domain.figures import DeliveryStats
from bot.domain.queue import (
    CORRECT,
    Correction,
    DueSlot,
    EnqueueResult,
    Inputs,
    Job,
    Plan,
    Progress,
)
from bot.domain.secrets import scrub
from bot.store.db import Database, Transactions
from bot.store.outbox import broadcasts, claims, corrections, enqueue, figures, retention, sent
from bot.store.outbox.workers import FileWorkerLocks
from bot.store.records import to_unix

if TYPE_CHECKING:
    from bot.store.pg.database import PgWorkerLocks

PruneBatch = Callable[[aiosqlite.Connection, int, int], Awaitable[int]]


class Outbox:
    def __init__(self, db: Transactions, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._workers = _worker_locks(db)
        self._revisions: set[str] = set()  # entry revisions this process has stored

    def _now(self) -> int:
        return to_unix(self._clock.now())

    # Enqueueing

    async def enqueue_due(
        self, platforms: Iterable[str], plan: Callable[[DueSlot], Plan], batch: int = 5000
    ) -> EnqueueResult:
        """Turn every chat due by now into a queue row and move its due time on, atomically.

        One platform at a time, each batch one range scan of `chats_due_by_platform`
        (migration 003) in due order. A batch is every chat due up to the due instant of the
        `batch`-th one, so chats due at the same instant always go in together."""
        enqueued = skipped = 0
        for platform in sorted(set(platforms)):
            more = True
            while more:
                now = self._now()
                async with self._db.write() as connection:
                    upto, more = await enqueue.batch_end(connection, platform, now, batch)
                    sent, missed = await enqueue.enqueue_until(
                        connection, platform, upto, now, plan
                    )
                enqueued, skipped = enqueued + sent, skipped + missed
        return EnqueueResult(enqueued, skipped)

    # Broadcasts

    async def draft_broadcast(self, text: str, platforms: Iterable[str]) -> tuple[int, int]:
        """Save an operator's message to confirm; returns (id, subscribers it would reach on
        `platforms`)."""
        async with self._db.write() as connection:
            return await broadcasts.draft(connection, text, platforms, self._now())

    async def confirm_broadcast(self, broadcast_id: int, platforms: Iterable[str]) -> int | None:
        """Queue a drafted broadcast for every subscriber; None if it was not a draft."""
        async with self._db.write() as connection:
            return await broadcasts.confirm(connection, broadcast_id, platforms, self._now())

    async def cancel_broadcast(self, broadcast_id: int) -> bool:
        async with self._db.write() as connection:
            return await broadcasts.cancel(connection, broadcast_id)

    # Sending

    async def claim(self, platform: str, worker: str, limit: int) -> list[Job]:
        """Take up to `limit` of the oldest ready rows of `platform` for `worker`."""
        async with self._db.write() as connection:
            return await claims.claim(connection, platform, worker, limit, self._now())

    async def inputs(self, jobs: Sequence[Job]) -> Inputs:
        """Digest histories of subscribed chats, prayer counts and broadcast texts for `jobs`."""
        async with self._db.read() as connection:
            return await claims.read_inputs(connection, jobs)

    async def renew(self, worker: str) -> None:
        """Keep this worker's claims alive."""
        async with self._db.write() as connection:
            await claims.renew(connection, worker, self._now())

    async def join(self, worker: str) -> None:
        """Mark `worker` alive for as long as this process runs (`workers.WorkerLocks`)."""
        await self._workers.hold(worker)

    async def release_expired(self, timeout: timedelta, keep: str) -> int:
        """Give back the rows of senders proved dead at once, and of any other sender (never
        `keep`, the caller) whose lease ran out."""
        cutoff = self._now() - int(timeout.total_seconds())
        async with self._db.write() as connection:
            others = await claims.claimers(connection) - {keep}
            dead = await self._workers.dead(connection, others)
            released = await claims.release_workers(connection, dead)
            released += await claims.release_claimed_before(connection, cutoff, keep)
        await self._workers.sweep()  # only now: their rows are back in the queue
        return released

    async def release(self, worker: str) -> int:
        """Hand this worker's unfinished rows back and retire it (clean shutdown)."""
        async with self._db.write() as connection:
            released = await claims.release_workers(connection, {worker})
        await self._workers.drop(worker)
        return released

    async def record(self, worker: str, items: Sequence[Progress]) -> list[bool]:
        """Record accepted messages of many jobs in one transaction; for each item, False if
        the claim was lost (another sender took over), and then nothing is remembered."""
        async with self._db.write() as connection:
            kept, stored = await claims.record(
                connection, worker, items, self._now(), self._revisions
            )
        self._revisions |= stored  # only once committed: a retried commit stores them again
        return kept

    async def retry_later(
        self, job: Job, worker: str, delay: float, reason: str, count: bool = True
    ) -> bool:
        """Put the row back for later; `count` says whether this was a failed attempt."""
        not_before = self._now() + max(0, round(delay))
        async with self._db.write() as connection:
            return await claims.retry_later(
                connection, job, worker, not_before, scrub(reason), count
            )

    async def close(
        self, job: Job, worker: str, state: str, reason: str, attempt: bool = False
    ) -> bool:
        """End a job that will not be sent: 'failed' (it went wrong) or 'skipped' (not wanted).

        `attempt` counts the try that ended it (a last failed send), so `attempts` is honest.
        """
        async with self._db.write() as connection:
            return await claims.close(
                connection, job, worker, state, scrub(reason), attempt, self._now()
            )

    async def deactivate_chat(self, job: Job, worker: str, reason: str) -> None:
        """The chat is gone: fail this job and everything else queued for it; unsubscribe."""
        async with self._db.write() as connection:
            await claims.deactivate_chat(connection, job, worker, scrub(reason), self._now())

    # Figures and retention

    async def pending_count(self, platform: str | None = None, ready_only: bool = False) -> int:
        """Rows still to send; `ready_only` leaves out those waiting for a later retry."""
        ready_by = self._now() if ready_only else None
        async with self._db.read() as connection:
            return await figures.pending_count(connection, platform, ready_by)

    async def stats(self, since: datetime) -> DeliveryStats:
        """Queue rows created since `since`, by platform and state, and failures by reason."""
        async with self._db.read() as connection:
            return await figures.stats(connection, to_unix(since))

    async def copies_of(self, entries: Mapping[str, str]) -> dict[str, int]:
        """How many recorded messages carry each entry in another revision (`sent`)."""
        async with self._db.read() as connection:
            return await sent.copies_of(connection, dict(entries))

    async def sent_revisions(self, entry_id: str) -> list[SentRevision]:
        async with self._db.read() as connection:
            return await corrections.sent_revisions(connection, entry_id, 0)

    async def sent_entry_ids(self) -> list[str]:
        async with self._db.read() as connection:
            return await corrections.sent_entry_ids(connection)

    async def queue_correction(
        self, correction: Correction, body: str, targets: Iterable[tuple[str, str]]
    ) -> tuple[int, int]:
        async with self._db.write() as connection:
            queued = await corrections.create(
                connection, correction, body, targets, 0, self._now()
            )
        if correction.action == CORRECT:
            self._revisions.add(correction.revision)
        return queued

    async def correction_progress(self, correction_id: int) -> CorrectionProgress | None:
        async with self._db.read() as connection:
            return await corrections.progress_of(connection, correction_id)

    async def running_corrections(self) -> list[CorrectionProgress]:
        async with self._db.read() as connection:
            return await corrections.running(connection)

    async def prune_sent(self, before: datetime, batch: int = retention.PRUNE_BATCH) -> int:
        """Delete the records of messages sent before `before`; returns how many went."""
        self._revisions.clear()  # revisions no record needs go too: store them again if sent
        return await self._prune(sent.prune_batch, before, batch)

    async def prune_finished(self, before: datetime, batch: int = retention.PRUNE_BATCH) -> int:
        """Delete finished rows created before `before`; returns how many went."""
        return await self._prune(retention.prune_batch, before, batch)

    async def _prune(self, prune_batch: PruneBatch, before: datetime, batch: int) -> int:
        """Delete in transactions of `batch` rows, so a sender recording its messages never
        waits long behind the deletion."""
        removed = 0
        while True:
            async with self._db.write() as connection:
                gone = await prune_batch(connection, to_unix(before), batch)
            removed += gone
            if gone < batch:
                return removed


def _worker_locks(db: Transactions) -> FileWorkerLocks | PgWorkerLocks:
    """How this database proves a sender dead: lock files beside a SQLite file, advisory
    locks on a PostgreSQL server."""
    if isinstance(db, Database):
        return FileWorkerLocks(db.path)
    from bot.store.pg.database import PgDatabase, PgWorkerLocks

    if not isinstance(db, PgDatabase):
        raise TypeError(f"no way to prove a sender dead on a {type(db).__name__}")
    return PgWorkerLocks(db)
