"""The real bot as a process: killed mid-delivery, restarted, and stopped by a signal.

`python -m bot run` runs exactly as an operator starts it, with the token in the environment,
a config file pointing `telegram.base_url` at FakeBotApi (served by this test's event loop on
127.0.0.1) and a SQLite file in tmp_path holding subscribers who are due now. The fake counts
what Telegram would have shown each reader, so "nothing lost, nothing twice" is checked where
it matters: in the chats. One in-process test watches the bound a kill relies on throughout
a delivery, which a single kill at a random instant can only sample.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.bootstrap import live_catalog
from bot.delivery.ports import Limits
from bot.domain.clock import FakeClock, SystemClock
from bot.store import Store
from tests.e2e.delivery_helpers import (
    CONTENT,
    delivering_to,
    digest_counts,
    due_minute,
    outbox_rows,
    seed_due,
)
from tests.e2e.delivery_process import BotProcess, write_config
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # SIGKILL and SIGTERM mid-delivery

TOKEN = "5123456789:AAHfakeSecretPart-for_tests_0123456789"
CONCURRENCY = 8  # delivery.concurrency (the default): messages on the wire at once


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


async def subscribers_due_now(database: Path | str, count: int) -> list[int]:
    chat_ids = [10_000 + n for n in range(count)]
    clock = SystemClock()
    async with await Store.open(database, clock) as store:
        await seed_due(store, chat_ids, due_minute(clock.now(), minutes_ago=10))
    return chat_ids


async def queue(database: Path) -> dict[str, dict]:
    async with await Store.open(database, SystemClock()) as store:
        return await outbox_rows(store)


async def test_a_killed_bot_resumes_on_restart_losing_nothing_and_repeating_at_most_concurrency(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    """SIGKILL about half-way through 1,000 digests, restart, and count what readers got.

    Every digest is accepted by Telegram before the engine records it, so a kill can repeat
    only the messages accepted but not yet recorded at that instant. The engine promises that
    those are at most the sends it lets be in flight, `delivery.concurrency` (C = 8), hence
    at most C readers get a second copy. The lease is the shipped one (120 s): the rows the
    killed process had claimed are released at once because its worker lock is free, so the
    second process delivers everything long before that lease could have run out.
    """
    config = write_config(tmp_path, api, global_per_second=300, tick_seconds=1)
    chat_ids = await subscribers_due_now(tmp_path / "bot.sqlite3", 1000)

    first = processes(config)
    await api.wait_for(lambda: api.stats.accepted >= 450, timeout=20)
    first.signal(signal.SIGKILL)
    assert await first.wait(timeout=5) == -signal.SIGKILL
    assert 300 <= api.stats.accepted <= 600, "not killed half-way: this proves less than it says"

    at_kill = api.stats.accepted
    loop = asyncio.get_running_loop()
    restarted = loop.time()
    second = processes(config)
    await api.wait_for(lambda: api.stats.accepted > at_kill, timeout=5)

    def everyone_served() -> bool:
        return api.stats.accepted >= len(chat_ids) and all(digest_counts(api, chat_ids).values())

    await api.wait_for(everyone_served, timeout=20)
    assert loop.time() - restarted < 20  # not the 120 s lease
    assert "left unfinished by a stopped sender" in second.output()
    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=10) == 0, second.output()

    rows = await queue(tmp_path / "bot.sqlite3")
    assert len(rows) == len(chat_ids)
    assert {r["state"] for r in rows.values()} == {"sent"}
    counts = digest_counts(api, chat_ids)
    assert min(counts.values()) == 1  # nobody lost
    assert max(counts.values()) <= 2  # a repeat only of what was in flight at the kill
    assert sum(n == 2 for n in counts.values()) <= CONCURRENCY
    assert api.stats.failed == api.stats.rate_limited == 0


async def test_at_no_moment_are_more_than_concurrency_messages_accepted_but_unrecorded(
    api: FakeBotApi, store: Store, clock: FakeClock
):
    """The bound the kill test relies on, watched throughout an in-process delivery.

    Every 10 ms the test compares what the fake has accepted with the rows the outbox has
    recorded as sent (through a second connection to the file, as another process would).
    """
    chat_ids = [20_000 + n for n in range(400)]
    await seed_due(store, chat_ids, due_minute(clock.now()))
    unrecorded: list[int] = []

    async def watch(db: sqlite3.Connection) -> None:
        while True:
            accepted = api.stats.accepted  # first: a row recorded meanwhile only lowers it
            [(sent,)] = db.execute("SELECT count(*) FROM outbox WHERE state = 'sent'")
            unrecorded.append(accepted - sent)
            await asyncio.sleep(0.01)

    catalog = live_catalog(CONTENT)
    limits = Limits(per_second=300.0)
    with closing(sqlite3.connect(store.db.path)) as db:
        async with delivering_to(api, store, catalog, clock, limits=limits) as delivery:
            watcher = asyncio.create_task(watch(db))
            try:
                await delivery.tick_and_drain(timeout=20)
            finally:
                watcher.cancel()

    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    assert len(unrecorded) > 20
    assert max(unrecorded) <= CONCURRENCY


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_signal_during_delivery_exits_0_with_every_accepted_digest_recorded(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess], stop: signal.Signals
):
    """Sends on the wire when the signal arrives finish and are recorded; the rest go back.

    SIGTERM is what a service manager sends, SIGINT is Ctrl-C. Nothing may be left 'sending'
    (it would wait out a lease before anyone resumed it), and every digest Telegram accepted
    must be recorded 'sent', or the next start repeats it. The token never reaches the log.
    """
    config = write_config(tmp_path, api, claim_timeout_seconds=3, tick_seconds=1)
    chat_ids = await subscribers_due_now(tmp_path / "bot.sqlite3", 3 * CONCURRENCY)
    api.delay(None, 0.5, method="sendMessage")  # every send is on the wire for half a second
    bot = processes(config)
    await api.wait_for(lambda: api.stats.accepted >= CONCURRENCY, timeout=20)

    bot.signal(stop)
    assert await bot.wait(timeout=8) == 0, bot.output()

    rows = await queue(tmp_path / "bot.sqlite3")
    counts = digest_counts(api, chat_ids)
    assert {int(c) for c, r in rows.items() if r["state"] == "sent"} == {
        c for c, n in counts.items() if n
    }
    assert max(counts.values()) == 1
    assert {r["state"] for r in rows.values()} <= {"sent", "pending"}
    assert all(r["claimed_by"] is None for r in rows.values() if r["state"] == "pending")
    assert TOKEN.split(":")[1] not in bot.output()


async def test_sigterm_with_a_backlog_stops_sending_and_exits_once_the_wire_is_clear(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    """200 claimed digests and half-second answers: only the 8 sends in flight may finish."""
    config = write_config(tmp_path, api, global_per_second=300, tick_seconds=1)
    await subscribers_due_now(tmp_path / "bot.sqlite3", 200)
    api.delay(None, 0.5, method="sendMessage")
    bot = processes(config)
    await api.wait_for(lambda: api.stats.accepted >= CONCURRENCY, timeout=20)

    requested = len(api.calls("sendMessage"))
    bot.signal(signal.SIGTERM)
    code = await bot.wait(timeout=1.5)  # the wire is clear after half a second
    assert len(api.calls("sendMessage")) - requested <= CONCURRENCY  # nothing new started
    assert code == 0
