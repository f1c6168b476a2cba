"""PostgreSQL's own parts, on a real server: who may send, who is alive, which schema is ours.

The sender lock and the worker locks are advisory locks held by a connection's session: the
server drops them the moment the connection ends, however the process ended. These tests end
connections the way a crash does, by having the server terminate the session.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from bot.domain.clock import FakeClock
from bot.store import Store, StoreError
from bot.store.pg.database import PgDatabase, PgWorkerLocks, open_pg
from bot.store.pg.schema import BASE, BASE_VERSION, SCHEMA_VERSION
from bot.store.pg.sender import PgSenderLock

CLOCK = FakeClock(datetime(2026, 12, 4, 6, tzinfo=UTC))


async def _terminate(url: str, pid: int) -> None:
    """End another connection's session, as a dead host or a cut network would."""
    admin = await asyncpg.connect(url)
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_one_sender_at_a_time_and_the_next_takes_over_once_it_lets_go(
    postgres_url: str,
) -> None:
    first, second = PgSenderLock(postgres_url), PgSenderLock(postgres_url)

    assert await first.try_acquire()
    assert await first.try_acquire()  # held: asking again changes nothing
    assert not await second.try_acquire()
    await first.release()
    assert await second.try_acquire()
    await second.release()


async def test_a_holder_whose_connection_drops_is_told_and_another_takes_over(
    postgres_url: str,
) -> None:
    holder, standby = PgSenderLock(postgres_url), PgSenderLock(postgres_url)
    lost = asyncio.Event()
    holder.on_lost(lost.set)
    assert await holder.try_acquire()
    assert holder._connection is not None
    pid = holder._connection.get_server_pid()

    await _terminate(postgres_url, pid)

    await asyncio.wait_for(lost.wait(), 5)  # the holder stops sending at once
    assert await standby.try_acquire()
    await standby.release()
    await holder.release()


async def test_a_worker_is_proved_dead_only_once_its_session_is_gone(postgres_url: str) -> None:
    alive, watcher = await PgDatabase.connect(postgres_url), await PgDatabase.connect(postgres_url)
    mine, theirs = PgWorkerLocks(alive), PgWorkerLocks(watcher)
    await mine.hold("host-a:1")

    async with watcher.write() as connection:
        assert await theirs.dead(connection, {"host-a:1", "host-b:2"}) == {"host-b:2"}
    await alive.close()
    async with watcher.write() as connection:
        assert await theirs.dead(connection, {"host-a:1"}) == {"host-a:1"}
    await watcher.close()


async def test_a_database_holding_other_tables_is_refused(postgres_url: str) -> None:
    other = await asyncpg.connect(postgres_url)
    await other.execute("CREATE TABLE invoices (id integer)")
    await other.close()

    with pytest.raises(StoreError, match="not briefbot's"):
        await open_pg(postgres_url)


async def test_a_newer_schema_is_refused_and_the_password_never_shown(
    postgres_url: str,
) -> None:
    store = await Store.open(postgres_url, CLOCK)
    async with store.db.write() as connection:
        await connection.execute("UPDATE briefbot_schema SET version = 99")
    await store.close()

    with pytest.raises(StoreError, match="schema version 99") as refused:
        await Store.open(postgres_url, CLOCK)
    assert "briefbot release" in str(refused.value)


async def test_a_database_of_the_first_postgresql_release_is_upgraded_in_place(
    postgres_url: str,
) -> None:
    """A database written at the base version (schema.sql alone) gets the migrations since,
    its rows kept, and ends as a fresh database would."""
    old = await asyncpg.connect(postgres_url)
    await old.execute(BASE.read_text(encoding="utf-8"))
    await old.execute("CREATE TABLE briefbot_schema (version INTEGER NOT NULL)")
    await old.execute("INSERT INTO briefbot_schema VALUES ($1)", BASE_VERSION)
    await old.execute(
        "INSERT INTO chats (platform, chat_id, kind, delivery_time, timezone, created_at, "
        "updated_at) VALUES ('telegram', '1', 'private', '07:00', 'Asia/Seoul', 0, 0)"
    )
    await old.close()

    async with await Store.open(postgres_url, CLOCK) as store, store.db.read() as connection:
        [version] = await connection.raw.fetchrow("SELECT version FROM briefbot_schema")
        budget = await connection.raw.fetchval("SELECT to_regclass('send_budget')")
        chats = await connection.raw.fetchval("SELECT count(*) FROM chats")
    assert (version, budget, chats) == (SCHEMA_VERSION, "send_budget", 1)
    assert SCHEMA_VERSION > BASE_VERSION


async def test_an_unreachable_server_is_a_clear_error_without_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFBOT_DATABASE_PASSWORD", "s3cret-pass")
    url = "postgresql://briefbot@127.0.0.1:1/briefbot"

    with pytest.raises(StoreError) as refused:
        await Store.open(url, CLOCK)

    assert str(refused.value).startswith("cannot open database postgresql://briefbot@127.0.0.1:1")
    assert "s3cret-pass" not in str(refused.value)
