"""The record of sent messages: which platform message carried which entries, by revision.

Written in the same transaction that marks the messages accepted (`claims.record`), so a
message is recorded exactly when the queue knows it was sent, and by batch, as the queue is:
at the 1,000 messages a second of a paid broadcast a statement per message would cost a
quarter of the rate. A job sent again after a crash overwrites its part's message id: the
copy that was not recorded cannot be found anyway. Each revision of an entry is stored once;
the store remembers which it has written so that the same few are not sent to SQLite again
with every message. Rows go after `delivery.sent_records_days` (`prune_batch`) and with their
chat (`/forget` deletes the chat row; the foreign keys take its records along).
"""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain.queue import Progress
from bot.store.db import changes


async def record_sent(
    connection: aiosqlite.Connection,
    items: Sequence[Progress],
    kept: set[int],
    now: int,
    written: set[str],
) -> set[str]:
    """Record each accepted message of `items` whose job is still this sender's (`kept`:
    its queue row, and so its chat, still exists in this transaction) and whose platform
    gave it an id. `written` holds the revisions already stored; the
    ones stored now are returned, for the caller to add once the transaction commits."""
    recorded = [
        item
        for item in items
        if item.sent is not None and item.sent.message_id and item.job.id in kept
    ]
    if not recorded:
        return set()
    messages: list[tuple] = []
    entries: list[tuple] = []
    revisions: dict[str, tuple[str, str, str, int]] = {}
    for item in recorded:
        job, sent = item.job, item.sent
        assert sent is not None
        made_of = sent.composition
        natural = (job.chat_pk, job.job, job.key, sent.part)
        messages.append(
            (*natural, sent.parts, sent.message_id, made_of.language, made_of.style, now)
        )
        entries += [
            (*natural, entry_id, rev, position)
            for position, (entry_id, rev) in enumerate(made_of.entries)
        ]
        revisions.update((rev, (rev, e, body, now)) for rev, e, body in made_of.snapshots)
    await connection.executemany(
        """INSERT INTO sent_messages
               (chat_pk, job, key, part, parts, message_id, language, style, sent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (chat_pk, job, key, part) DO UPDATE
               SET parts = excluded.parts, message_id = excluded.message_id,
                   language = excluded.language, style = excluded.style,
                   sent_at = excluded.sent_at, notes = '{}'""",
        messages,
    )
    await connection.executemany(
        """INSERT INTO sent_entries (chat_pk, job, key, part, entry_id, revision, position)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (chat_pk, job, key, part, entry_id) DO UPDATE
               SET revision = excluded.revision, position = excluded.position""",
        entries,
    )
    new = [row for rev, row in revisions.items() if rev not in written]
    if new:
        await connection.executemany(
            """INSERT OR IGNORE INTO entry_revisions (revision, entry_id, body, first_sent)
               VALUES (?, ?, ?, ?)""",
            new,
        )
    return {rev for rev, *_ in new}


async def prune_batch(connection: aiosqlite.Connection, before: int, batch: int) -> int:
    """Delete up to `batch` records of messages sent before `before` (unix seconds), and the
    revisions no record refers to any more."""
    gone = await changes(
        connection,
        """DELETE FROM sent_messages WHERE id IN (
               SELECT id FROM sent_messages WHERE sent_at < ? LIMIT ?)""",
        (before, batch),
    )
    if gone:
        await connection.execute(
            """DELETE FROM entry_revisions WHERE first_sent < ? AND NOT EXISTS (
                   SELECT 1 FROM sent_entries s
                   WHERE s.entry_id = entry_revisions.entry_id
                     AND s.revision = entry_revisions.revision)""",
            (before,),
        )
    return gone


async def copies_of(connection: aiosqlite.Connection, entries: dict[str, str]) -> dict[str, int]:
    """Per entry id, the recorded messages that carry it in another revision than given."""
    counts = {}
    for entry_id, current in entries.items():
        cursor = await connection.execute(
            "SELECT count(*) FROM sent_entries WHERE entry_id = ? AND revision != ?",
            (entry_id, current),
        )
        [(count,)] = await cursor.fetchall()
        await cursor.close()
        if count:
            counts[entry_id] = count
    return counts
