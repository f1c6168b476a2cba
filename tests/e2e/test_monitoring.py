"""/healthz, /readyz and /metrics of `python -m bot run`, read as Prometheus and a container
health check read them, while the bot delivers 300 digests to the fake Bot API at 50/s
(the fake enforcing 60/s)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_helpers import due_minute, seed_due
from tests.e2e.delivery_process import BotProcess, free_port, write_config
from tests.fakes.telegram_api import FakeBotApi

CHATS = 300
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN, global_rate=60) as api:
        yield api


def read_metrics(text: str) -> Samples:
    """Every sample by name and labels, parsed by Prometheus' own text parser."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as answer:
        return answer.status, await answer.text()


async def until(check: Callable[[], object], timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():  # type: ignore[misc]
        assert loop.time() < deadline, "not reached in time"
        await asyncio.sleep(0.1)


async def test_metrics_move_during_a_delivery_and_health_follows_the_database(
    api: FakeBotApi, tmp_path: Path, processes: Callable[..., BotProcess]
):
    database = tmp_path / "bot.sqlite3"
    clock = SystemClock()
    async with await Store.open(database, clock) as store:
        await seed_due(store, range(20_000, 20_000 + CHATS), due_minute(clock.now(), 10))
    port = free_port()
    config = write_config(
        tmp_path,
        api,
        sections={"monitoring": {"enabled": True, "port": port}},
        global_per_second=50,
    )
    bot = processes(config)
    base = f"http://127.0.0.1:{port}"
    seen: list[Samples] = []
    async with aiohttp.ClientSession() as session:

        async def scrape() -> bool:
            try:
                status, text = await get(session, f"{base}/metrics")
            except aiohttp.ClientConnectionError:
                return False  # not listening yet
            assert status == 200
            seen.append(read_metrics(text))
            return (
                value(seen[-1], "briefbot_sends_total", platform="telegram", outcome="delivered")
                >= CHATS
            )

        await until(scrape, timeout=30)
        first = next(
            s
            for s in seen
            if value(s, "briefbot_queue_rows", platform="telegram", state="pending") > 0
        )
        last = read_metrics((await get(session, f"{base}/metrics"))[1])

        # The queue drained while the deliveries were counted, one by one.
        assert (
            value(first, "briefbot_sends_total", platform="telegram", outcome="delivered") < CHATS
        )
        assert value(last, "briefbot_queue_rows", platform="telegram", state="pending") == 0
        assert value(last, "briefbot_queue_rows", platform="telegram", state="sent") == CHATS
        answers = sum(
            v
            for (name, labels), v in last.items()
            if name == "briefbot_sends_total" and ("platform", "telegram") in labels
        )
        assert value(last, "briefbot_send_seconds_count", platform="telegram") == answers
        limited = value(last, "briefbot_sends_total", platform="telegram", outcome="rate_limited")
        assert limited == api.stats.rate_limited
        assert (value(last, "briefbot_flood_wait_seconds_total", platform="telegram") > 0) == (
            limited > 0
        )
        assert (
            value(last, "briefbot_subscribers", platform="telegram", state="subscribed") == CHATS
        )
        assert value(last, "briefbot_digests_total", result="enqueued") == CHATS
        assert value(last, "briefbot_tick_seconds_count") >= 1
        assert value(last, "briefbot_last_tick_timestamp_seconds") > 0
        assert value(last, "briefbot_content_entries", kind="briefs") > 0
        assert value(last, "briefbot_content_reload_failures_total") == 0
        versions = [dict(labels) for (name, labels) in last if name == "briefbot_content_info"]
        assert len(versions) == 1 and len(versions[0]["version"]) == 12
        assert api.stats.accepted == CHATS

        assert await get(session, f"{base}/healthz") == (200, "ok\n")
        assert await get(session, f"{base}/readyz") == (200, "ok\n")

        # The database file goes away (a volume unmounted, a file moved): both turn 503.
        moved = tmp_path / "elsewhere.sqlite3"
        database.rename(moved)
        try:
            status, reason = await get(session, f"{base}/healthz")
            assert status == 503 and "database unreachable" in reason
            status, reason = await get(session, f"{base}/readyz")
            assert status == 503 and "database unreachable" in reason
        finally:
            moved.rename(database)
        assert await get(session, f"{base}/healthz") == (200, "ok\n")

    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()
