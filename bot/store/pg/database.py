"""A PostgreSQL database behind the same `read()` / `write()` the store's modules use on SQLite.

One asyncpg connection per process, used under one asyncio lock as the SQLite `Database`
uses its connection: each block is one transaction, all or nothing. The connection is wrapped
so that it answers as aiosqlite's does (`execute`, `execute_fetchall`, `executemany`, a
cursor's `rowcount` and `fetchone`), and every statement is said in PostgreSQL's dialect on
the way (`bot.store.pg.sql`): the modules stay one set for both backends.

The password never comes from the URL in the config: `BRIEFBOT_DATABASE_PASSWORD` (or libpq's
own `PGPASSWORD`) supplies it, and errors name the server without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

import asyncpg

from bot.store.errors import StoreError
from bot.store.location import shown
from bot.store.pg.batch import insert_many
from bot.store.pg.schema import SCHEMA_VERSION, bring_up_to_date
from bot.store.pg.sql import translate

PASSWORD_ENV = "BRIEFBOT_DATABASE_PASSWORD"
CONNECT_TIMEOUT = 10.0
LOCK_SPACE = 0x6272  # "br": the first key of every briefbot advisory lock
# No JIT compilation: it pays off on long analytical queries, and the store's are short. A
# busy tick's two big statements crossed `jit_above_cost` and spent 20 ms each compiling
# (bench/scale.py at a million subscribers).
SESSION_SETTINGS = {"jit": "off"}

Parameters = Sequence[Any] | Mapping[str, Any]
# What a connection the server has dropped raises when next used (an ended session that
# the loop has not yet noticed leaves the protocol in a state it calls internal).
DROPPED = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    OSError,
)

log = logging.getLogger(__name__)


class Cursor:
    """What a statement gave back, read as an aiosqlite cursor is."""

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = None  # PostgreSQL has none: the store says RETURNING id

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return list(self._rows)

    async def close(self) -> None:
        return None


class _Statement:
    """`connection.execute(...)`: awaited, or used as `async with ... as cursor`."""

    def __init__(self, run: Any) -> None:
        self._run = run

    def __await__(self) -> Any:
        return self._run().__await__()

    async def __aenter__(self) -> Cursor:
        return await self._run()

    async def __aexit__(self, *_: object) -> None:
        return None


class Connection:
    """An asyncpg connection answering as an aiosqlite one, in SQLite's dialect."""

    concurrent = True  # other processes write at the same time (claims lock their rows)

    def __init__(self, raw: asyncpg.Connection) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Parameters = ()) -> _Statement:
        return _Statement(lambda: self._run(sql, parameters))

    async def execute_fetchall(
        self, sql: str, parameters: Parameters = ()
    ) -> list[asyncpg.Record]:
        return await (await self._run(sql, parameters)).fetchall()

    async def executemany(self, sql: str, rows: Sequence[Parameters]) -> None:
        if not rows:
            return
        text, _ = translate(sql, rows[0])
        await insert_many(self.raw, text, [translate(sql, row)[1] for row in rows])

    async def _run(self, sql: str, parameters: Parameters) -> Cursor:
        text, values = translate(sql, parameters)
        head = text.lstrip()[:6].upper()
        if head.startswith(("SELECT", "WITH", "VALUES")) or " RETURNING " in f" {text.upper()} ":
            rows = await self.raw.fetch(text, *values)
            return Cursor(rows, len(rows))
        status = await self.raw.execute(text, *values)
        count = status.rsplit(" ", 1)[-1]
        return Cursor([], int(count) if count.isdigit() else -1)


class PgDatabase:
    """An open PostgreSQL database; create with `PgDatabase.connect`, finish with `close`."""

    def __init__(self, url: str, connection: asyncpg.Connection) -> None:
        self.url = url
        self.path = shown(url)  # what messages name it by
        self._raw: asyncpg.Connection | None = connection
        self._connection = Connection(connection)
        self._lock = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str) -> PgDatabase:
        return cls(url, await _connect(url))

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[Connection]:
        async with self._transaction() as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Connection]:
        async with self._transaction() as connection:
            yield connection

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        async with self._lock:
            transaction = (await self._live()).transaction()
            try:
                await transaction.start()
            except DROPPED:  # dropped since its last use, unnoticed: nothing was done yet
                transaction = (await self._reconnect()).transaction()
                await transaction.start()
            try:
                yield self._connection
            except BaseException:
                with contextlib.suppress(asyncpg.PostgresError, OSError):
                    await transaction.rollback()
                raise
            await transaction.commit()

    async def ping(self, timeout: float = 2.0) -> None:
        try:
            async with self._lock:
                await (await self._live()).fetchval("SELECT 1", timeout=timeout)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            raise StoreError(f"cannot read database {self.path}: {_said(error)}") from None

    async def purge_log(self) -> None:
        """Nothing to do here: dead rows and archived WAL follow the server's own vacuum and
        retention (the README says so)."""

    async def close(self, *, checkpoint: bool = True) -> None:
        async with self._lock:
            raw, self._raw = self._raw, None
            if raw is not None:
                await raw.close()

    async def _live(self) -> asyncpg.Connection:
        """The connection, opened again if the server dropped it (a restart, a failover, a
        terminated session): a lost session costs the statement it was running, not the
        process. Called under the lock."""
        if self._raw is None:
            raise StoreError(f"database {self.path} is closed")
        if self._raw.is_closed():
            return await self._reconnect()
        return self._raw

    async def _reconnect(self) -> asyncpg.Connection:
        log.warning("the connection to database %s dropped; connecting again", self.path)
        if self._raw is not None:
            self._raw.terminate()
        self._raw = await _connect(self.url)
        self._connection = Connection(self._raw)
        return self._raw


async def open_pg(url: str) -> PgDatabase:
    """Connect and bring the schema to the current version: create it in an empty database;
    refuse a newer one, or tables that are not ours."""
    db = await PgDatabase.connect(url)
    try:
        version = await _schema_version(db)
    except BaseException:
        await db.close()
        raise
    if version != SCHEMA_VERSION:
        await db.close()
        raise StoreError(
            f"database {db.path} has schema version {version}; this briefbot knows "
            f"{SCHEMA_VERSION}: run the briefbot release that wrote it"
        )
    return db


async def _schema_version(db: PgDatabase) -> int:
    """The schema's version, after creating or upgrading it where it is older than ours."""
    async with db.write() as connection:
        # Two instances starting on an empty database: one creates the schema, the other
        # waits here and then finds it.
        await connection.raw.execute("SELECT pg_advisory_xact_lock($1, 0)", LOCK_SPACE)
        return await bring_up_to_date(connection.raw, db.path)


async def _connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(
            url,
            password=os.environ.get(PASSWORD_ENV) or None,
            timeout=CONNECT_TIMEOUT,
            server_settings=SESSION_SETTINGS,
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise StoreError(f"cannot open database {shown(url)}: {_said(error)}") from None


def _said(error: BaseException) -> str:
    return str(error) or type(error).__name__


class PgWorkerLocks:
    """Which senders are alive, on PostgreSQL: each holds a session-level advisory lock named
    after it on the store's connection, which the server drops the moment that connection
    does (the process died, or its network did). Anyone who can take a worker's lock has
    proved it dead."""

    def __init__(self, db: PgDatabase) -> None:
        self._db = db
        self._held: set[str] = set()

    async def hold(self, worker: str) -> bool:
        async with self._db.write() as connection:
            await connection.raw.fetchval(
                "SELECT pg_advisory_lock($1, hashtext($2))", LOCK_SPACE, worker
            )
        self._held.add(worker)
        return True

    async def drop(self, worker: str) -> None:
        if worker not in self._held:
            return
        self._held.discard(worker)
        async with self._db.write() as connection:
            await connection.raw.fetchval(
                "SELECT pg_advisory_unlock($1, hashtext($2))", LOCK_SPACE, worker
            )

    async def dead(self, connection: Any, workers: set[str]) -> set[str]:
        found = set()
        for worker in workers - self._held:
            if await connection.raw.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext($2))", LOCK_SPACE, worker
            ):
                await connection.raw.fetchval(
                    "SELECT pg_advisory_unlock($1, hashtext($2))", LOCK_SPACE, worker
                )
                found.add(worker)
        return found

    async def sweep(self) -> None:
        """Nothing to delete: a dead session's locks are gone with it."""
