"""The real bot as a process whose database sits on a small disk that fills up mid-delivery.

The disk is a 16 MB tmpfs mounted for the test (`tests.e2e.disks`). With the disk full,
SQLite fails every write that grows a file ("database or disk is full"): claims, records of
accepted messages, the tick. Before delivery was supervised such a failure left rows
"sending" and resent them after a restart; now each step is retried until the space is
back, and nobody gets a second copy.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_helpers import digest_counts, outbox_rows
from tests.e2e.delivery_process import BotProcess, write_config
from tests.e2e.disks import fill
from tests.e2e.test_delivery_db_faults import seed, states
from tests.fakes.telegram_api import FakeBotApi

FULL_SECONDS = 10


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


async def test_a_disk_that_fills_up_mid_delivery_sends_nobody_a_second_copy(
    api: FakeBotApi,
    tmp_path: Path,
    small_disk: Path,
    processes: Callable[[Path], BotProcess],
):
    database = small_disk / "bot.sqlite3"
    chat_ids = [50_000 + n for n in range(300)]
    await seed(database, chat_ids, due_in=timedelta(0))
    bot = processes(write_config(tmp_path, api, database=database, tick_seconds=1))
    await api.wait_for(lambda: api.stats.accepted >= 50, timeout=30)

    filler = fill(small_disk)
    await api.wait_for(lambda: "disk is full" in bot.output(), timeout=30)
    at_full = api.stats.accepted
    await asyncio.sleep(FULL_SECONDS)
    held_back = api.stats.accepted - at_full
    filler.unlink()

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=90)
    await api.wait_for(lambda: "works again" in bot.output(), timeout=30)
    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    # Messages that cannot be recorded hold their slot on the wire (8, `concurrency`).
    assert held_back <= 8 + 1
    assert await states(database) == {"sent": len(chat_ids)}
    async with await Store.open(database, SystemClock()) as store:
        assert all(row["attempts"] == 0 for row in (await outbox_rows(store)).values())
