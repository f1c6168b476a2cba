"""The real APScheduler drives the delivery tick inside our event loop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.delivery.ticker import HOUSEKEEPING_SECONDS, Ticker, tick_trigger


async def wait_until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.mark.timing
async def test_the_tick_runs_at_start_and_then_at_its_interval():
    runs: list[float] = []

    async def tick() -> None:
        runs.append(asyncio.get_running_loop().time())

    ticker = Ticker(tick, seconds=0.05)
    ticker.start()
    try:
        await wait_until(lambda: len(runs) >= 3)
    finally:
        await ticker.stop()
    assert runs[1] - runs[0] < 1.0  # the first run did not wait a whole interval's worth of setup


@pytest.mark.timing
async def test_a_failing_tick_is_logged_and_the_next_one_still_runs(caplog):
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database busy")

    ticker = Ticker(flaky, seconds=0.05)
    ticker.start()
    try:
        await wait_until(lambda: calls >= 2)
    finally:
        await ticker.stop()
    assert "delivery-tick failed" in caplog.text


async def test_housekeeping_runs_alongside_the_tick():
    done = asyncio.Event()

    async def nothing() -> None:
        return None

    async def housekeeping() -> None:
        done.set()

    ticker = Ticker(nothing, seconds=60, housekeeping=housekeeping)
    ticker.start()
    try:
        await asyncio.wait_for(done.wait(), 5)
    finally:
        await ticker.stop()


@pytest.mark.parametrize(
    ("seconds", "after", "fires"),
    [
        (60, "07:29:59.999", "07:30:00"),
        (60, "07:30:00", "07:30:00"),  # a fire on the instant asked counts
        (60, "07:30:00.001", "07:31:00"),
        (15, "07:30:01", "07:30:15"),
        (1, "07:30:00.5", "07:30:01"),
        (HOUSEKEEPING_SECONDS, "07:30:00", "08:00:00"),
    ],
)
def test_ticks_fire_on_the_minute_or_on_multiples_of_a_test_interval(seconds, after, fires):
    day = "2026-11-23T"
    now = datetime.fromisoformat(day + after).replace(tzinfo=UTC)
    expected = datetime.fromisoformat(day + fires).replace(tzinfo=UTC)
    assert tick_trigger(seconds).get_next_fire_time(None, now) == expected


async def test_a_stop_lets_a_running_job_finish_instead_of_cutting_it_off():
    started, finished = asyncio.Event(), asyncio.Event()

    async def nothing() -> None:
        return None

    async def slow_housekeeping() -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.set()

    ticker = Ticker(nothing, seconds=60, housekeeping=slow_housekeeping)
    ticker.start()
    await asyncio.wait_for(started.wait(), 5)
    await ticker.stop()
    assert finished.is_set()
