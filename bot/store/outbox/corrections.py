"""Corrections and withdrawals in the database: finding the copies of an entry, queueing one
edit per message, reading what an edit re-renders, and recording what it changed.

A correction is a row of `corrections`; each message it edits is a queue row of job
'correction' keyed '<correction id>:<sent message id>' (migration 008), so queueing is
idempotent and the engine's leases and crash safety apply. A newer correction of the same
entry supersedes the older one: its rows not yet taken are skipped, and the newer one covers
every copy, so the latest revision wins.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

import aiosqlite

from bot.domain.corrections import CorrectionProgress, SentRevision
from bot.domain.queue import (
    CORRECT,
    CORRECTION,
    FIRST,
    LAST,
    WITHDRAW,
    Correction,
    Edit,
    Job,
    Progress,
    SentMessage,
)
from bot.store.db import changes, fetch_all, fetch_one, placeholders

DID_NOT_FIT = "the correction did not fit the message: the withdrawal notice replaced the entry"


async def sent_revisions(
    connection: aiosqlite.Connection, entry_id: str, since: int
) -> list[SentRevision]:
    """The recorded copies of `entry_id` sent since `since`, by revision and language, in
    chats the bot can still reach (a chat that blocked it cannot be edited either)."""
    rows = await fetch_all(
        connection,
        """SELECT e.revision, r.body, m.language, count(*) AS copies
           FROM sent_entries e
           JOIN sent_messages m USING (chat_pk, job, key, part)
           JOIN entry_revisions r ON r.revision = e.revision
           JOIN chats c ON c.id = m.chat_pk
           WHERE e.entry_id = ? AND m.sent_at >= ? AND c.deactivated_reason IS NULL
           GROUP BY e.revision, r.body, m.language""",
        (entry_id, since),
    )
    return [SentRevision(r["revision"], r["body"], r["language"], r["copies"]) for r in rows]


async def sent_entry_ids(connection: aiosqlite.Connection) -> list[str]:
    rows = await fetch_all(connection, "SELECT DISTINCT entry_id FROM entry_revisions")
    return [row["entry_id"] for row in rows]


async def create(
    connection: aiosqlite.Connection,
    correction: Correction,
    body: str,
    targets: Iterable[tuple[str, str]],
    since: int,
    now: int,
) -> tuple[int, int]:
    """Queue `correction` (its id is chosen here) for every message sent since `since` that
    carries the entry in one of the (revision, language) `targets`; `body` is the corrected
    entry's snapshot. Returns the correction's id and how many messages it will edit."""
    superseded = [
        row["id"]
        for row in await fetch_all(
            connection,
            "SELECT id FROM corrections WHERE entry_id = ? AND state = 'running'",
            (correction.entry_id,),
        )
    ]
    for old in superseded:
        await connection.execute(
            """UPDATE outbox SET state = 'skipped', reason = 'superseded by a later correction',
                   finished_at = ?
               WHERE job = 'correction' AND key >= ? AND key < ? AND state = 'pending'""",
            (now, *_key_range(old)),
        )
    if superseded:
        await connection.execute(
            f"""UPDATE corrections SET state = 'superseded'
                WHERE id IN ({placeholders(superseded)})""",
            superseded,
        )
    created = await fetch_one(
        connection,
        """INSERT INTO corrections (entry_id, action, revision, remove, noted_on, messages,
                                    created_at)
           VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id""",
        (
            correction.entry_id,
            correction.action,
            correction.revision,
            int(correction.remove),
            correction.noted_on.isoformat(),
            now,
        ),
    )
    assert created is not None
    correction_id = int(created[0])
    if correction.action == CORRECT:
        await connection.execute(
            """INSERT OR IGNORE INTO entry_revisions (revision, entry_id, body, first_sent)
               VALUES (?, ?, ?, ?)""",
            (correction.revision, correction.entry_id, body, now),
        )
    priority = FIRST if correction.action == WITHDRAW else LAST
    queued = 0
    for revision, language in sorted(set(targets)):
        queued += await changes(
            connection,
            """INSERT INTO outbox (chat_pk, platform, job, key, not_before, created_at, priority)
               SELECT m.chat_pk, c.platform, ?, ? || ':' || m.id, ?, ?, ?
               FROM sent_entries e
               JOIN sent_messages m USING (chat_pk, job, key, part)
               JOIN chats c ON c.id = m.chat_pk
               WHERE e.entry_id = ? AND e.revision = ? AND m.language = ? AND m.sent_at >= ?
                 AND c.deactivated_reason IS NULL
               ON CONFLICT (chat_pk, job, key) DO NOTHING""",
            (
                CORRECTION,
                str(correction_id),
                now,
                now,
                priority,
                correction.entry_id,
                revision,
                language,
                since,
            ),
        )
    await connection.execute(
        "UPDATE corrections SET messages = ? WHERE id = ?", (queued, correction_id)
    )
    return correction_id, queued


async def read_edits(connection: aiosqlite.Connection, jobs: Sequence[Job]) -> dict[int, Edit]:
    """For each correction job, its decision, its message as recorded and the bodies."""
    edits = {}
    for job in jobs:
        if job.job != CORRECTION:
            continue
        correction_id, message_pk = (int(part) for part in job.key.split(":"))
        correction = await _correction(connection, correction_id)
        message = await _message(connection, message_pk)
        if correction is None or message is None:
            continue  # the message's record was pruned or forgotten: nothing to edit
        revisions = sorted({rev for _, rev in message.entries} | {correction.revision})
        bodies = {
            row["revision"]: row["body"]
            for row in await fetch_all(
                connection,
                f"""SELECT revision, body FROM entry_revisions
                    WHERE revision IN ({placeholders(revisions)})""",
                revisions,
            )
        }
        edits[job.id] = Edit(correction, message, bodies)
    return edits


async def record_corrected(
    connection: aiosqlite.Connection, items: Sequence[Progress], kept: set[int]
) -> None:
    """What each applied correction changed: the entry's revision in its message's record
    (none once withdrawn) and the message's notes; a deleted message's record goes."""
    for item in items:
        done = item.corrected
        if done is None or item.job.id not in kept:
            continue
        if not done.fitted:
            await connection.execute(
                "UPDATE outbox SET reason = ? WHERE id = ?", (DID_NOT_FIT, item.job.id)
            )
        if done.deleted:
            await connection.execute("DELETE FROM sent_messages WHERE id = ?", (done.message_pk,))
            continue
        await connection.execute(
            """UPDATE sent_entries SET revision = ?
               WHERE entry_id = ? AND (chat_pk, job, key, part) =
                     (SELECT chat_pk, job, key, part FROM sent_messages WHERE id = ?)""",
            (done.revision, done.entry_id, done.message_pk),
        )
        await connection.execute(
            "UPDATE sent_messages SET notes = ? WHERE id = ?",
            (json.dumps(done.notes, sort_keys=True), done.message_pk),
        )


async def running(connection: aiosqlite.Connection) -> list[CorrectionProgress]:
    """Corrections with queue rows still pending or being sent, newest first."""
    rows = await fetch_all(
        connection, "SELECT * FROM corrections WHERE state = 'running' ORDER BY id DESC"
    )
    found = []
    for row in rows:
        progress = await progress_of(connection, row["id"])
        if progress is not None and progress.under_way:
            found.append(progress)
    return found


async def progress_of(
    connection: aiosqlite.Connection, correction_id: int
) -> CorrectionProgress | None:
    row = await fetch_one(connection, "SELECT * FROM corrections WHERE id = ?", (correction_id,))
    if row is None:
        return None
    states = await fetch_all(
        connection,
        """SELECT state, count(*) AS n FROM outbox
           WHERE job = 'correction' AND key >= ? AND key < ? GROUP BY state""",
        _key_range(correction_id),
    )
    did_not_fit = await fetch_one(
        connection,
        """SELECT count(*) AS n FROM outbox
           WHERE job = 'correction' AND key >= ? AND key < ? AND reason = ?""",
        (*_key_range(correction_id), DID_NOT_FIT),
    )
    return CorrectionProgress(
        _correction_from(row),
        row["messages"],
        {r["state"]: r["n"] for r in states},
        datetime.fromtimestamp(row["created_at"], UTC),
        did_not_fit["n"] if did_not_fit else 0,
    )


async def _correction(connection: aiosqlite.Connection, correction_id: int) -> Correction | None:
    row = await fetch_one(connection, "SELECT * FROM corrections WHERE id = ?", (correction_id,))
    return None if row is None else _correction_from(row)


def _correction_from(row: aiosqlite.Row) -> Correction:
    return Correction(
        row["id"],
        row["entry_id"],
        row["action"],
        row["revision"],
        bool(row["remove"]),
        date.fromisoformat(row["noted_on"]),
    )


async def _message(connection: aiosqlite.Connection, message_pk: int) -> SentMessage | None:
    row = await fetch_one(connection, "SELECT * FROM sent_messages WHERE id = ?", (message_pk,))
    if row is None:
        return None
    entries = await fetch_all(
        connection,
        """SELECT entry_id, revision FROM sent_entries
           WHERE chat_pk = ? AND job = ? AND key = ? AND part = ?
           ORDER BY position, entry_id""",
        (row["chat_pk"], row["job"], row["key"], row["part"]),
    )
    notes = {entry: (action, day) for entry, (action, day) in json.loads(row["notes"]).items()}
    return SentMessage(
        pk=row["id"],
        message_id=row["message_id"],
        job=row["job"],
        key=row["key"],
        part=row["part"],
        parts=row["parts"],
        language=row["language"],
        style=row["style"],
        sent_at=datetime.fromtimestamp(row["sent_at"], UTC),
        entries=tuple((e["entry_id"], e["revision"]) for e in entries),
        notes=notes,
    )


def _key_range(correction_id: int) -> tuple[str, str]:
    """The keys of a correction's rows, '<id>:<message>', as one range: ';' follows ':'."""
    return f"{correction_id}:", f"{correction_id};"


async def forget_unreachable(connection: aiosqlite.Connection, job: Job) -> None:
    """A correction's message that cannot be edited any more (the reader deleted it, or it
    is too old) is forgotten: no later correction tries it again."""
    _, message_pk = job.key.split(":")
    await connection.execute("DELETE FROM sent_messages WHERE id = ?", (int(message_pk),))
