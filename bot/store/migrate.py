"""Numbered schema migrations, and opening a database file safely.

Migrations are the files `bot/store/migrations/NNN_name.sql` (package data), applied in order,
all pending ones in one `BEGIN IMMEDIATE` transaction: a failure leaves the file as it was, and
two processes opening the same old file migrate it once. A module that needs tables of its own
(the delivery queue) adds the next numbered file; nothing else to register.

The version lives in `PRAGMA user_version` rather than a `schema_migrations` table: it sits in
the file header, so it can be read before anything is written (a too-new or foreign file is
refused untouched), and setting it is part of the migration's transaction.

Note for migration authors: `PRAGMA foreign_keys` cannot change inside a transaction; a table
rebuild should use `PRAGMA defer_foreign_keys = ON` instead.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import aiosqlite

from bot.store.db import Database, fetch_one, user_version
from bot.store.errors import (
    SchemaTooNewError,
    StoreError,
    about_the_file,
    damaged,
    unusable,
)

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"(\d{3})_[a-z0-9_]+\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        return split_statements(self.sql)


def load_migrations(folder: Traversable | None = None) -> tuple[Migration, ...]:
    """Read the migration files, refusing gaps and repeats (two authors took one number)."""
    folder = folder or resources.files("bot.store").joinpath("migrations")
    found: list[Migration] = []
    for item in folder.iterdir():
        if not item.name.endswith(".sql"):
            continue
        match = _FILE_NAME.fullmatch(item.name)
        if match is None:
            raise StoreError(f"migration file {item.name} is not named like 001_initial.sql")
        found.append(Migration(int(match[1]), item.name, item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: (m.version, m.name))
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        names = ", ".join(m.name for m in found)
        raise StoreError(f"migrations must be numbered 001, 002, ... once each; found {names}")
    return tuple(found)


def split_statements(script: str) -> list[str]:
    """One statement at a time, because `executescript` would COMMIT the migration half-way.

    SQLite's own `complete_statement` decides where a statement ends, so semicolons inside
    strings, comments and trigger bodies stay where they belong.
    """
    statements: list[str] = []
    pending = ""
    for piece in re.split(r"(?<=;)", script):
        pending += piece
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return [s for s in statements if s.strip(";")]


async def open_database(path: Path, migrations: Sequence[Migration] | None = None) -> Database:
    """Connect, refuse files this code must not touch, switch to WAL, migrate."""
    migrations = load_migrations() if migrations is None else tuple(migrations)
    latest = migrations[-1].version if migrations else 0
    db = await Database.connect(path)
    try:
        async with db.read() as connection:
            await _check_compatible(connection, path, latest)
            await _check_intact(connection, path)
        await db.enable_wal()
        async with db.write() as connection:
            current = await _check_compatible(connection, path, latest)
            for migration in migrations[current:]:
                logger.info("applying migration %s to %s", migration.name, path)
                for statement in migration.statements():
                    await connection.execute(statement)
                await connection.execute(f"PRAGMA user_version = {migration.version}")
    except sqlite3.Error as error:
        await db.close(checkpoint=False)
        if about_the_file(error):
            raise unusable(path, error) from error
        raise  # a mistake in a migration: its author needs SQLite's own error
    except BaseException:
        await db.close(checkpoint=False)
        raise
    return db


async def _check_intact(connection: aiosqlite.Connection, path: Path) -> None:
    """Refuse a damaged file at start, in plain words, rather than fail on the first row that
    lands on a bad page hours later. `quick_check` reads every page once (about 50 ms for a
    database of 100,000 chats, 11 MB) but skips the slow index-content comparison."""
    rows = await connection.execute_fetchall("PRAGMA quick_check(5)")
    found = [str(row[0]) for row in rows]
    if found != ["ok"]:
        raise damaged(path, f"(SQLite's check found: {'; '.join(found)})")


async def _check_compatible(connection: aiosqlite.Connection, path: Path, latest: int) -> int:
    """The file's schema version, if this code may use the file at all."""
    version = await user_version(connection)
    if version > latest:
        raise SchemaTooNewError(path, version, latest)
    if version == 0:
        row = await fetch_one(connection, "SELECT count(*) FROM sqlite_master")
        if row and row[0]:
            raise StoreError(
                f"{path} is a SQLite database but not a briefbot one (it has tables and no "
                "briefbot schema version); point briefbot at its own database file"
            )
    return version
