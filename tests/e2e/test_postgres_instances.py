"""Two `briefbot run` processes on one PostgreSQL database: one sends, the other takes over.

A real PostgreSQL server (tests/pg_server.py) holds the state; the fake Bot API enforces
Telegram's 30 messages a second overall and one a second per chat. 3,000 chats are due at
once. The process holding the sender lock (an advisory lock on a connection of its own) is
SIGKILLed part-way: the server ends its session at once, which frees the lock and proves its
claimed rows abandoned, so the standby takes over within seconds. Every chat gets its digest;
repeats are at most the sends that were in flight; the fake never answers 429.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.e2e.delivery_helpers import digest_counts
from tests.e2e.delivery_process import BotProcess, write_config
from tests.e2e.test_delivery_crash import CONCURRENCY, TOKEN, subscribers_due_now
from tests.e2e.test_one_sender import STANDING_BY, TAKING_OVER, logged
from tests.fakes.telegram_api import FakeBotApi
from tests.pg_server import PgServer

pytestmark = pytest.mark.timing  # real rates, SIGKILL and a takeover

CHATS = 3000
PRAYER_KEY = "a-shared-prayer-key-for-every-instance-0123456789"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The fake, with this process's cycle collector paused while it runs: it stamps each
    request when it handles it, and a collection among its 3,000 chats' transcripts would
    hold the loop long enough to bunch the stamps into a burst the bots never sent (the
    benchmarks' fake runs without it for the same reason)."""
    gc.disable()
    try:
        async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
            yield api
    finally:
        gc.enable()


async def test_a_standby_on_postgresql_takes_over_within_seconds_and_the_limit_holds(
    api: FakeBotApi,
    tmp_path: Path,
    postgres_url: str,
    processes: Callable[..., BotProcess],
) -> None:
    config = write_config(tmp_path, api, database=postgres_url, tick_seconds=1)
    chat_ids = await subscribers_due_now(postgres_url, CHATS)

    first = processes(config, BRIEFBOT_PRAYER_KEY=PRAYER_KEY)
    await logged(first, "running on telegram", timeout=30)
    second = processes(config, BRIEFBOT_PRAYER_KEY=PRAYER_KEY)
    await logged(second, STANDING_BY, timeout=30)
    await api.wait_for(lambda: api.stats.accepted >= 600, timeout=40)
    first.signal(signal.SIGKILL)
    assert await first.wait(timeout=5) == -signal.SIGKILL
    at_kill = api.stats.accepted
    assert at_kill < CHATS / 2, "killed too late to prove a takeover"

    loop = asyncio.get_running_loop()
    killed = loop.time()
    await logged(second, TAKING_OVER, timeout=10)
    await api.wait_for(lambda: api.stats.accepted > at_kill, timeout=10)
    assert loop.time() - killed < 10

    def everyone_served() -> bool:
        """Checked on every request the fake answers: cheap until it can be true, or the
        fake's own loop, busy counting 3,000 chats 30 times a second, would bunch its
        arrival stamps and see a burst the bot never sent."""
        return api.stats.accepted >= CHATS and all(digest_counts(api, chat_ids).values())

    await api.wait_for(everyone_served, timeout=150)
    counts = digest_counts(api, chat_ids)
    assert min(counts.values()) == 1  # nobody lost
    assert sum(n > 1 for n in counts.values()) <= CONCURRENCY  # only what was in flight
    assert api.stats.rate_limited_at == []  # one budget, and no burst at the takeover
    assert "running on" not in second.output().split(TAKING_OVER)[0]
    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=15) == 0, second.output()


async def test_a_server_restart_stops_the_sender_and_the_standby_carries_on(
    api: FakeBotApi,
    tmp_path: Path,
    pg_server: PgServer,
    postgres_url: str,
    processes: Callable[..., BotProcess],
) -> None:
    """The sender's lock connection drops with the server, so it stops at once (it can no
    longer prove it sends alone); the standby waits the outage out, and takes over once the
    server is back, its own connection opened again."""
    config = write_config(tmp_path, api, database=postgres_url, tick_seconds=1)
    chat_ids = await subscribers_due_now(postgres_url, 600)
    first = processes(config, BRIEFBOT_PRAYER_KEY=PRAYER_KEY)
    await logged(first, "running on telegram", timeout=30)
    second = processes(config, BRIEFBOT_PRAYER_KEY=PRAYER_KEY)
    await logged(second, STANDING_BY, timeout=30)
    await api.wait_for(lambda: api.stats.accepted >= 150, timeout=40)

    await asyncio.to_thread(pg_server.restart)
    assert await first.wait(timeout=15) == 1
    assert "the connection holding the sender lock dropped" in first.output()
    await logged(second, TAKING_OVER, timeout=20)

    def everyone_served() -> bool:
        return api.stats.accepted >= len(chat_ids) and all(digest_counts(api, chat_ids).values())

    await api.wait_for(everyone_served, timeout=60)
    counts = digest_counts(api, chat_ids)
    assert sum(n > 1 for n in counts.values()) <= CONCURRENCY
    assert api.stats.rate_limited_at == []
    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=15) == 0, second.output()
