"""Turning due chats into queue rows: the scheduler's side of the delivery queue.

Each tick inserts one 'digest' row per due chat and local day (the UNIQUE key makes a second
tick or a second process a no-op) and moves every due chat's next instant on, in one
transaction per batch.

The work is done in SQL, set by set, not row by row from Python. The plan for a chat depends
only on its delivery time, zone and due instant (its *slot*), and the chats due in one minute
share a few hundred slots among tens of thousands of chats: Python plans each slot once into a
temporary table, then two statements insert the queue rows and move the due times on. At a
million subscribers that is what keeps a busy minute's tick within its budget (bench/scale.py).
`Outbox.enqueue_due` runs these one batch per transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import aiosqlite

from bot.domain.queue import DueSlot, Plan
from bot.store.db import changes, fetch_all, fetch_one
from bot.store.records import day_text, from_unix, to_unix

_PLAN_TABLE = """CREATE TEMP TABLE IF NOT EXISTS due_plan (
    delivery_time TEXT NOT NULL, timezone TEXT NOT NULL, due INTEGER NOT NULL,
    day TEXT NOT NULL, send INTEGER NOT NULL, next_due INTEGER NOT NULL,
    PRIMARY KEY (delivery_time, timezone, due)
) WITHOUT ROWID"""


# A due chat's slot plan: one lookup by the plan's primary key per chat (`chats` names the
# chat's row). Not a join: a join leaves the planner free to drive from the plan instead and
# probe the due index once per slot, and since all of a minute's due chats share one due
# instant, every probe reads all of them. PostgreSQL chose that (about 200 slots x 16,450
# chats: 2 s of a busy minute at a million subscribers, bench/scale.py); SQLite already ran
# the join as written here, the due range outside, the plan's key inside.
def _planned(column: str, chats: str = "c") -> str:
    return f"""(SELECT p.{column} FROM temp.due_plan p
        WHERE p.delivery_time = {chats}.delivery_time AND p.timezone = {chats}.timezone
        AND p.due = {chats}.next_due_utc)"""


# The due chats of one platform up to a due instant, each with its slot's plan. A chat whose
# last digest day is not before the planned day already has it: no second row.
_DUE_WITH_PLAN = f"""FROM (SELECT c.id, c.platform, c.last_day,
        {_planned("day")} AS day, {_planned("send")} AS send
    FROM chats c WHERE c.subscribed = 1 AND c.platform = :platform AND c.next_due_utc <= :upto) d
    WHERE (d.last_day IS NULL OR d.last_day < d.day)"""

_INSERT_SENDS = f"""INSERT OR IGNORE INTO outbox
    (chat_pk, platform, job, key, not_before, created_at)
    SELECT d.id, d.platform, 'digest', d.day, :now, :now {_DUE_WITH_PLAN} AND d.send = 1"""

_INSERT_SKIPS = f"""INSERT OR IGNORE INTO outbox
    (chat_pk, platform, job, key, not_before, created_at, state, reason, finished_at)
    SELECT d.id, d.platform, 'digest', d.day, :now, :now, 'skipped',
           'missed the catch-up window', :now {_DUE_WITH_PLAN} AND d.send = 0"""

# SET expressions all see the row as it was, so `next_due_utc` in the lookups is the old one.
_MOVE_ON = f"""UPDATE chats SET
    last_day = max(coalesce(last_day, ''), {_planned("day", "chats")}),
    next_due_utc = {_planned("next_due", "chats")},
    updated_at = :now
    WHERE subscribed = 1 AND platform = :platform AND next_due_utc <= :upto"""


# On PostgreSQL one statement does all three, reading the due chats once: a data-modifying
# WITH, which SQLite lacks; every part sees the chats as they were, as the three statements
# above do in their order. Its joins are spelled for PostgreSQL's planner: the due chats are
# read first (the due index's range) and then hashed against the slot plans, not looked up
# plan by plan (every plan's due instant is the same one, so each lookup would read them
# all); the update finds each chat where the due read found it (its `ctid`, the row's place
# in the table: no probe of the primary key, about 75 ms of 16,450 chats) and never by the
# due range, since offered that the planner may scan the plans once per chat (17 s for 10,000
# chats due in one slot). A row another instance updated meanwhile has moved: PostgreSQL
# follows it to its newest version, and what the update checks besides (the same chat, still
# subscribed, slot unchanged) is checked again on that version, so a chat changed meanwhile
# keeps that change and, if its slot moved, is not queued: only chats it moved on are
# queued. The move locks them, so a /forget from another instance either waits for this tick
# (and then deletes what it queued) or came first (and its chat is skipped), as the foreign
# key PostgreSQL's queue lacks would ensure (migration 011). At a million subscribers this
# statement, the key's absence and the `ctid` took a busy minute's tick from about 600 ms to
# about 380 (bench/scale.py); what is left is mostly writing: each due chat's row is
# rewritten (its due time is indexed), with a full-page image of its page after a checkpoint.
_DUE_RANGE = "subscribed = 1 AND platform = :platform AND next_due_utc <= :upto"
_QUEUE_AND_MOVE_ON = f"""WITH due AS MATERIALIZED (
        SELECT ctid AS tid, id, platform, last_day, delivery_time, timezone, next_due_utc
        FROM chats WHERE {_DUE_RANGE}
    ), planned AS MATERIALIZED (
        SELECT d.tid, d.id, d.platform, d.last_day, d.delivery_time, d.timezone,
               d.next_due_utc, p.day, p.send, p.next_due
        FROM due d JOIN temp.due_plan p ON p.delivery_time = d.delivery_time
            AND p.timezone = d.timezone AND p.due = d.next_due_utc
    ), moved AS (
        UPDATE chats SET last_day = GREATEST(coalesce(chats.last_day, ''), planned.day),
                         next_due_utc = planned.next_due, updated_at = :now
        FROM planned WHERE chats.ctid = planned.tid AND chats.id = planned.id
            AND chats.subscribed = 1 AND chats.next_due_utc = planned.next_due_utc
            AND chats.delivery_time = planned.delivery_time AND chats.timezone = planned.timezone
        RETURNING planned.id, planned.platform, planned.last_day, planned.day, planned.send
    ), queued AS (
        INSERT INTO outbox
            (chat_pk, platform, job, key, not_before, created_at, state, reason, finished_at)
        SELECT id, platform, 'digest', day, :now, :now,
               CASE WHEN send = 1 THEN 'pending' ELSE 'skipped' END,
               CASE WHEN send = 1 THEN NULL ELSE 'missed the catch-up window' END,
               CASE WHEN send = 1 THEN NULL ELSE :now END
        FROM moved WHERE last_day IS NULL OR last_day < day
        ON CONFLICT DO NOTHING
        RETURNING state
    )
    SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'skipped')
    FROM queued"""


async def batch_end(
    connection: aiosqlite.Connection, platform: str, now: int, batch: int
) -> tuple[int, bool]:
    """The due instant that closes this batch, and whether chats due by now may remain."""
    row = await fetch_one(
        connection,
        """SELECT next_due_utc FROM chats WHERE subscribed = 1 AND platform = ?
           AND next_due_utc <= ? ORDER BY next_due_utc LIMIT 1 OFFSET ?""",
        (platform, now, batch - 1),
    )
    return (now, False) if row is None else (row[0], row[0] < now)


async def enqueue_until(
    connection: aiosqlite.Connection,
    platform: str,
    upto: int,
    now: int,
    plan: Callable[[DueSlot], Plan],
) -> tuple[int, int]:
    """Plan each slot due by `upto` once, then queue and move on its chats in SQL."""
    slots = await fetch_all(
        connection,
        """SELECT DISTINCT delivery_time, timezone, next_due_utc FROM chats
           WHERE subscribed = 1 AND platform = ? AND next_due_utc <= ?""",
        (platform, upto),
    )
    if not slots:
        return 0, 0
    plans = [(*slot, *_decide(slot, plan)) for slot in slots]
    await connection.execute(_PLAN_TABLE)
    await connection.execute("DELETE FROM temp.due_plan")
    await connection.executemany("INSERT INTO temp.due_plan VALUES (?, ?, ?, ?, ?, ?)", plans)
    values = {"platform": platform, "upto": upto, "now": now}
    if getattr(connection, "concurrent", False):  # PostgreSQL
        row = await fetch_one(connection, _QUEUE_AND_MOVE_ON, values)
        assert row is not None  # an aggregate always has its row
        return int(row[0]), int(row[1])
    sent = await changes(connection, _INSERT_SENDS, values)
    any_missed = not all(send for *_, send, _next in plans)
    missed = await changes(connection, _INSERT_SKIPS, values) if any_missed else 0
    await connection.execute(_MOVE_ON, values)
    return sent, missed


def _decide(slot, plan: Callable[[DueSlot], Plan]) -> tuple[str, int, int]:
    """The plan for a slot's row, as (day text, send as 0 or 1, next due in unix seconds)."""
    delivery_time, zone, due = slot
    decided = plan(DueSlot(time.fromisoformat(delivery_time), zone, from_unix(due)))
    return day_text(decided.day), int(decided.send), to_unix(decided.next_due_utc)
