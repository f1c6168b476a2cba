"""Claiming rows and recording outcomes: the senders' side of the queue, as plain functions.

Claims are leases. A sender marks the rows it takes with its name and the time, renews them
while it works, and writes every outcome only where it still holds the claim. Rows whose lease
ran out (their sender was killed) go back to 'pending' for anyone — so a crash loses nothing,
and a message can only be sent twice if it was on the wire at the moment of the crash.

A sender at full speed works in batches, so that the database costs a few statements per
batch instead of several transactions per message: `claim` hands out jobs with their chat's
record, `read_inputs` reads everything composing them needs in one snapshot, and `record`
writes the outcome of many accepted messages in one transaction (the sender's group commit).

Each function takes a connection already inside `Database.write()` or `read()` (the `Outbox`
facade opens them) and `now` in unix seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import aiosqlite

from bot.domain.address import Address
from bot.domain.queue import BROADCAST, CORRECTION, DIGEST, Inputs, Job, Progress
from bot.store import chats
from bot.store.db import changes, fetch_all, placeholders
from bot.store.outbox.corrections import forget_unreachable, read_edits, record_corrected
from bot.store.outbox.sent import record_sent
from bot.store.received import mark_received_each, received_before_each
from bot.store.records import chat_from_row, day_text


async def claim(
    connection: aiosqlite.Connection, platform: str, worker: str, limit: int, now: int
) -> list[Job]:
    """Take up to `limit` of the oldest ready rows of `platform` for `worker`. On SQLite the
    write transaction has the file to itself; on PostgreSQL other instances claim at the same
    time, so the rows are locked as they are chosen and rows another claim holds are passed
    over (`FOR UPDATE SKIP LOCKED`): no row is handed to two senders."""
    skip_locked = " FOR UPDATE SKIP LOCKED" if getattr(connection, "concurrent", False) else ""
    rows = await fetch_all(
        connection,
        f"""UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?
            WHERE id IN (SELECT id FROM outbox WHERE state = 'pending' AND platform = ?
                         AND not_before <= ? ORDER BY priority, id LIMIT ?{skip_locked})
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
    orphans = set(ids) - {job.id for job in jobs}
    if orphans:  # queued for a chat deleted meanwhile (PostgreSQL's queue has no foreign key)
        await connection.execute(
            f"DELETE FROM outbox WHERE id IN ({placeholders(list(orphans))})", list(orphans)
        )
    return jobs


async def read_inputs(connection: aiosqlite.Connection, jobs: Sequence[Job]) -> Inputs:
    """Digest histories of subscribed chats, prayer counts, broadcast texts and what
    corrections edit, for `jobs`."""
    digests = [j for j in jobs if j.job == DIGEST and j.chat is not None and j.chat.subscribed]
    inputs = Inputs(edits=await read_edits(connection, jobs))
    edited = [edit.message.day for edit in inputs.edits.values()]
    days = sorted({day_text(d) for d in (*(j.day for j in digests), *edited) if d is not None})
    broadcasts = sorted({int(j.key) for j in jobs if j.job == BROADCAST})
    wanted = {
        job.id: (job.chat.pk, job.day)
        for job in digests
        if job.chat is not None and job.day is not None
    }
    seen = await received_before_each(connection, wanted.values())
    for job_id, chat_day in wanted.items():
        inputs.received[job_id] = seen[chat_day]
    if days:
        for row in await fetch_all(
            connection,
            f"""SELECT prayer_id, day, people FROM prayer_tallies
                WHERE day IN ({placeholders(days)})""",
            days,
        ):
            inputs.prayed[row["prayer_id"], date.fromisoformat(row["day"])] = row["people"]
    if broadcasts:
        for row in await fetch_all(
            connection,
            f"SELECT id, text FROM broadcasts WHERE id IN ({placeholders(broadcasts)})",
            broadcasts,
        ):
            inputs.broadcasts[row["id"]] = row["text"]
    return inputs


async def renew(connection: aiosqlite.Connection, worker: str, now: int) -> None:
    """Keep this worker's claims alive."""
    await connection.execute(
        "UPDATE outbox SET claimed_at = ? WHERE state = 'sending' AND claimed_by = ?",
        (now, worker),
    )


async def claimers(connection: aiosqlite.Connection) -> set[str]:
    """The workers holding rows now."""
    rows = await fetch_all(
        connection,
        """SELECT DISTINCT claimed_by FROM outbox
           WHERE state = 'sending' AND claimed_by IS NOT NULL""",
    )
    return {row[0] for row in rows}


async def release_claimed_before(connection: aiosqlite.Connection, cutoff: int, keep: str) -> int:
    """Give rows whose lease was last renewed before `cutoff` back to the queue, but `keep`'s:
    a worker never takes its own rows from under its own senders."""
    return await changes(
        connection,
        """UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL
           WHERE state = 'sending' AND claimed_at < ? AND claimed_by != ?""",
        (cutoff, keep),
    )


async def release_workers(connection: aiosqlite.Connection, workers: set[str]) -> int:
    """Hand these workers' unfinished rows back (a clean shutdown, or proved dead)."""
    if not workers:
        return 0
    names = sorted(workers)
    return await changes(
        connection,
        f"""UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL
           WHERE state = 'sending' AND claimed_by IN ({placeholders(names)})""",
        names,
    )


async def record(
    connection: aiosqlite.Connection,
    worker: str,
    items: Sequence[Progress],
    now: int,
    revisions: set[str],
) -> tuple[list[bool], set[str]]:
    """Record accepted messages of many jobs; for each item, False if the claim was lost
    (another sender took over), and then nothing is remembered. Also returns the entry
    revisions stored now (`sent.record_sent`; `revisions` are those stored before)."""
    groups: dict[tuple[int, bool], list[int]] = {}
    for item in items:
        groups.setdefault((item.parts_sent, item.done), []).append(item.job.id)
    kept: set[int] = set()
    for (parts_sent, done), ids in groups.items():
        rows = await fetch_all(
            connection,
            f"""UPDATE outbox SET parts_sent = ?,
                    state = CASE WHEN ? = 1 THEN 'sent' ELSE state END,
                    finished_at = CASE WHEN ? = 1 THEN ? ELSE finished_at END,
                    claimed_at = ?
                WHERE id IN ({placeholders(ids)}) AND state = 'sending' AND claimed_by = ?
                RETURNING id""",
            (parts_sent, done, done, now, now, *ids, worker),
        )
        kept.update(row["id"] for row in rows)
    stored = await record_sent(connection, items, kept, now, revisions)
    await record_corrected(connection, items, kept)
    remember = [i for i in items if i.done and i.entries and i.job.id in kept]
    pks = await _chat_pks(connection, [i.job.address for i in remember])
    await mark_received_each(
        connection,
        [
            (pks[item.job.address], item.entries, item.job.day)
            for item in remember
            if item.job.address in pks and item.job.day is not None
        ],
    )
    return [item.job.id in kept for item in items], stored


async def _chat_pks(
    connection: aiosqlite.Connection, addresses: Sequence[Address]
) -> dict[Address, int]:
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
    connection: aiosqlite.Connection,
    job: Job,
    worker: str,
    not_before: int,
    reason: str,
    count: bool,
) -> bool:
    """Put the row back until `not_before`; `count` says whether this was a failed attempt."""
    return bool(
        await changes(
            connection,
            """UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL,
                   not_before = ?, attempts = attempts + ?, reason = ?
               WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
            (not_before, int(count), reason, job.id, worker),
        )
    )


async def close(
    connection: aiosqlite.Connection,
    job: Job,
    worker: str,
    state: str,
    reason: str,
    attempt: bool,
    now: int,
) -> bool:
    """End a job that will not be sent: 'failed' (it went wrong) or 'skipped' (not wanted).

    `attempt` counts the try that ended it (a last failed send), so `attempts` is honest.
    """
    closed = await changes(
        connection,
        """UPDATE outbox SET state = ?, reason = ?, finished_at = ?, claimed_by = NULL,
               attempts = attempts + ?
           WHERE id = ? AND state = 'sending' AND claimed_by = ?""",
        (state, reason, now, int(attempt), job.id, worker),
    )
    if closed and job.job == CORRECTION and state == "skipped":
        await forget_unreachable(connection, job)
    return bool(closed)


async def deactivate_chat(
    connection: aiosqlite.Connection, job: Job, worker: str, reason: str, now: int
) -> None:
    """The chat is gone: fail this job and everything else queued for it; unsubscribe."""
    await connection.execute(
        """UPDATE outbox SET state = 'failed', reason = ?, finished_at = ?,
               claimed_by = NULL
           WHERE chat_pk = ? AND (state = 'pending' OR (id = ? AND claimed_by = ?))""",
        (reason, now, job.chat_pk, job.id, worker),
    )
    await chats.deactivate(connection, job.chat_pk, reason, now)
