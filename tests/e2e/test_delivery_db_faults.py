"""The real bot as a process while another process holds SQLite's write lock for 12 s.

SQLite makes a writer wait `busy_timeout` (5 s) and then fails it with "database is locked".
Before delivery was supervised, that one error killed the drain task (the bot went on
answering and delivering nothing until restarted) or, during a delivery, failed the record of
a message Telegram had accepted, which then went out a second time. Here the lock is taken
with `BEGIN EXCLUSIVE` on a connection of the test's own: another process, as far as the bot
can tell.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_helpers import digest_counts, due_minute, outbox_rows, seed_due
from tests.e2e.delivery_process import BotProcess, write_config
from tests.fakes.telegram_api import FakeBotApi

LOCK_SECONDS = 12  # longer than busy_timeout twice over


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


@asynccontextmanager
async def write_lock_held(database: Path, seconds: float) -> AsyncIterator[None]:
    """Hold the database's write lock from this process for `seconds`, then let go."""
    with closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
            await asyncio.sleep(seconds)
        finally:
            other.execute("ROLLBACK")


async def seed(database: Path, chat_ids: list[int], due_in: timedelta) -> None:
    """Subscribers due `due_in` from now (delivery times are whole minutes, due instants
    need not be: the first is due when the test wants, the next on their minute)."""
    clock = SystemClock()
    async with await Store.open(database, clock) as store:
        await seed_due(store, chat_ids, due_minute(clock.now(), 10))
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE chats SET next_due_utc = ?", (int(time.time() + due_in.seconds),))


async def states(database: Path) -> dict[str, int]:
    async with await Store.open(database, SystemClock()) as store:
        rows = await outbox_rows(store)
    found: dict[str, int] = {}
    for row in rows.values():
        found[row["state"]] = found.get(row["state"], 0) + 1
    return found


async def test_a_write_lock_held_while_idle_delays_the_next_digests_but_loses_none(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    database = tmp_path / "bot.sqlite3"
    chat_ids = [30_000 + n for n in range(10)]
    await seed(database, chat_ids, due_in=timedelta(seconds=LOCK_SECONDS + 4))
    bot = processes(write_config(tmp_path, api, tick_seconds=1))
    await api.wait_for(lambda: "running on telegram" in bot.output(), timeout=20)

    async with write_lock_held(database, LOCK_SECONDS):
        pass  # the drain loop's claims and the tick fail for 12 s meanwhile

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=30)
    await asyncio.sleep(1)  # time enough for a second copy, if one were coming
    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    assert "database is locked; retrying" in bot.output()
    assert "works again" in bot.output()
    assert await states(database) == {"sent": len(chat_ids)}


async def test_a_write_lock_held_mid_delivery_sends_nobody_a_second_copy(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    database = tmp_path / "bot.sqlite3"
    chat_ids = [40_000 + n for n in range(300)]
    await seed(database, chat_ids, due_in=timedelta(0))
    bot = processes(write_config(tmp_path, api, tick_seconds=1))
    await api.wait_for(lambda: api.stats.accepted >= 50, timeout=30)

    async with write_lock_held(database, LOCK_SECONDS):
        at_lock = api.stats.accepted
    held_back = api.stats.accepted - at_lock

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=60)
    await asyncio.sleep(1)
    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    # Unrecorded messages hold their slot on the wire: a locked database stops delivery
    # within the concurrency bound instead of letting messages go out it cannot record.
    assert held_back <= 8 + 1
    assert "recording accepted messages failed" in bot.output()
    assert await states(database) == {"sent": len(chat_ids)}
