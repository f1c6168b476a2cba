"""The delivery engine: turn due chats into queue rows, and drain the queue platform by platform.

The database is the truth. A tick enqueues (idempotently) and moves each chat's due time on;
each platform's drain loop claims the oldest ready rows, paces them within the platform's
limits, sends (a correction: edits), and records every accepted message before its slot on
the wire is free again. At most `concurrency` messages per platform are sent and not yet
recorded at any moment, and only those can be sent twice if the process is killed; all else
resumes exactly where it stopped.

Throughput comes from doing the database work per batch, not per message: a claim takes up to
`batch` rows with their chats, one read gets everything composing them needs, the whole chunk
is composed and rendered from memory (`Composer.prepare`) before its sends queue for the
pacer, and accepted messages are recorded by group commit (`Recorder`). Reading at claim time
adds no staleness: a claimed job always waited its turn behind the ones claimed before it,
and was composed before that wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from secrets import token_hex

from bot.delivery import outcomes
from bot.delivery.edits import put
from bot.delivery.health import Health
from bot.delivery.pacer import Pacer
from bot.delivery.ports import JobComposer, PlatformSender
from bot.delivery.recorder import Recorder
from bot.delivery.refusals import TOKEN_PROBE_SECONDS, TokenRefusals
from bot.delivery.settings import EngineSettings
from bot.domain.address import Address
from bot.domain.clock import Clock
from bot.domain.planner import planner
from bot.domain.ports import Chats, Queue
from bot.domain.queue import EnqueueResult, Inputs, Job, Prepared, Progress, Sent

log = logging.getLogger(__name__)

MAX_FLOOD_WAITS = 10  # 429s in a row for one message before it goes back to the queue


class DeliveryEngine:
    def __init__(
        self,
        store: Chats,
        outbox: Queue,
        composer: JobComposer,
        senders: Sequence[PlatformSender],
        clock: Clock,
        settings: EngineSettings,
        wake: asyncio.Event | None = None,
    ) -> None:
        """`wake` is set by whoever queues rows outside a tick (the core's broadcasts; the
        wiring hands both sides the same event), so the drain loops need not wait a poll."""
        self.store = store
        self.outbox = outbox
        self.senders = {s.platform: s for s in senders}
        self.clock = clock
        self.settings = settings
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{token_hex(3)}"
        self._wake = wake or asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task] = []
        self._active: dict[str, dict[int, asyncio.Task]] = {p: {} for p in self.senders}
        self._inflight: dict[str, asyncio.Semaphore] = {}
        self._on_wire: set[int] = set()  # jobs with a message sent and its answer not yet in
        self.health = Health(settings.unhealthy_after.total_seconds())
        self._recorder = Recorder(outbox, self.worker, self.health)
        self.composer = composer
        self.flood_waits = 0
        self._tokens = TokenRefusals()

    # Scheduling

    async def tick(self) -> EnqueueResult:
        """Enqueue every chat that is due now; safe to run twice or from two processes."""
        now = self.clock.now()
        result = await self.outbox.enqueue_due(self.senders, planner(now, self.settings.catch_up))
        if result.skipped:
            log.warning(
                "skipped %d digest(s) whose time passed beyond the catch-up window", result.skipped
            )
        if result.enqueued:
            log.info("enqueued %d digest(s)", result.enqueued)
            self.wake()
        return result

    def wake(self) -> None:
        """Something was queued: stop waiting for the next poll."""
        self._wake.set()

    # Running

    async def start(self) -> None:
        """Release rows of senders that died, then start one drain loop per platform."""
        self._stopping = False
        await self.outbox.join(self.worker)
        released = await self.outbox.release_expired(self.settings.claim_timeout, self.worker)
        if released:
            log.info("resumed %d message job(s) left unfinished by a stopped sender", released)
        self._tasks = [asyncio.create_task(self._drain(s)) for s in self.senders.values()]
        self._tasks.append(asyncio.create_task(self._keep_claims()))

    async def stop(self, grace: float = 10.0) -> None:
        """Take no new rows; let sends on the wire finish; hand everything else back.

        Jobs waiting for their turn are cancelled at once (nothing of theirs is on the wire);
        a job whose message is on the wire gets `grace` seconds to hear the answer and record
        it, then stops before its next message.
        """
        self._stopping = True
        self._wake.set()
        active = {job: task for jobs in self._active.values() for job, task in jobs.items()}
        for job, task in active.items():
            if job not in self._on_wire:
                task.cancel()
        if active:
            _, pending = await asyncio.wait(active.values(), timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*active.values(), return_exceptions=True)
        await self._recorder.finish(grace)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.outbox.release(self.worker)

    async def run_until_idle(self, timeout: float = 30.0, platform: str | None = None) -> None:
        """Wait until nothing (for `platform`, if given) is ready to send."""
        active = self._active.get(platform, {}) if platform else self._active.values()
        try:
            async with asyncio.timeout(timeout):
                while any(active) or await self.outbox.pending_count(platform, ready_only=True):
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise TimeoutError("the delivery queue did not drain in time") from None

    async def _keep_claims(self) -> None:
        interval = max(0.5, self.settings.claim_timeout.total_seconds() / 3)
        while True:
            await asyncio.sleep(interval)
            await self.health.until_done(
                "renewing the lease on claimed messages", lambda: self.outbox.renew(self.worker)
            )
            await self.health.until_done(
                "releasing messages of stopped senders",
                lambda: self.outbox.release_expired(self.settings.claim_timeout, self.worker),
            )

    async def _drain(self, sender: PlatformSender) -> None:
        pacer = sender.pacer
        self._inflight[sender.platform] = asyncio.Semaphore(self.settings.concurrency)
        active = self._active[sender.platform]
        batch = self.settings.batch
        refill = max(1, batch // 4)  # claim in chunks, not one row per finished job
        room = asyncio.Event()

        def finished(_task: asyncio.Task, job_id: int) -> None:
            active.pop(job_id, None)
            if len(active) <= batch - refill:
                room.set()

        while not self._stopping:
            free = batch - len(active)
            if free < refill:
                room.clear()
                await room.wait()
                continue
            self._wake.clear()  # before claiming, so an enqueue during the claim is not missed
            jobs = await self.health.until_done(
                f"claiming {sender.platform} messages to send",
                partial(self.outbox.claim, sender.platform, self.worker, free),
            )
            if jobs:
                inputs = await self._inputs(jobs)
                for job in jobs:
                    prepared = self.composer.prepare(job, inputs, sender.render)
                    task = asyncio.create_task(self._deliver(job, prepared, sender, pacer))
                    active[job.id] = task
                    task.add_done_callback(partial(finished, job_id=job.id))
            if len(jobs) == free:
                # The queue may hold more. Sends that finished during the claim left room that
                # is not a sign of an empty queue: claim again rather than idle for a poll.
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
            pacer.forget_idle()

    async def _inputs(self, jobs: Sequence[Job]) -> Inputs | None:
        """What composing `jobs` needs; None (each job then retries later) if it cannot be read."""
        try:
            return await self.outbox.inputs(jobs)
        except Exception:
            log.exception("reading what %d message job(s) need failed", len(jobs))
            return None

    # One job

    async def _deliver(
        self, job: Job, prepared: Prepared, sender: PlatformSender, pacer: Pacer
    ) -> None:
        try:
            await self._deliver_job(job, prepared, sender, pacer)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivering job %d failed unexpectedly", job.id)
            later = self.settings.backoff(job.attempts)
            await self.health.until_done(
                f"putting message job {job.id} back in the queue",
                partial(self.outbox.retry_later, job, self.worker, later, "error"),
            )

    async def _deliver_job(
        self, job: Job, prepared: Prepared, sender: PlatformSender, pacer: Pacer
    ) -> None:
        if prepared.error is not None:
            raise prepared.error
        if prepared.unwanted:
            await self.outbox.close(job, self.worker, "skipped", "no longer subscribed")
            return
        if prepared.unchanged:  # a correction that changes nothing in this message
            await self._recorder.record(Progress(job, 0, True, corrected=prepared.corrected))
            return
        messages, entries = prepared.messages, prepared.entries
        index, floods = job.parts_sent, 0
        while index < len(messages):
            await pacer.wait_chat(job.address.chat_id, job.chat_kind.is_shared)
            async with self._inflight[sender.platform]:  # held until the message is recorded
                await pacer.take_turn(job.address.chat_id, job.chat_kind.is_shared)
                self._on_wire.add(job.id)
                try:
                    outcome, prepared = await put(
                        sender, job.address.chat_id, prepared, messages[index]
                    )
                finally:
                    self._on_wire.discard(job.id)
                if isinstance(outcome, outcomes.Delivered):
                    self._tokens.accepted(sender.platform)
                    index += 1
                    made_of = prepared.composition
                    sent = Sent(outcome.message_id, index, len(messages), made_of)
                    done = index == sent.parts
                    corrected = prepared.corrected if done else None
                    progress = Progress(job, index, done, entries if done else (), sent, corrected)
                    if not await self._recorder.record(progress):
                        return  # taken over by another sender (the recorder said so)
                    if self._stopping:
                        return  # the rest of a long digest resumes from here after restart
                    continue
            match outcome:
                case outcomes.Unauthorized(reason):
                    self._tokens.refused(sender.platform, reason)
                    pacer.pause(TOKEN_PROBE_SECONDS)  # then this message asks again
                case outcomes.RetryAfter(seconds):
                    self.flood_waits += 1
                    floods += 1
                    pacer.pause(seconds)
                    if floods >= MAX_FLOOD_WAITS:
                        await self.outbox.retry_later(
                            job, self.worker, seconds, "flood control", count=False
                        )
                        return
                case outcomes.Moved(new_chat_id):
                    new = Address(job.address.platform, new_chat_id)
                    await self.store.move_chat(job.address, new)
                    log.info("a chat moved to a new id; delivering there")
                    job = replace(job, address=new)
                case outcomes.Retry(reason):
                    await self._retry(job, reason)
                    return
                case outcomes.Gone(reason):
                    await self.outbox.deactivate_chat(job, self.worker, reason)
                    log.info("deactivated a %s chat: %s", job.address.platform, reason)
                    return
                case outcomes.Failed(reason):
                    await self.outbox.close(job, self.worker, "failed", reason)
                    return
                case outcomes.Unreachable(reason):
                    await self.outbox.close(job, self.worker, "skipped", reason)
                    return

    async def _retry(self, job: Job, reason: str) -> None:
        if (tries := job.attempts + 1) >= self.settings.max_attempts:
            await self.outbox.close(job, self.worker, "failed", f"gave up: {reason}", attempt=True)
            log.warning("gave up on job %d after %d attempts: %s", job.id, tries, reason)
            return
        await self.outbox.retry_later(
            job, self.worker, self.settings.backoff(job.attempts), reason
        )
