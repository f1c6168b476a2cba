"""The PostgreSQL side of the benchmarks: one real server per benchmark run, as the tests start it.

The server is `tests.pg_server`'s (the distribution's binaries, 127.0.0.1, trust auth, run as
the `postgres` user when we are root, `fsync=on`), so a figure measured here is measured on the
server the store's tests run on. Every figure taken on it also says how durable its commits
were: a benchmark with `fsync` or `synchronous_commit` off would measure a server that may lose
committed rows, so `durability` refuses to report one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import asyncpg

from bot.bootstrap import PRAYER_KEY_ENV
from tests.pg_server import PgServer, fresh_database, started

# Settings that decide what a commit costs and promises; the first two must be on.
DURABLE = ("fsync", "synchronous_commit")
REPORTED = (*DURABLE, "wal_sync_method", "shared_buffers", "server_version")

server = contextlib.contextmanager(started)
"""`with server() as pg:` a fresh server for the block, stopped (and its folder removed) after."""

database = contextlib.contextmanager(fresh_database)
"""`with database(pg) as url:` an empty database of its own, dropped after the block."""


async def durability(url: str) -> dict[str, str]:
    """The server's commit settings (`SHOW`), refusing a server whose commits are not durable."""
    connection = await asyncpg.connect(url)
    try:
        shown = {name: await connection.fetchval(f"SHOW {name}") for name in REPORTED}
    finally:
        await connection.close()
    lax = [name for name in DURABLE if shown[name] != "on"]
    if lax:
        raise RuntimeError(f"PostgreSQL runs with {', '.join(lax)} off: figures would flatter it")
    return shown


def prayer_key() -> None:
    """The bot refuses PostgreSQL without `BRIEFBOT_PRAYER_KEY` (every instance must hash with
    the same key); a benchmark's database is thrown away, so any random key will do."""
    os.environ.setdefault(PRAYER_KEY_ENV, secrets.token_hex(32))


def server_cpu_seconds(pg: PgServer) -> float:
    """CPU time the server has used so far, every process of it: the postmaster, its live
    children (backends, WAL writer, checkpointer) and the children it has reaped (a run's
    backends, once its engine disconnected). The difference over a run is what the run cost
    the server, a figure steadier than a rate on shared cores."""
    postmaster = int((pg.folder / "data" / "postmaster.pid").read_text().split()[0])
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid, parent = int(stat.parent.name), int(fields[1])
            if pid == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            elif parent == postmaster:
                total += int(fields[11]) + int(fields[12])
    return round(total / os.sysconf("SC_CLK_TCK"), 2)


def admin_url(pg: PgServer) -> str:
    """The server's maintenance database, for CREATE DATABASE and the like."""
    return pg.url("postgres")


__all__ = [
    "PgServer",
    "admin_url",
    "database",
    "durability",
    "prayer_key",
    "server",
    "server_cpu_seconds",
]
