"""The write-ahead log is folded into the database file by the checkpointer, not by commits."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.db import fetch_one


def chats_in_the_file_itself(path: Path) -> int | None:
    """What the database file holds without its log: only checkpointed pages (None: not even
    the schema is in the file yet, or a checkpoint is writing it right now: `immutable` skips
    the locks that would make a real reader wait)."""
    uri = f"file:{path}?immutable=1"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        try:
            return connection.execute("SELECT count(*) FROM chats").fetchone()[0]
        except sqlite3.DatabaseError:
            return None


async def insert_chat(store: Store, chat_id: str) -> None:
    async with store.db.write() as connection:
        await connection.execute(
            "INSERT INTO chats (platform, chat_id, kind, delivery_time, timezone, created_at, "
            "updated_at) VALUES ('telegram', ?, 'private', '07:00', 'UTC', 0, 0)",
            (chat_id,),
        )


async def until(condition, seconds: float = 5.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def test_commits_never_checkpoint_themselves(tmp_path, clock):
    async with (
        await Store.open(tmp_path / "briefbot.db", clock) as store,
        store.db.read() as connection,
    ):
        row = await fetch_one(connection, "PRAGMA wal_autocheckpoint")
    assert row is not None and row[0] == 0


@pytest.mark.slow
@pytest.mark.timing
async def test_the_checkpointer_folds_each_commit_into_the_file_soon_after(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    async with await Store.open(path, clock) as store:
        await insert_chat(store, "1001")
        await until(lambda: chats_in_the_file_itself(path) == 1)
        await insert_chat(store, "1002")
        await until(lambda: chats_in_the_file_itself(path) == 2)


async def test_closing_right_after_a_write_loses_nothing(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    for n in range(5):  # close lands before, during or after a checkpoint
        async with await Store.open(path, clock) as store:
            await insert_chat(store, str(1000 + n))
    assert chats_in_the_file_itself(path) == 5
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
