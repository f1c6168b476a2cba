"""Two `briefbot run` processes on one SQLite file: one sends, the other stands by.

Telegram limits the token, not the process, so two senders at the shipped 30 messages a
second would together break the limit the fake enforces here (30 a second overall, one a
second per chat). With the sender lock only one process runs the platforms and the engine;
the other waits, and takes over within seconds of the first being SIGKILLed.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.delivery_helpers import digest_counts
from tests.e2e.delivery_process import BotProcess, free_port, write_config
from tests.e2e.test_delivery_crash import CONCURRENCY, TOKEN, subscribers_due_now
from tests.e2e.test_monitoring import get, until
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # real rates, SIGKILL and a takeover

STANDING_BY = "standing by to take over"
TAKING_OVER = "taking over"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
        yield api


async def answers(session: aiohttp.ClientSession, url: str) -> bool:
    try:
        await get(session, url)
    except aiohttp.ClientConnectionError:
        return False  # not listening yet
    return True


async def logged(process: BotProcess, text: str, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text not in process.output():
        assert loop.time() < deadline, f"never logged {text!r}:\n{process.output()}"
        await asyncio.sleep(0.05)


async def test_a_second_process_stands_by_and_the_limit_holds(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
) -> None:
    config = write_config(tmp_path, api, tick_seconds=1)  # the shipped limits otherwise
    chat_ids = await subscribers_due_now(tmp_path / "bot.sqlite3", 240)
    port = free_port()  # the second process's own health port, on the same database
    (tmp_path / "second").mkdir()
    monitored = {"monitoring": {"enabled": True, "port": port}}
    second_config = write_config(
        tmp_path / "second", api, tmp_path / "bot.sqlite3", monitored, tick_seconds=1
    )

    first = processes(config)
    await logged(first, "running on telegram", timeout=20)
    second = processes(second_config)
    await logged(second, STANDING_BY, timeout=20)
    async with aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{port}"
        await until(lambda: answers(session, f"{base}/healthz"))
        assert await get(session, f"{base}/healthz") == (200, "ok\n")
        assert await get(session, f"{base}/readyz") == (
            503,
            "standing by: another process delivers from this database\n",
        )

    def everyone_served() -> bool:
        return all(digest_counts(api, chat_ids).values())

    await api.wait_for(everyone_served, timeout=40)
    assert set(digest_counts(api, chat_ids).values()) == {1}
    assert api.stats.rate_limited == 0  # one sender's budget, not two
    assert "running on" not in second.output()

    second.signal(signal.SIGTERM)  # a standby stops at once, cleanly
    assert await second.wait(timeout=10) == 0, second.output()
    first.signal(signal.SIGTERM)
    assert await first.wait(timeout=10) == 0, first.output()


async def test_the_standby_takes_over_within_seconds_of_a_sigkill(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
) -> None:
    config = write_config(tmp_path, api, tick_seconds=1)
    chat_ids = await subscribers_due_now(tmp_path / "bot.sqlite3", 300)

    first = processes(config)
    await logged(first, "running on telegram", timeout=20)
    second = processes(config)
    await logged(second, STANDING_BY, timeout=20)
    await api.wait_for(lambda: api.stats.accepted >= 100, timeout=20)
    first.signal(signal.SIGKILL)
    assert await first.wait(timeout=5) == -signal.SIGKILL
    at_kill = api.stats.accepted
    assert at_kill < len(chat_ids), "killed too late to prove a takeover"

    loop = asyncio.get_running_loop()
    killed = loop.time()
    await logged(second, TAKING_OVER, timeout=10)
    await api.wait_for(lambda: api.stats.accepted > at_kill, timeout=10)
    assert loop.time() - killed < 10

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=40)
    counts = digest_counts(api, chat_ids)
    assert min(counts.values()) == 1  # nobody lost
    assert sum(n > 1 for n in counts.values()) <= CONCURRENCY  # only what was in flight
    assert api.stats.rate_limited == 0  # no burst at the takeover
    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=10) == 0, second.output()
