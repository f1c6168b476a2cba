"""Benchmark: one tick over a million subscribers spread over every time zone, on SQLite and on
PostgreSQL side by side.

Builds a database the way the bot's own store makes it (`Store.open`: the migrations on SQLite,
the schema on PostgreSQL), then fills `chats` with N subscribed chats: every zone of
`zoneinfo.available_timezones()` in turn, each with one of the twenty quarter hours from 05:00
to 09:45 local time, and each chat's next due instant computed with `bot.domain.schedule`
(which caches per zone and day, so a million rows cost a few thousand zone computations).
Then it times, on that database:

* the **busy minute**: the UTC minute with the most subscribers due (every chat is due at or
  after it, as if every earlier minute had been ticked already), ticked by the real
  `DeliveryEngine.tick` (the indexed due query, planning, queue rows, moving due times on);
* the due query alone for that minute, every due row (and the database's plan for it);
* an idle tick: the same minute again, now that nobody is due (a tick that finds nobody due
  must cost next to nothing, whatever the number of subscribers);
* a **backlog** tick: an hour later with nothing ticked in between (a restart after an
  hour's outage), for enqueue throughput on a bigger batch;
* the database's size and the process's peak memory (building included).

The database is built once and the ticks run on `--repeat` fresh copies of it (3 by default):
the figures are each tick's median, since other jobs share this machine. SQLite copies the
file; PostgreSQL copies the database (`CREATE DATABASE copyN TEMPLATE built`).

On PostgreSQL the server is the one the store's tests run on (`tests/pg_server.py`, started
once here): `fsync` on, `synchronous_commit` on, every commit waits for its WAL on disk (the
JSON line shows both, and the run refuses a server with either off). The same rows go into
`chats` by COPY, then `VACUUM ANALYZE` gives the planner its statistics and the visibility
map a long-running server's autovacuum would have made; a CHECKPOINT after the build and after
each copy keeps writing them back out of the timed ticks, as SQLite's checkpoint after its
build does.

Each backend runs in a process of its own, so each peak memory is that backend's alone (the
PostgreSQL server's own memory is not in it).

Run from the project root:  .venv/bin/python -m bench.scale
Quick check:                .venv/bin/python -m bench.scale --subscribers 50000
One backend:                .venv/bin/python -m bench.scale --backend sqlite
It prints a table (one column per backend) and, last, one line of JSON with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo, available_timezones

import asyncpg

from bench._common import emit, load_average, peak_rss_mb, run_child
from bench._postgres import PgServer, admin_url, durability, server
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ports import JobComposer, Limits, PlatformSender
from bot.delivery.settings import EngineSettings
from bot.domain.clock import FakeClock
from bot.domain.schedule import next_due
from bot.store import Store
from bot.store.location import Target
from bot.store.outbox import Outbox
from bot.store.pg.sql import translate

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # the day the schedule is built from
TIMES = [clock_time(hour, minute) for hour in range(5, 10) for minute in (0, 15, 30, 45)]
CHUNK = 100_000  # rows per insert transaction: memory stays flat, commits stay few
BACKENDS = ("sqlite", "postgresql")
TIMEOUT = 3600.0  # seconds one backend may take, build included

# The tick's due query, every due row (the limit says how many: "no limit" differs by backend).
DUE_QUERY = """SELECT id, platform, chat_id, delivery_time, timezone, next_due_utc, last_day
               FROM chats WHERE subscribed = 1 AND platform = ?
               AND next_due_utc <= ? ORDER BY next_due_utc LIMIT ?"""


def zones() -> list[str]:
    """Every IANA zone this machine's tzdata can load (not the 'posix/' and 'right/' copies)."""
    names = []
    for name in sorted(available_timezones()):
        if name.startswith(("posix/", "right/")) or name in ("localtime", "Factory"):
            continue
        try:
            ZoneInfo(name)
        except (ValueError, OSError):
            continue
        names.append(name)
    return names


def settings_of(n: int, names: list[str]) -> tuple[str, clock_time]:
    """Subscriber n's zone and delivery time: zones round-robin, times spread evenly."""
    return names[n % len(names)], TIMES[(n // len(names)) % len(TIMES)]


def busiest_minute(count: int, names: list[str]) -> tuple[datetime, int]:
    """The UTC minute after START with the most subscribers due, and how many that is."""
    pairs = len(names) * len(TIMES)  # subscriber n has the settings of subscriber n % pairs
    each, rest = divmod(count, pairs)
    due: Counter[datetime] = Counter()
    for n in range(min(count, pairs)):
        zone, at = settings_of(n, names)
        due[next_due(at, zone, START)] += each + (1 if n < rest else 0)
    return due.most_common(1)[0]


def chat_rows(count: int, names: list[str], after: datetime) -> Iterator[tuple]:
    """Rows for `chats`, each due at its first delivery after `after`:
    (id, chat_id, delivery_time, timezone, next_due_utc, created_at, updated_at)."""
    stamp = int(START.timestamp())
    for n in range(count):
        zone, at = settings_of(n, names)
        due = int(next_due(at, zone, after).timestamp())
        yield (n + 1, str(10_000_000 + n), at.strftime("%H:%M"), zone, due, stamp, stamp)


def chunks(rows: Iterator[tuple], size: int = CHUNK) -> Iterator[list[tuple]]:
    """`rows` in lists of `size`: one transaction each, and never all of them in memory."""
    while chunk := [row for _, row in zip(range(size), rows, strict=False)]:
        yield chunk


@dataclass(frozen=True)
class Workload:
    """The subscribers and the minute everything is measured at; the same for every backend."""

    count: int
    names: list[str]
    busy: datetime
    busy_count: int

    @classmethod
    def of(cls, count: int) -> Workload:
        names = zones()
        busy, busy_count = busiest_minute(count, names)
        return cls(count, names, busy, busy_count)

    def rows(self) -> Iterator[tuple]:
        """Every chat due at or after the busy minute, as if earlier minutes had been ticked."""
        return chat_rows(self.count, self.names, self.busy - timedelta(seconds=1))


@dataclass(frozen=True)
class DueQuery:
    seconds: float
    rows: int
    plan: str


class Backend(Protocol):
    """What differs between SQLite and PostgreSQL here: making, filling, copying and sizing
    a database, and asking for the due query's plan. The ticks are the store's, on either."""

    @property
    def built(self) -> Target: ...

    async def create(self) -> None: ...
    async def fill(self, rows: Iterator[tuple]) -> None: ...
    async def due_query(self, now: datetime) -> DueQuery: ...
    async def copy(self, n: int) -> Target: ...
    async def drop(self, target: Target) -> None: ...
    async def size(self, target: Target) -> int: ...
    async def facts(self) -> dict[str, Any]: ...


async def migrate(target: Target) -> None:
    """The store's own schema: its migrations on SQLite, `schema.sql` on PostgreSQL."""
    await (await Store.open(target, FakeClock(START))).close()


class SqliteBackend:
    """A file in a temporary folder, filled with plain sqlite3 and copied as a file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: Path = folder / "built.sqlite3"

    async def create(self) -> None:
        await migrate(self.built)

    async def fill(self, rows: Iterator[tuple]) -> None:
        """Insert the chats in big transactions, then checkpoint the log into the file."""
        connection = sqlite3.connect(self.built, isolation_level=None)
        try:
            for chunk in chunks(rows):
                connection.execute("BEGIN")
                connection.executemany(
                    """INSERT INTO chats (id, platform, chat_id, kind, subscribed, delivery_time,
                                          timezone, next_due_utc, created_at, updated_at)
                       VALUES (?, 'telegram', ?, 'private', 1, ?, ?, ?, ?, ?)""",
                    chunk,
                )
                connection.execute("COMMIT")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    async def due_query(self, now: datetime) -> DueQuery:
        """The tick's due query alone, and SQLite's plan for it."""
        params = ("telegram", int(now.timestamp()), -1)  # -1: no limit, every row due
        connection = sqlite3.connect(self.built)
        try:
            plan = " / ".join(
                row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + DUE_QUERY, params)
            )
            started = time.perf_counter()
            rows = connection.execute(DUE_QUERY, params).fetchall()
            return DueQuery(time.perf_counter() - started, len(rows), plan)
        finally:
            connection.close()

    async def copy(self, n: int) -> Path:
        path = self.folder / f"run{n}.sqlite3"
        shutil.copyfile(self.built, path)
        return path

    async def drop(self, target: Target) -> None:
        for file in self._files(Path(target)):
            file.unlink()

    async def size(self, target: Target) -> int:
        return sum(file.stat().st_size for file in self._files(Path(target)))

    async def facts(self) -> dict[str, Any]:
        """The journal and sync settings the store's connection runs with (`bot.store.db`):
        WAL with synchronous=NORMAL syncs at checkpoints, not at every commit."""
        store = await Store.open(self.built, FakeClock(START))
        try:
            async with store.db.read() as connection:
                [[mode]] = await connection.execute_fetchall("PRAGMA journal_mode")
                [[sync]] = await connection.execute_fetchall("PRAGMA synchronous")
        finally:
            await store.close()
        return {"journal_mode": mode, "synchronous": {0: "off", 1: "normal", 2: "full"}[sync]}

    @staticmethod
    def _files(path: Path) -> list[Path]:
        """The database file and its log files beside it."""
        return list(path.parent.glob(path.name + "*"))


# The chats' columns as `chat_rows` gives them, with the constants SQLite's INSERT writes.
PG_COLUMNS = (
    "id",
    "platform",
    "chat_id",
    "kind",
    "subscribed",
    "delivery_time",
    "timezone",
    "next_due_utc",
    "created_at",
    "updated_at",
)


def pg_record(row: tuple) -> tuple:
    """A `chat_rows` row as a whole `chats` record for COPY (SQLite's INSERT adds the same)."""
    pk, chat_id, *rest = row
    return (pk, "telegram", chat_id, "private", 1, *rest)


class PgBackend:
    """A database on the benchmark's server, filled by COPY and copied as a template."""

    def __init__(self, pg: PgServer) -> None:
        self.pg = pg
        self.built: str = pg.url("built")
        self.analyze_seconds = 0.0

    async def create(self) -> None:
        await self._admin("CREATE DATABASE built")
        await migrate(self.built)

    async def fill(self, rows: Iterator[tuple]) -> None:
        """COPY the chats in chunks (one transaction each), then continue the identity after
        them as `briefbot copy-database` does; then statistics and a checkpoint (untimed)."""
        connection = await asyncpg.connect(self.built)
        try:
            for chunk in chunks(rows):
                await connection.copy_records_to_table(
                    "chats", records=[pg_record(row) for row in chunk], columns=PG_COLUMNS
                )
            await connection.execute(
                "SELECT setval(pg_get_serial_sequence('chats', 'id'), max(id)) FROM chats"
            )
            await connection.execute("CHECKPOINT")
            started = time.perf_counter()
            await connection.execute("VACUUM (ANALYZE) chats")
            self.analyze_seconds = time.perf_counter() - started
            await connection.execute("CHECKPOINT")
        finally:
            await connection.close()

    async def due_query(self, now: datetime) -> DueQuery:
        """The tick's due query alone (said as the store says it here), and PostgreSQL's plan."""
        sql, values = translate(DUE_QUERY, ("telegram", int(now.timestamp()), None))
        connection = await asyncpg.connect(self.built)
        try:
            lines = await connection.fetch("EXPLAIN " + sql, *values)
            plan = " / ".join(line[0].strip() for line in lines)
            started = time.perf_counter()
            rows = await connection.fetch(sql, *values)  # LIMIT NULL: no limit, every row due
            return DueQuery(time.perf_counter() - started, len(rows), plan)
        finally:
            await connection.close()

    async def copy(self, n: int) -> str:
        await self._admin(f"CREATE DATABASE copy{n} TEMPLATE built")
        await self._admin("CHECKPOINT")
        return self.pg.url(f"copy{n}")

    async def drop(self, target: Target) -> None:
        await self._admin(f"DROP DATABASE {self._name(target)} WITH (FORCE)")

    async def size(self, target: Target) -> int:
        connection = await asyncpg.connect(admin_url(self.pg))
        try:
            return int(
                await connection.fetchval("SELECT pg_database_size($1)", self._name(target))
            )
        finally:
            await connection.close()

    async def facts(self) -> dict[str, Any]:
        settings = await durability(self.built)
        return {**settings, "analyze_seconds": round(self.analyze_seconds, 2)}

    async def _admin(self, sql: str) -> None:
        """A statement outside any transaction (CREATE DATABASE may not run in one)."""
        connection = await asyncpg.connect(admin_url(self.pg))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    @staticmethod
    def _name(target: Target) -> str:
        return str(target).rsplit("/", 1)[-1]


class NoSender:
    """The tick only needs to know which platforms exist; nothing is sent here."""

    platform = "telegram"
    limits = Limits()


async def tick_at(target: Target, now: datetime) -> tuple[float, int]:
    """One real `DeliveryEngine.tick` at `now` on a store of its own; (seconds, enqueued)."""
    clock = FakeClock(now)
    store = await Store.open(target, clock)
    try:
        outbox = Outbox(store.db, clock)
        no_composer = cast(JobComposer, None)  # a tick composes nothing
        senders = [cast(PlatformSender, NoSender())]
        engine = DeliveryEngine(store, outbox, no_composer, senders, clock, EngineSettings())
        started = time.perf_counter()
        result = await engine.tick()
        return time.perf_counter() - started, result.enqueued
    finally:
        await store.close()


async def ticks(target: Target, busy: datetime) -> tuple[float, int, float, int, float, int]:
    """The busy, idle and backlog ticks on `target`, in that order (each changes it)."""
    busy_seconds, enqueued = await tick_at(target, busy)
    idle_seconds, idle = await tick_at(target, busy)
    backlog_seconds, backlog = await tick_at(target, busy + timedelta(hours=1))
    return busy_seconds, enqueued, idle_seconds, idle, backlog_seconds, backlog


async def measure(backend: Backend, work: Workload, repeat: int) -> dict[str, Any]:
    """Build once; tick `repeat` fresh copies of the built database; report each tick's median."""
    await backend.create()
    started = time.perf_counter()
    await backend.fill(work.rows())
    build_seconds = time.perf_counter() - started
    size = await backend.size(backend.built)
    query = await backend.due_query(work.busy)
    runs, size_after = [], 0
    for n in range(repeat):
        target = await backend.copy(n)
        runs.append(await ticks(target, work.busy))
        size_after = await backend.size(target)
        await backend.drop(target)
    busy_s, enqueued, idle_s, idle, backlog_s, backlog = (
        statistics.median(column) for column in zip(*runs, strict=True)
    )
    return {
        "build_seconds": round(build_seconds, 2),
        "build_rows_per_second": round(work.count / build_seconds),
        "busy_tick_ms": round(busy_s * 1000, 1),
        "busy_tick_ms_all": [round(run[0] * 1000, 1) for run in runs],
        "busy_enqueued": enqueued,
        "busy_enqueue_rows_per_second": round(enqueued / busy_s) if enqueued else None,
        "due_query_ms": round(query.seconds * 1000, 2),
        "due_query_rows": query.rows,
        "due_query_plan": query.plan,
        "idle_tick_ms": round(idle_s * 1000, 2),
        "idle_tick_enqueued": idle,
        "backlog_tick_seconds": round(backlog_s, 3),
        "backlog_enqueued": backlog,
        "backlog_rows_per_second": round(backlog / backlog_s) if backlog else None,
        "database_mb": round(size / 2**20, 1),
        "database_mb_after_ticks": round(size_after / 2**20, 1),
        "peak_rss_mb": peak_rss_mb(),
        **await backend.facts(),
    }


@contextlib.asynccontextmanager
async def opened(name: str, pg: PgServer | None) -> AsyncIterator[Backend]:
    """The backend called `name`: SQLite in a temporary folder, PostgreSQL on `pg`."""
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="briefbot-scale-") as folder:
            yield SqliteBackend(Path(folder))
        return
    assert pg is not None, "PostgreSQL needs the server the parent started"
    backend = PgBackend(pg)
    try:
        yield backend
    finally:
        with contextlib.suppress(asyncpg.PostgresError, OSError):
            await backend.drop(backend.built)


async def measure_backend(name: str, count: int, repeat: int, pg: PgServer | None) -> dict:
    async with opened(name, pg) as backend:
        return await measure(backend, Workload.of(count), repeat)


def backend_child(
    pipe: Connection, name: str, count: int, repeat: int, pg: PgServer | None
) -> None:
    """One backend's figures, measured in a fresh process (so its peak memory is its own)."""
    logging.basicConfig(level=logging.WARNING)
    pipe.send(asyncio.run(measure_backend(name, count, repeat, pg)))


def measure_all(names: Iterable[str], count: int, repeat: int) -> dict[str, dict]:
    """Each backend in turn, one process each; one PostgreSQL server for the run if needed."""
    names = list(names)
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(server()) if "postgresql" in names else None
        return {
            name: run_child(backend_child, name, count, repeat, pg, timeout=TIMEOUT)
            for name in names
        }


WIDE = 40  # a figure longer than this (a query plan) is printed below the table, not in it


def table(figures: dict[str, dict]) -> None:
    """One row per figure, one column per backend ("-" where a backend has no such figure);
    wide figures follow the table, one line each."""
    keys = list(dict.fromkeys(key for values in figures.values() for key in values))
    cells = {key: [str(values.get(key, "-")) for values in figures.values()] for key in keys}
    wide = {key for key, row in cells.items() if max(map(len, row)) > WIDE}
    rows = [["", *figures], *([key, *cells[key]] for key in keys if key not in wide)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    for key in keys:
        for backend, cell in zip(figures, cells[key], strict=True):
            if key in wide:
                print(f"{key} ({backend}): {cell}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="ticked copies of the build")
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    names = BACKENDS if args.backend == "both" else (args.backend,)
    work = Workload.of(args.subscribers)
    load_before = load_average()
    backends = measure_all(names, args.subscribers, max(1, args.repeat))
    table(backends)
    emit(
        {
            "benchmark": "scale",
            "subscribers": args.subscribers,
            "zones": len(work.names),
            "busy_minute_utc": work.busy.isoformat(),
            "busy_minute_due": work.busy_count,
            "ticks_measured": max(1, args.repeat),
            "backends": backends,
            "load_before": load_before,
            "load_after": load_average(),
            "cpus": os.cpu_count(),
        }
    )


if __name__ == "__main__":
    main()
