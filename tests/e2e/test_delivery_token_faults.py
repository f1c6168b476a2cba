"""The real bot as a process when Telegram refuses its token, or answers with pages that
quote the request path (and so the token).

A refused token (401) is nobody's message's fault: delivery and polling pause, no attempt is
spent, nothing ends "failed", and both resume by themselves once the token is accepted again.
A careless proxy's error page echoes `/bot<token>/sendMessage`; none of that may reach stderr,
the log, the database file or `/stats`.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_helpers import REPO, digest_counts, due_minute, seed_due
from tests.e2e.delivery_process import BotProcess, write_config
from tests.fakes.telegram_api import FakeBotApi

SECRET = TOKEN.split(":")[1]
REFUSED_SECONDS = 60


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


async def subscribers_due_now(database: Path, chat_ids: list[int]) -> None:
    clock = SystemClock()
    async with await Store.open(database, clock) as store:
        await seed_due(store, chat_ids, due_minute(clock.now(), minutes_ago=10))


def rows(database: Path) -> list[tuple[int, str, int, str | None]]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(
            "SELECT c.chat_id, o.state, o.attempts, o.reason"
            " FROM outbox o JOIN chats c ON c.id = o.chat_pk"
        ).fetchall()


async def test_a_token_refused_for_a_minute_mid_delivery_spends_nothing_and_all_arrive_after(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    database = tmp_path / "bot.sqlite3"
    chat_ids = [50_000 + n for n in range(200)]
    await subscribers_due_now(database, chat_ids)
    bot = processes(write_config(tmp_path, api, tick_seconds=1))
    await api.wait_for(lambda: api.stats.accepted >= 40, timeout=30)

    api.fail(None, status=401)  # every method, polling included, until healed
    await asyncio.sleep(REFUSED_SECONDS)
    refused = api.stats.failed
    assert api.stats.accepted < len(chat_ids)
    api.heal()
    polls = len(api.calls("getUpdates"))

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=40)
    await api.wait_for(lambda: len(api.calls("getUpdates")) > polls, timeout=20)
    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    assert refused <= 8 * (REFUSED_SECONDS / 10 + 2), "the token is probed, not hammered"
    assert {(state, attempts) for _, state, attempts, _ in rows(database)} == {("sent", 0)}
    output = bot.output()
    assert "CRITICAL" in output and "refused the bot token" in output
    assert "accepts the bot token again" in output

    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()
    assert "Traceback" not in bot.output()


async def test_error_pages_that_quote_the_request_path_leave_the_token_nowhere(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    database = tmp_path / "bot.sqlite3"
    rejected, gone, passing, fine = 60_001, 60_002, 60_003, 60_004
    await subscribers_due_now(database, [rejected, gone, passing, fine])
    api.fail(rejected, status=400, echo_path=True)
    api.fail(gone, status=403, echo_path=True)
    api.fail(passing, status=502, html=True, echo_path=True, times=1)
    config = write_config(tmp_path, api, tick_seconds=1, backoff_seconds=0.2)
    bot = processes(config)
    await api.wait_for(lambda: digest_counts(api, [passing, fine]) == {passing: 1, fine: 1}, 30)
    await api.wait_for(
        lambda: (
            len(rows(database)) == 4
            and all(state != "pending" and state != "sending" for _, state, _, _ in rows(database))
        ),
        timeout=20,
    )
    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()

    reasons = {chat: error for chat, _, _, error in rows(database)}
    assert reasons[str(rejected)] and reasons[str(gone)]
    stats = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--config", str(config)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "failed" in stats
    files = [path for path in tmp_path.glob("bot.sqlite3*") if path.is_file()]  # -wal too
    stored = b"".join(path.read_bytes() for path in files)
    for where, text in [("log", bot.output()), ("stats", stats), ("database", str(stored))]:
        assert SECRET not in text, f"the token's secret reached the {where}"


async def test_a_start_up_error_page_that_quotes_the_path_keeps_the_token_off_stderr(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    api.fail(None, status=502, html=True, echo_path=True, method="getMe", times=None)
    bot = processes(write_config(tmp_path, api))
    assert await bot.wait(timeout=30) == 1
    output = bot.output()
    assert "Cannot reach the Telegram Bot API" in output
    assert SECRET not in output and "no such page" not in output
    assert "Unclosed client session" not in output
