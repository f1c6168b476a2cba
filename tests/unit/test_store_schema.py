"""The store's file: creation, migrations, refusing files it must not touch, transactions."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.store import SchemaTooNewError, Store, StoreError
from bot.store.db import fetch_one
from bot.store.migrate import load_migrations, open_database, split_statements

ALICE = Address("telegram", "1001")
INITIAL_TABLES = {"chats", "follows", "received", "prayers", "prayer_tallies"}
LATEST = load_migrations()[-1].version  # later migrations belong to other modules' tests


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 1, 6, 0, tzinfo=UTC))


def raw(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """A plain sqlite3 connection, as another program or an older briefbot would open."""
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


def tables(path: Path) -> set[str]:
    with raw(path) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


async def test_opening_creates_the_file_its_folders_and_the_schema(tmp_path, clock):
    path = tmp_path / "state" / "nested" / "briefbot.db"
    async with await Store.open(path, clock):
        pass
    assert path.is_file()
    assert tables(path) >= INITIAL_TABLES
    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (LATEST,)


async def test_reopening_keeps_data_and_applies_no_migration_twice(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    async with await Store.open(path, clock) as store:
        await store.ensure_chat(ALICE, ChatKind.PRIVATE, delivery_time=time(7), timezone="UTC")
    async with await Store.open(str(path), clock) as store:
        assert (await store.get_chat(ALICE)) is not None
    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (LATEST,)


async def test_database_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    async with await Store.open(path, clock) as store:
        with raw(path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        async with store.db.read() as connection:
            settings = {
                name: (await fetch_one(connection, f"PRAGMA {name}"))[0]
                for name in ("foreign_keys", "busy_timeout", "synchronous")
            }
    assert settings == {"foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}  # 1: NORMAL


async def test_database_from_a_newer_briefbot_is_refused_and_left_untouched(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    with raw(path) as connection:
        connection.execute("CREATE TABLE future (x)")
        connection.execute(f"PRAGMA user_version = {LATEST + 3}")
    before = path.read_bytes()

    with pytest.raises(SchemaTooNewError) as refused:
        await Store.open(path, clock)

    assert str(refused.value) == (
        f"database {path} was written by a newer briefbot (schema {LATEST + 3}, this one knows "
        f"up to {LATEST}); upgrade briefbot or use another database file"
    )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefbot.db"]


async def test_a_file_that_is_not_a_database_is_refused_and_left_untouched(tmp_path, clock):
    path = tmp_path / "config.yaml"
    path.write_text("telegram:\n  token: from-env\n" * 40)
    before = path.read_bytes()

    with pytest.raises(StoreError, match="is not a SQLite database") as refused:
        await Store.open(path, clock)

    assert str(path) in str(refused.value)
    assert path.read_bytes() == before


async def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path, clock):
    path = tmp_path / "other.db"
    with raw(path) as connection:
        connection.execute("CREATE TABLE contacts (name)")
    before = path.read_bytes()

    with pytest.raises(StoreError, match="not a briefbot one"):
        await Store.open(path, clock)

    assert path.read_bytes() == before


def write_migrations(folder: Path, scripts: dict[str, str]) -> Path:
    folder.mkdir()
    for name, sql in scripts.items():
        (folder / name).write_text(sql)
    return folder


async def test_pending_migrations_apply_in_order_on_an_older_file(tmp_path):
    path = tmp_path / "briefbot.db"
    first = write_migrations(tmp_path / "v1", {"001_a.sql": "CREATE TABLE a (x);"})
    db = await open_database(path, load_migrations(first))
    await db.close()
    both = write_migrations(
        tmp_path / "v2",
        {
            "001_a.sql": "CREATE TABLE a (x);",
            "002_b.sql": "CREATE TABLE b (y REFERENCES a (x));\nINSERT INTO a VALUES (1);",
        },
    )

    db = await open_database(path, load_migrations(both))
    await db.close()

    assert tables(path) == {"a", "b"}
    with raw(path) as connection:
        assert connection.execute("SELECT x FROM a").fetchall() == [(1,)]
        assert connection.execute("PRAGMA user_version").fetchone() == (2,)


async def test_a_failing_migration_leaves_the_file_at_its_previous_version(tmp_path):
    path = tmp_path / "briefbot.db"
    first = write_migrations(tmp_path / "v1", {"001_a.sql": "CREATE TABLE a (x);"})
    db = await open_database(path, load_migrations(first))
    await db.close()
    broken = write_migrations(
        tmp_path / "v3",
        {
            "001_a.sql": "CREATE TABLE a (x);",
            "002_b.sql": "CREATE TABLE b (y);",
            "003_c.sql": "CREATE TABLE c (z);\nINSERT INTO nowhere VALUES (1);",
        },
    )

    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        await open_database(path, load_migrations(broken))

    assert tables(path) == {"a"}
    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (1,)


@pytest.mark.parametrize(
    "names",
    [["001_a.sql", "003_c.sql"], ["001_a.sql", "002_b.sql", "002_queue.sql"], ["002_b.sql"]],
)
def test_migration_files_must_be_numbered_from_one_without_gaps_or_repeats(tmp_path, names):
    folder = write_migrations(tmp_path / "m", dict.fromkeys(names, "SELECT 1;"))
    with pytest.raises(StoreError, match="numbered 001, 002"):
        load_migrations(folder)


def test_a_misnamed_migration_file_is_reported_not_skipped(tmp_path):
    folder = write_migrations(tmp_path / "m", {"001_a.sql": "", "2_queue.sql": ""})
    with pytest.raises(StoreError, match=r"2_queue\.sql is not named like 001_initial\.sql"):
        load_migrations(folder)


def test_shipped_migrations_are_package_data_starting_with_the_initial_schema():
    migrations = load_migrations()
    assert migrations[0].version == 1
    assert migrations[0].name == "001_initial.sql"
    assert "CREATE TABLE chats" in migrations[0].sql


def test_scripts_split_at_statement_ends_not_at_semicolons_in_strings_comments_or_triggers():
    script = """
        -- a comment; with a semicolon
        CREATE TABLE t (x TEXT DEFAULT 'a;b'); CREATE TABLE u (y);
        CREATE TRIGGER t_copy AFTER INSERT ON t BEGIN
            INSERT INTO u VALUES (new.x);
        END;
        /* trailing; comment */
    """
    statements = split_statements(script)
    assert len(statements) == 4
    assert statements[1] == "CREATE TABLE u (y);"
    assert statements[2].startswith("CREATE TRIGGER") and statements[2].endswith("END;")
    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.execute("INSERT INTO t DEFAULT VALUES")
        assert connection.execute("SELECT y FROM u").fetchall() == [("a;b",)]


async def test_who_is_due_now_is_an_indexed_range_query(tmp_path, clock):
    async with (
        await Store.open(tmp_path / "briefbot.db", clock) as store,
        store.db.read() as connection,
    ):
        plan = await connection.execute_fetchall(
            "EXPLAIN QUERY PLAN SELECT id FROM chats "
            "WHERE subscribed = 1 AND platform = ? AND next_due_utc <= ? ORDER BY next_due_utc",
            ("telegram", 0),
        )
    details = " ".join(row["detail"] for row in plan)
    assert "USING INDEX chats_due_by_platform (platform=? AND next_due_utc<?)" in details
    assert "TEMP B-TREE" not in details


async def insert_alice(connection) -> None:
    await connection.execute(
        "INSERT INTO chats (platform, chat_id, kind, delivery_time, timezone, created_at, "
        "updated_at) VALUES ('telegram', '1001', 'private', '07:00', 'UTC', 0, 0)"
    )


async def test_a_transaction_that_fails_half_way_leaves_no_rows(tmp_path, clock):
    async with await Store.open(tmp_path / "briefbot.db", clock) as store:
        with pytest.raises(RuntimeError):
            async with store.db.write() as connection:
                await insert_alice(connection)
                raise RuntimeError("crash between two statements")
        assert await store.get_chat(ALICE) is None


async def test_a_cancelled_transaction_is_rolled_back_and_the_store_stays_usable(tmp_path, clock):
    async with await Store.open(tmp_path / "briefbot.db", clock) as store:
        inside = asyncio.Event()

        async def stuck_writer() -> None:
            async with store.db.write() as connection:
                await insert_alice(connection)
                inside.set()
                await asyncio.Event().wait()

        async with asyncio.timeout(5):
            task = asyncio.create_task(stuck_writer())
            await inside.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

            assert await store.get_chat(ALICE) is None
            chat = await store.ensure_chat(
                ALICE, ChatKind.PRIVATE, delivery_time=time(7), timezone="UTC"
            )
        assert chat.address == ALICE


async def test_close_waits_for_a_running_transaction_and_can_be_called_twice(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    store = await Store.open(path, clock)
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow_writer() -> None:
        async with store.db.write() as connection:
            await insert_alice(connection)
            inside.set()
            await release.wait()

    async with asyncio.timeout(5):
        writer = asyncio.create_task(slow_writer())
        await inside.wait()
        closing = asyncio.create_task(store.close())
        await asyncio.sleep(0)
        assert not closing.done()
        release.set()
        await writer
        await closing
        await store.close()

    async with await Store.open(path, clock) as reopened:
        assert await reopened.get_chat(ALICE) is not None
    assert not (tmp_path / "briefbot.db-wal").exists()


async def test_a_closed_store_says_so(tmp_path, clock):
    store = await Store.open(tmp_path / "briefbot.db", clock)
    await store.close()
    with pytest.raises(StoreError, match="is closed"):
        await store.get_chat(ALICE)


async def test_a_write_cancelled_while_waiting_for_another_process_leaves_no_transaction_open(
    tmp_path, clock
):
    path = tmp_path / "briefbot.db"
    async with await Store.open(path, clock) as store:
        with raw(path) as other_process:
            other_process.execute("BEGIN IMMEDIATE")

            async def writer() -> None:
                async with store.db.write() as connection:
                    await insert_alice(connection)

            task = asyncio.create_task(writer())
            await asyncio.sleep(0)  # let it queue BEGIN IMMEDIATE, which now waits for the lock
            task.cancel()
            other_process.execute("COMMIT")
        async with asyncio.timeout(5):
            with pytest.raises(asyncio.CancelledError):
                await task
            chat = await store.ensure_chat(
                ALICE, ChatKind.PRIVATE, delivery_time=time(7), timezone="UTC"
            )
        assert chat.address == ALICE


async def test_a_folder_in_place_of_the_database_file_is_reported(tmp_path, clock):
    (tmp_path / "briefbot.db").mkdir()
    with pytest.raises(StoreError, match="cannot open database"):
        await Store.open(tmp_path / "briefbot.db", clock)
