"""Moving a SQLite database to PostgreSQL: every row of every table, ids kept, in one go.

The bot must be stopped: a copy taken while it sends would miss what it records meanwhile,
so the SQLite file's sender lock must be free. The target must be briefbot's and empty (the
schema is created if the database has none); the copy is one transaction there, so a copy
that fails leaves the target as empty as it was. Rows go through asyncpg's COPY, which is
what makes a million chats a matter of seconds; identities then continue after the ids
copied.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.store.db import fetch_all
from bot.store.errors import StoreError
from bot.store.migrate import open_database
from bot.store.pg.database import open_pg
from bot.store.sender_lock import SenderLock

# Parents before children, so the foreign keys hold at every row.
TABLES = (
    "chats",
    "follows",
    "received",
    "prayers",
    "prayer_tallies",
    "broadcasts",
    "outbox",
    "corrections",
    "sent_messages",
    "sent_entries",
    "entry_revisions",
)
WITH_IDENTITY = ("chats", "broadcasts", "outbox", "corrections", "sent_messages")


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]


async def copy_to_postgres(source: Path, url: str) -> Copied:
    """Copy the SQLite database at `source` into the PostgreSQL database at `url`."""
    if not source.exists():
        raise StoreError(f"no database at {source} to copy")
    lock = SenderLock(source)
    if not lock.try_acquire():
        raise StoreError(f"a briefbot process is running on {source}: stop it before copying")
    try:
        return await _copy(source, url)
    finally:
        lock.release()


async def _copy(source: Path, url: str) -> Copied:
    sqlite = await open_database(source)
    target = await open_pg(url)
    try:
        counts: dict[str, int] = {}
        async with sqlite.read() as reading, target.write() as writing:
            raw = writing.raw
            for table in TABLES:
                if await raw.fetchval(f"SELECT count(*) FROM {table}"):
                    raise StoreError(
                        f"database {target.path} already holds briefbot's data "
                        f"(table {table}): copy into an empty database"
                    )
            for table in TABLES:
                rows = await fetch_all(reading, f"SELECT * FROM {table}")
                counts[table] = len(rows)
                if rows:
                    columns = list(rows[0].keys())
                    await raw.copy_records_to_table(
                        table, records=[tuple(row) for row in rows], columns=columns
                    )
            for table in WITH_IDENTITY:
                await raw.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                )
        return Copied(counts)
    finally:
        await target.close()
        await sqlite.close(checkpoint=False)
