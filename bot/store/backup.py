"""A consistent copy of the database while the bot runs: SQLite's online backup API.

Copying the file by hand while the bot writes can catch a page half-written, or miss what is
still in the `-wal` file beside it. The backup API reads one snapshot (under WAL a reader
never holds up the writer) and writes it page by page into a new file, which is checked with
`PRAGMA integrity_check` and only then given its name: a backup that exists is whole.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.store.db import BUSY_TIMEOUT_MS
from bot.store.errors import StoreError, about_the_file, unusable


@dataclass(frozen=True)
class Backup:
    path: Path
    chats: int
    queue_rows: int
    megabytes: float
    seconds: float


def back_up(source: Path, target: Path) -> Backup:
    """Copy the database at `source` into the new file `target` (never over an old one)."""
    if not source.is_file():
        raise StoreError(f"there is no database at {source}: nothing to back up")
    if target.exists():
        raise StoreError(f"{target} exists already; a backup never overwrites a file")
    partial = target.with_name(target.name + ".partial")
    began = time.perf_counter()
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
            [verdict] = copy.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise StoreError(f"the copy of {source} failed its check ({verdict}); try again")
            [chats] = copy.execute("SELECT count(*) FROM chats").fetchone()
            [rows] = copy.execute("SELECT count(*) FROM outbox").fetchone()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        if about_the_file(error):
            raise unusable(source, error) from error
        raise StoreError(f"{source} is not a briefbot database ({error})") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    size = target.stat().st_size / 2**20
    return Backup(target, chats, rows, round(size, 2), round(time.perf_counter() - began, 2))
