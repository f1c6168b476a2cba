"""The database commands: `briefbot backup` (SQLite) and `briefbot copy-database` (SQLite to
PostgreSQL), and what each tells the operator to do next."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.cli_views import counted
from bot.config import Config
from bot.domain.secrets import scrub
from bot.store import StoreError, location
from bot.store.backup import back_up


def copy_database(config: Config, url: str) -> int:
    """`briefbot copy-database URL`: every row of the SQLite database into PostgreSQL, and
    what to set in the config next."""
    from bot.store.pg.copy import copy_to_postgres

    source = location.sqlite_file(config.database)
    if source is None or not location.is_postgres(url):
        print(
            "copy-database copies the SQLite file the config names to a postgresql:// URL.",
            file=sys.stderr,
        )
        return 1
    try:
        copied = asyncio.run(copy_to_postgres(source, url))
    except StoreError as error:
        print(scrub(str(error)), file=sys.stderr)
        return 1
    print(
        f"Copied {counted(copied.rows['chats'], 'chat')} and "
        f"{counted(copied.rows['outbox'], 'queue row')} to {location.shown(url)}. "
        f"Now set `database: {location.shown(url)}` in the config, and BRIEFBOT_PRAYER_KEY "
        '(the same on every instance). Presses of "I prayed" were hashed with the key '
        f"file beside {source.name}: with a new key, someone who pressed it today before the "
        "move may be counted once more today."
    )
    return 0


def backup(config: Config, target: Path) -> int:
    """`briefbot backup FILE`: the copy, what it holds, and how to restore it."""
    database = location.sqlite_file(config.database)
    if database is None:
        print(
            "The database is a PostgreSQL server: back it up with the server's own tools "
            "(pg_dump, or your provider's snapshots).",
            file=sys.stderr,
        )
        return 1
    try:
        made = back_up(database, target.absolute())
    except StoreError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(
        f"Backed up {counted(made.chats, 'chat')} and {counted(made.queue_rows, 'queue row')} "
        f"to {made.path} ({made.megabytes} MB, {made.seconds} s); its integrity check passed."
    )
    live = database
    print(
        f"To restore: stop the bot, delete {live.name}-wal and {live.name}-shm beside "
        f"{live} if they are there (they belong to the old file), then copy {made.path.name} "
        f"to {live}."
    )
    return 0
