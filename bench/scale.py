"""Benchmark: one tick over a million subscribers spread over every time zone.

Builds a SQLite file the way the bot's migrations make it, then fills `chats` with N
subscribed chats: every zone of `zoneinfo.available_timezones()` in turn, each with one of the
twenty quarter hours from 05:00 to 09:45 local time, and each chat's next due instant computed
with `bot.domain.schedule` (which caches per zone and day, so a million rows cost a few
thousand zone computations). Then it times, on that file:

* the **busy minute**: the UTC minute with the most subscribers due (every chat is due at or
  after it, as if every earlier minute had been ticked already), ticked by the real
  `DeliveryEngine.tick` (the indexed due query, planning, queue rows, moving due times on);
* the due query alone for that minute, every due row (and SQLite's plan for it);
* an idle tick: the same minute again, now that nobody is due (a tick that finds nobody due
  must cost next to nothing, whatever the number of subscribers);
* a **backlog** tick: an hour later with nothing ticked in between (a restart after an
  hour's outage), for enqueue throughput on a bigger batch;
* the database's size and the process's peak memory (building included).

The file is built once and the ticks run on `--repeat` fresh copies of it (3 by default): the
figures are each tick's median, since other jobs share this machine.

Run from the project root:  .venv/bin/python -m bench.scale
Quick check:                .venv/bin/python -m bench.scale --subscribers 50000
It prints a table and, last, one line of JSON with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from bench._common import emit, load_average, peak_rss_mb
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ports import Limits
from bot.delivery.settings import EngineSettings
from bot.domain.clock import FakeClock
from bot.domain.schedule import next_due
from bot.store import Store
from bot.store.outbox import Outbox

START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # the day the schedule is built from
TIMES = [clock_time(hour, minute) for hour in range(5, 10) for minute in (0, 15, 30, 45)]
CHUNK = 100_000  # rows per insert transaction: memory stays flat, commits stay few


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
    """Rows for `chats`, each due at its first delivery after `after`."""
    stamp = int(START.timestamp())
    for n in range(count):
        zone, at = settings_of(n, names)
        due = int(next_due(at, zone, after).timestamp())
        yield (n + 1, str(10_000_000 + n), at.strftime("%H:%M"), zone, due, stamp, stamp)


def build(path: Path, count: int, names: list[str], after: datetime) -> float:
    """Insert the chats with plain sqlite3 in big transactions; returns the seconds it took."""
    started = time.perf_counter()
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        rows = chat_rows(count, names, after)
        while True:
            chunk = [row for _, row in zip(range(CHUNK), rows, strict=False)]
            if not chunk:
                break
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
    return time.perf_counter() - started


class NoSender:
    """The tick only needs to know which platforms exist; nothing is sent here."""

    platform = "telegram"
    limits = Limits()


async def tick_at(path: Path, now: datetime) -> tuple[float, int]:
    clock = FakeClock(now)
    store = await Store.open(path, clock)
    try:
        outbox = Outbox(store.db, clock)
        no_composer = None  # a tick composes nothing
        engine = DeliveryEngine(store, outbox, no_composer, [NoSender()], clock, EngineSettings())
        started = time.perf_counter()
        result = await engine.tick()
        return time.perf_counter() - started, result.enqueued
    finally:
        await store.close()


def due_query(path: Path, now: datetime) -> tuple[float, int, str]:
    """The tick's due query alone, and SQLite's plan for it."""
    sql = """SELECT id, platform, chat_id, delivery_time, timezone, next_due_utc, last_day
             FROM chats WHERE subscribed = 1 AND platform = ?
             AND next_due_utc <= ? ORDER BY next_due_utc LIMIT ?"""
    params = ("telegram", int(now.timestamp()), -1)  # no limit: every row due
    connection = sqlite3.connect(path)
    try:
        plan = " / ".join(
            row[-1] for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params)
        )
        started = time.perf_counter()
        rows = connection.execute(sql, params).fetchall()
        return time.perf_counter() - started, len(rows), plan
    finally:
        connection.close()


def database_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def ticks(path: Path, busy: datetime) -> tuple[float, int, float, int, float, int]:
    """The busy, idle and backlog ticks on `path`, in that order (each changes the file)."""
    busy_seconds, enqueued = await tick_at(path, busy)
    idle_seconds, idle = await tick_at(path, busy)
    backlog_seconds, backlog = await tick_at(path, busy + timedelta(hours=1))
    return busy_seconds, enqueued, idle_seconds, idle, backlog_seconds, backlog


async def measure(count: int, repeat: int) -> dict:
    """Build once; tick `repeat` fresh copies of the built file; report each tick's median."""
    names = zones()
    busy, busy_count = busiest_minute(count, names)
    with tempfile.TemporaryDirectory(prefix="briefbot-scale-") as folder:
        built = Path(folder) / "built.sqlite3"
        await (await Store.open(built, FakeClock(START))).close()  # migrations
        build_seconds = build(built, count, names, busy - timedelta(seconds=1))
        size = database_bytes(built)
        query_seconds, query_rows, plan = due_query(built, busy)
        runs = []
        for n in range(repeat):
            path = Path(folder) / f"run{n}.sqlite3"
            shutil.copyfile(built, path)
            runs.append(await ticks(path, busy))
        size_after = database_bytes(path)
    busy_s, enqueued, idle_s, idle, backlog_s, backlog = (
        statistics.median(column) for column in zip(*runs, strict=True)
    )
    return {
        "benchmark": "scale",
        "subscribers": count,
        "zones": len(names),
        "build_seconds": round(build_seconds, 2),
        "build_rows_per_second": round(count / build_seconds),
        "busy_minute_utc": busy.isoformat(),
        "busy_minute_due": busy_count,
        "ticks_measured": repeat,
        "busy_tick_ms": round(busy_s * 1000, 1),
        "busy_tick_ms_all": [round(run[0] * 1000, 1) for run in runs],
        "busy_enqueued": enqueued,
        "busy_enqueue_rows_per_second": round(enqueued / busy_s) if enqueued else None,
        "due_query_ms": round(query_seconds * 1000, 2),
        "due_query_rows": query_rows,
        "due_query_plan": plan,
        "idle_tick_ms": round(idle_s * 1000, 2),
        "idle_tick_enqueued": idle,
        "backlog_tick_seconds": round(backlog_s, 3),
        "backlog_enqueued": backlog,
        "backlog_rows_per_second": round(backlog / backlog_s) if backlog else None,
        "database_mb": round(size / 2**20, 1),
        "database_mb_after_ticks": round(size_after / 2**20, 1),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="ticked copies of the built file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    load_before = load_average()
    figures = asyncio.run(measure(args.subscribers, max(1, args.repeat)))
    figures["load_before"], figures["load_after"] = load_before, load_average()
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    emit(figures)


if __name__ == "__main__":
    main()
