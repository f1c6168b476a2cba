"""The delivery queue: claiming rows and recording outcomes (the senders' side).

Enqueueing due chats lives in `enqueue.py`, broadcast drafts in `broadcasts.py`, the
operators' figures in `outbox_figures.py`, forgetting old rows in `outbox_retention.py` and
the value objects in `outbox_records.py`; `Outbox` brings them together.

Claims are leases. A sender marks the rows it takes with its name and the time, renews them
while it works, and writes every outcome only where it still holds the claim. Rows whose lease
ran out (their sender was killed) go back to 'pending' for anyone — so a crash loses nothing,
and a message can only be sent twice if it was on the wire at the moment of the crash.

A sender at full speed works in batches, so that the database costs a few statements per
batch instead of several transactions per message: `claim` hands out jobs with their chat's
record, `inputs` reads everything composing them needs in one snapshot, and `record` writes the
outcome of many accepted messages in one transaction (the sender's group commit).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from bot.domain.address import Address
from bot.domain.queue import (
    BROADCAST,
    DIGEST,
    DueSlot,
    EnqueueResult,
    Inputs,
    Job,
    Plan,
    Progress,
)
from bot.store.db import changes, fetch_all, placeholders
from bot.store.outbox.broadcasts import BroadcastQueue
from bot.store.outbox.enqueue import DueEnqueuer
from bot.store.outbox.figures import QueueFigures
from bot.store.outbox.retention import QueueRetention
from bot.store.received import mark_received, received_before
from bot.store.records import chat_from_row, day_text

__all__ = [
    "BROADCAST",
    "DIGEST",
    "DueSlot",
    "EnqueueResult",
    "Inputs",
    "Job",
    "Outbox",
    "Plan",
    "Progress",
]


class Outbox(DueEnqueuer, BroadcastQueue, QueueFigures, QueueRetention):
    """The whole queue: claiming and recording here; enqueueing, broadcasts, figures and
    retention in its bases."""

    async def claim(self, platform: str, worker: str, limit: int) -> list[Job]:
        """Take up to `limit` of the oldest ready rows of `platform` for `worker`."""
        now = self._now()
        async with self._db.write() as connection:
            rows = await fetch_all(
                connection,
                """UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?
                   WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND platform = ?
                                AND not_before <= ? ORDER BY id LIMIT ?)
                   RETURNING id""",
                (worker, now, platform, now, limit),
            )
            if not rows:
                return []
            ids = [r["id"] for r in rows]
            rows = await fetch_all(
                connection,
                f"""SELECT o.id AS job_id, o.job, o.key, o.parts_sent, o.attempts, c.*,
                           (SELECT json_group_array(topic) FROM follows
                            WHERE chat_pk = c.id) AS topics
                    FROM outbox o JOIN chats c ON c.id = o.chat_pk
                    WHERE o.id IN ({placeholders(ids)}) ORDER BY o.id""",
                ids,
            )
        jobs = []
        for r in rows:
            chat = chat_from_row(r)
            jobs.append(
                Job(
                    id=r["job_id"],
                    chat_pk=chat.pk,
                    address=chat.address,
                    chat_kind=chat.kind,
                    job=r["job"],
                    key=r["key"],
                    parts_sent=r["parts_sent"],
                    attempts=r["attempts"],
                    chat=chat,
                )
            )
        return jobs

    async def inputs(self, jobs: Sequence[Job]) -> Inputs:
        """Digest histories of subscribed chats, prayer counts and broadcast texts for `jobs`."""
        digests = [j for j in jobs if j.job == DIGEST and j.chat is not None and j.chat.subscribed]
        days = sorted({day_text(j.day) for j in digests if j.day is not None})
        broadcasts = sorted({int(j.key) for j in jobs if j.job == BROADCAST})
        inputs = Inputs()
        async with self._db.read() as connection:
            for job in digests:
                assert job.chat is not None and job.day is not None
                inputs.received[job.id] = await received_before(connection, job.chat.pk, job.day)
            if days:
                for row in await fetch_all(
                    connection,
                    f"""SELECT prayer_id, day, chats FROM prayer_tallies
                        WHERE day IN ({placeholders(days)})""",
                    days,
                ):
                    inputs.prayed[row["prayer_id"], date.fromisoformat(row["day"])] = row["chats"]
            if broadcasts:
                for row in await fetch_all(
                    connection,
                    f"SELECT id, text FROM broadcasts WHERE id IN ({placeholders(broadcasts)})",
                    broadcasts,
                ):
                    inputs.broadcasts[row["id"]] = row["text"]
        return inputs

    async def renew(self, worker: str) -> None:
        """Keep this worker's claims alive."""
        async with self._db.write() as connection:
            await connection.execute(
                "UPDATE outbox SET claimed_at = ? WHERE state = 'sending' AND claimed_by = ?",
                (self._now(), worker),
            )

    async def release_expired(self, timeout: timedelta) -> int:
        """Give rows of dead senders back to the queue."""
        cutoff = self._now() - int(timeout.total_seconds())
        async with self._db.write() as connection:
            return await changes(
                connection,
                """UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL
                   WHERE state = 'sending' AND claimed_at < ?""",
                (cutoff,),
            )

    async def release(self, worker: str, job_ids: Iterable[int] | None = None) -> int:
        """Hand this worker's unfinished rows back (clean shutdown)."""
        sql = """UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL
                 WHERE state = 'sending' AND claimed_by = ?"""
        params: list = [worker]
        if job_ids is not None:
            ids = list(job_ids)
            sql += f" AND id IN ({placeholders(ids)})"
            params += ids
        async with self._db.write() as connection:
            return await changes(connection, sql, params)

    async def progress(self, job: Job, worker: str, parts_sent: int, done: bool) -> bool:
        """Record accepted messages; False if the claim was lost (another sender took over)."""
        [kept] = await self.record(worker, [Progress(job, parts_sent, done)])
        return kept

    async def record(self, worker: str, items: Sequence[Progress]) -> list[bool]:
        """Record accepted messages of many jobs in one transaction; for each item, False if
        the claim was lost (another sender took over), and then nothing is remembered."""
        now = self._now()
        groups: dict[tuple[int, bool], list[int]] = {}
        for item in items:
            groups.setdefault((item.parts_sent, item.done), []).append(item.job.id)
        async with self._db.write() as connection:
            kept: set[int] = set()
            for (parts_sent, done), ids in groups.items():
                rows = await fetch_all(
                    connection,
                    f"""UPDATE outbox SET parts_sent = ?,
                            state = CASE WHEN ? THEN 'sent' ELSE state END,
                            finished_at = CASE WHEN ? THEN ? ELSE finished_at END,
                            claimed_at = ?
                        WHERE id IN ({placeholders(ids)}) AND state = 'sending' AND claimed_by = ?
                        RETURNING id""",
                    (parts_sent, done, done, now, now, *ids, worker),
                )
                kept.update(row["id"] for row in rows)
            remember = [i for i in items if i.done and i.entries and i.job.id in kept]
            pks = await self._chat_pks(connection, [i.job.address for i in remember])
            for item in remember:
                pk = pks.get(item.job.address)
                if pk is not None and item.job.day is not None:
                    await mark_received(connection, pk, item.entries, item.job.day)
        return [item.job.id in kept for item in items]

    @staticmethod
    async def _chat_pks(connection, addresses: Sequence[Address]) -> dict[Address, int]:
        """The chats now at these addresses (a job's chat may have moved while it was sent)."""
        pks: dict[Address, int] = {}
        for platform in {a.platform for a in addresses}:
            ids = [a.chat_id for a in addresses if a.platform == platform]
            for row in await fetch_all(
                connection,
                f"""SELECT id, chat_id FROM chats
                    WHERE platform = ? AND chat_id IN ({placeholders(ids)})""",
                (platform, *ids),
            ):
                pks[Address(platform, row["chat_id"])] = row["id"]
        return pks

    async def retry_later(
        self, job: Job, worker: str, delay: float, reason: str, count: bool = True
    ) -> bool:
        """Put the row back for later; `count` says whether this was a failed attempt."""
        async with self._db.write() as connection:
            return bool(
                await changes(
                    connection,
                    """UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL,
                           not_before = ?, attempts = attempts + ?, reason = ?
                       WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                    (self._now() + max(0, round(delay)), int(count), reason, job.id, worker),
                )
            )

    async def close(
        self, job: Job, worker: str, state: str, reason: str, attempt: bool = False
    ) -> bool:
        """End a job that will not be sent: 'failed' (it went wrong) or 'skipped' (not wanted).

        `attempt` counts the try that ended it (a last failed send), so `attempts` is honest.
        """
        now = self._now()
        async with self._db.write() as connection:
            return bool(
                await changes(
                    connection,
                    """UPDATE outbox SET state = ?, reason = ?, finished_at = ?, claimed_by = NULL,
                           attempts = attempts + ?
                       WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
                    (state, reason, now, int(attempt), job.id, worker),
                )
            )

    async def deactivate_chat(self, job: Job, worker: str, reason: str) -> None:
        """The chat is gone: fail this job and everything else queued for it; unsubscribe."""
        now = self._now()
        async with self._db.write() as connection:
            await connection.execute(
                """UPDATE outbox SET state = 'failed', reason = ?, finished_at = ?,
                       claimed_by = NULL
                   WHERE chat_pk = ? AND (state = 'pending' OR (id = ? AND claimed_by = ?))""",
                (reason, now, job.chat_pk, job.id, worker),
            )
            await connection.execute(
                """UPDATE chats SET subscribed = 0, next_due_utc = NULL,
                       deactivated_reason = ?, updated_at = ? WHERE id = ?""",
                (reason, now, job.chat_pk),
            )
