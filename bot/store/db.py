"""The one SQLite connection a `Store` owns, its pragmas, and the only way to run statements.

Every store module (and later the delivery queue) works inside `Database.write()` or
`Database.read()`. Both take one asyncio lock: aiosqlite runs a connection's statements one at a
time on its own thread, but two coroutines could still interleave their statements inside one
transaction; the lock makes each block all-or-nothing. `write()` starts with `BEGIN IMMEDIATE`,
so when two processes share the file (two sender instances) the second waits for the write lock
(`busy_timeout`) instead of failing half-way; `read()` is a snapshot and never blocks writers
under WAL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.store.checkpoint import Checkpointer
from bot.store.errors import StoreError, unusable

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
PURGE_TRIES, PURGE_PAUSE = 40, 0.05  # up to 2 s for our own checkpointer to finish
# After a burst (a busy tick writes tens of MB of pages) the log file shrinks back to this.
WAL_SIZE_LIMIT = 32 * 2**20

Parameters = Sequence[Any] | Mapping[str, Any]


class Transactions(Protocol):
    """What the store's modules need of a database: SQLite's `Database` below, or
    PostgreSQL's `PgDatabase` (`bot.store.pg.database`). The modules are written against
    aiosqlite's connection; PostgreSQL's answers as one, so a block's connection is typed
    by the functions it is passed to."""

    @property
    def path(self) -> Path | str: ...

    def write(self) -> contextlib.AbstractAsyncContextManager[Any]: ...

    def read(self) -> contextlib.AbstractAsyncContextManager[Any]: ...

    async def ping(self, timeout: float = 2.0) -> None: ...

    async def purge_log(self) -> None: ...

    async def close(self, *, checkpoint: bool = True) -> None: ...


class Database:
    """An open database file; create with `Database.connect`, finish with `close`."""

    def __init__(self, path: Path, connection: aiosqlite.Connection) -> None:
        self.path = path
        self._connection: aiosqlite.Connection | None = connection
        self._lock = asyncio.Lock()
        self._checkpointer: Checkpointer | None = None

    @classmethod
    async def connect(cls, path: Path) -> Database:
        """Open without writing a byte, and prove the file is a SQLite database by reading it."""
        if path.is_dir():
            raise StoreError(f"cannot open database {path}: it is a folder, not a file")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Try plain sqlite3 first: a failed aiosqlite.connect leaves its worker thread
            # reporting to an event loop that may be gone by then.
            await asyncio.to_thread(_try_open, path)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except OSError as error:
            raise StoreError(f"cannot open database {path}: {error}") from error
        except sqlite3.Error as error:
            raise unusable(path, error) from error
        connection.row_factory = aiosqlite.Row
        db = cls(path, connection)
        try:
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA foreign_keys = ON")
            # Deleted rows are overwritten, not just unlinked: /forget must leave nothing.
            await connection.execute("PRAGMA secure_delete = ON")
            await user_version(connection)
        except sqlite3.Error as error:
            await db.close(checkpoint=False)
            raise unusable(path, error) from error
        return db

    async def ping(self, timeout: float = 2.0) -> None:
        """Raise StoreError when the database file cannot be opened and read now."""
        try:
            await asyncio.wait_for(asyncio.to_thread(_read_header, self.path, timeout), timeout)
        except (sqlite3.Error, OSError, TimeoutError) as error:
            raise StoreError(f"cannot read database {self.path}: {error or 'timed out'}") from None

    async def enable_wal(self) -> None:
        """The first write to the file: readers stop blocking the writer and vice versa, and
        commits stop paying for checkpoints (`bot.store.checkpoint` says why)."""
        connection = self._require_open()
        row = await fetch_one(connection, "PRAGMA journal_mode = WAL")
        mode = row[0] if row else None
        if mode != "wal":
            logger.warning("database %s runs in journal mode %s, not WAL", self.path, mode)
            return
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute("PRAGMA wal_autocheckpoint = 0")
        await connection.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
        self._checkpointer = Checkpointer(self.path)
        self._checkpointer.start()

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction: committed if the block ends normally, rolled back otherwise."""
        async with self._transaction("BEGIN IMMEDIATE") as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """A consistent snapshot for reads that take more than one statement."""
        async with self._transaction("BEGIN") as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def _transaction(self, begin: str) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            connection = self._require_open()
            try:
                await connection.execute(begin)
                yield connection
                await connection.execute("COMMIT")
                if self._checkpointer is not None:
                    self._checkpointer.written()
            except BaseException:
                # Also on cancellation, even one that hit while BEGIN still waited for another
                # process's lock: statements run in order on aiosqlite's thread, so this ROLLBACK
                # comes after whatever was already queued and the next transaction starts clean.
                with contextlib.suppress(sqlite3.Error):  # there may be no transaction to end
                    await connection.execute("ROLLBACK")
                raise

    async def close(self, *, checkpoint: bool = True) -> None:
        """Wait for a running transaction, fold the WAL into the file, close. Idempotent."""
        if self._connection is None:
            return
        if self._checkpointer is not None:
            await self._checkpointer.stop()
        async with self._lock:
            connection, self._connection = self._connection, None
            if connection is None:
                return
            try:
                if checkpoint:
                    # PASSIVE never waits for another process's readers; the last connection
                    # to close folds in whatever is left.
                    await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                await connection.close()

    async def purge_log(self) -> None:
        """Fold the write-ahead log into the file and empty it, so rows just deleted (and
        overwritten there, `secure_delete`) survive in no older page copy. Another process's
        open read can keep it from finishing: then the log goes at the next checkpoint.

        Our own checkpointer may be folding the log at that moment (SQLite then answers
        "busy" at once rather than wait), so a busy answer is tried again for a moment."""
        async with self._lock:
            connection = self._require_open()
            try:
                for _ in range(PURGE_TRIES):
                    row = await fetch_one(connection, "PRAGMA wal_checkpoint(TRUNCATE)")
                    if row is None or not row[0]:
                        return
                    await asyncio.sleep(PURGE_PAUSE)
                logger.warning("the database log stays until the next checkpoint: it is busy")
            except sqlite3.Error as error:
                logger.warning("could not empty the database log after a deletion: %s", error)

    def _require_open(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise StoreError(f"database {self.path} is closed")
        return self._connection


def _try_open(path: Path) -> None:
    sqlite3.connect(path).close()


def _read_header(path: Path, timeout: float) -> None:
    """Open the file afresh, read-only (a moved or deleted file is not created again), and
    read from it: what a restarted bot would meet, unlike the connection held open."""
    with contextlib.closing(
        sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    ) as connection:
        connection.execute("PRAGMA user_version").fetchone()


async def user_version(connection: aiosqlite.Connection) -> int:
    """The schema version in the file header; reading it changes nothing."""
    row = await fetch_one(connection, "PRAGMA user_version")
    return int(row[0]) if row else 0


async def fetch_one(
    connection: aiosqlite.Connection, sql: str, parameters: Parameters = ()
) -> sqlite3.Row | None:
    async with connection.execute(sql, parameters) as cursor:
        return await cursor.fetchone()


async def fetch_all(
    connection: aiosqlite.Connection, sql: str, parameters: Parameters = ()
) -> list[sqlite3.Row]:
    return list(await connection.execute_fetchall(sql, parameters))


async def changes(connection: aiosqlite.Connection, sql: str, parameters: Parameters = ()) -> int:
    """Run one write statement and say how many rows it touched."""
    async with connection.execute(sql, parameters) as cursor:
        return cursor.rowcount


def placeholders(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an `IN (...)` list of `values`."""
    return ",".join("?" * len(values))
