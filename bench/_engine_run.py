"""The engine's side of `bench.broadcast`: briefbot wired as `briefbot run` wires it, in a process
of its own, with N subscribers due now in a temporary SQLite file (or, given its URL, in an
empty PostgreSQL database the parent made on the server it started).

With no fake server to talk to, the platform sender is wrapped in `NullSender`, which renders
every message as the real one does and then sends nothing: what is left is the engine's own
cost (store, queue, composition, rendering, pacing), measured the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
import logging
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench._common import peak_rss_mb
from bench._postgres import prayer_key
from bot.core.reply import Reply
from bot.delivery.outcomes import Delivered, Outcome
from bot.domain.queue import EnqueueResult

ROOT = Path(__file__).resolve().parent.parent
FIRST_CHAT = 10_000_001
ZONES = ("Asia/Seoul", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
PLATFORMS = {"telegram": "bench._telegram"}  # platform -> module of the bench's platform side


def platform_module(name: str) -> Any:
    return importlib.import_module(PLATFORMS[name])


def chat_ids(count: int) -> list[str]:
    return [str(FIRST_CHAT + n) for n in range(count)]


class NullSender:
    """Renders like `inner`, sends nothing, and records what it "accepted" as the fake does."""

    def __init__(self, inner: Any) -> None:
        self.platform, self.limits, self._inner = inner.platform, inner.limits, inner
        self.pacer = inner.pacer
        self.accepted_at: list[float] = []
        self.per_chat: Counter[int] = Counter()

    def render(self, reply: Reply) -> Sequence[object]:
        return self._inner.render(reply)

    async def send(self, chat_id: str, message: object) -> Outcome:
        await asyncio.sleep(0)  # a send always yields to the event loop at least once
        self.accepted_at.append(time.monotonic())
        self.per_chat[int(chat_id)] += 1
        return Delivered()

    def records(self) -> dict[str, Any]:
        return {
            "accepted": len(self.accepted_at),
            "rate_limited": 0,
            "accepted_at": self.accepted_at,
            "per_chat": dict(self.per_chat),
        }


def engine_child(pipe: Connection, *args: Any, **options: Any) -> None:
    """`run_engine(*args, **options)` in a child process; its figures go back on `pipe`."""
    logging.basicConfig(level=logging.WARNING)
    pipe.send(asyncio.run(run_engine(*args, **options)))


# Everyone due at the next minute, queued by the real scheduler's tick (as `briefbot run`
# starts it): the figures then include the start lag.
scheduled_engine_child = functools.partial(engine_child, scheduled=True)


async def run_engine(
    platform: str,
    base_url: str | None,
    count: int,
    rate: float,
    settings: dict[str, Any],
    scheduled: bool = False,
    database: str | None = None,
) -> dict[str, Any]:
    """Seed, tick once, drain at `rate` (beyond any configurable limit for a ceiling run);
    `settings` override `delivery.*` settings (e.g. concurrency). `scheduled`: seed everyone
    due at the next minute and let the scheduler's tick find them; report `due_monotonic`,
    the due instant on the monotonic clock the fake stamps acceptances with. `database`: an
    empty PostgreSQL database's URL to run on instead of a temporary SQLite file."""
    from bot.bootstrap import delivery_engine, open_services
    from bot.config import Config, DeliveryConfig
    from bot.runner import settle_heap

    side = platform_module(platform)
    if database is not None:
        prayer_key()
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        config = Config(
            content_dir=ROOT / "content",
            database=database or Path(folder) / "bench.sqlite3",
            delivery=DeliveryConfig(**settings),
        )
        async with open_services(config, platforms=[platform]) as services:
            now = services.clock.now()
            due = now.replace(second=0, microsecond=0) + timedelta(minutes=scheduled)
            due_monotonic = time.monotonic() + (due - now).total_seconds()
            await seed_due(services, platform, count, due)
            bot = side.make_bot(base_url)
            sender = side.make_sender(bot, replace(side.limits(config), per_second=rate))
            null = None if base_url else NullSender(sender)
            if base_url:
                await bot.initialize()
            try:
                engine = delivery_engine(services, [null or sender], config)
                settle_heap()  # as `delivering` does before the engine starts
                await engine.start()
                started = due_monotonic if scheduled else time.monotonic()
                try:
                    async with ticked(engine, config.delivery.tick_seconds, scheduled) as tick:
                        enqueued = time.monotonic()
                        await engine.run_until_idle(timeout=max(120.0, 3 * count / rate + 60))
                finally:
                    await engine.stop()
                finished = time.monotonic()
            finally:
                if base_url:
                    await bot.shutdown()
            async with services.store.db.read() as connection:
                rows = await connection.execute_fetchall(
                    "SELECT state, count(*), sum(parts_sent) FROM outbox GROUP BY state"
                )
    figures: dict[str, Any] = {
        "enqueued": tick.enqueued,
        "tick_seconds": round(enqueued - started, 3),
        "seconds": finished - started,
        "flood_waits": engine.flood_waits,
        "states": {state: n for state, n, _ in rows},
        "parts": sum(parts or 0 for _, _, parts in rows),
        "peak_rss_mb": peak_rss_mb(),
    }
    if scheduled:
        figures["due_monotonic"] = due_monotonic
    if null is not None:
        figures["records"] = null.records()
    return figures


@contextlib.asynccontextmanager
async def ticked(engine: Any, seconds: int, scheduled: bool) -> AsyncIterator[EnqueueResult]:
    """Tick once now, or (`scheduled`) run the real scheduler's tick until it has queued
    something; yield what the tick queued."""
    from bot.delivery.ticker import Ticker

    if not scheduled:
        yield await engine.tick()
        return

    queued: asyncio.Future[EnqueueResult] = asyncio.get_running_loop().create_future()

    async def tick() -> None:
        result = await engine.tick()
        if result.enqueued and not queued.done():
            queued.set_result(result)

    ticker = Ticker(tick, seconds)
    ticker.start()
    try:
        yield await asyncio.wait_for(queued, 90)
    finally:
        await ticker.stop()


async def seed_due(services: Any, platform: str, count: int, when: datetime) -> None:
    """N private chats due at the minute `when`, spread over a few zones (so their local days
    differ), a quarter following two topics (so digests differ), in one transaction."""
    due, stamp = int(when.timestamp()), int(time.time())
    slugs = [topic.slug for topic in services.catalog.current.library.topics]
    local = {zone: when.astimezone(ZoneInfo(zone)).strftime("%H:%M") for zone in ZONES}
    chats, follows = [], []
    for n, chat_id in enumerate(chat_ids(count)):
        zone = ZONES[n % len(ZONES)]
        chats.append((n + 1, platform, chat_id, local[zone], zone, due, stamp, stamp))
        if n % 4 == 0:
            follows += [(n + 1, slugs[n % len(slugs)]), (n + 1, slugs[(n // 4) % len(slugs)])]
    async with services.store.db.write() as connection:
        await connection.executemany(
            """INSERT INTO chats (id, platform, chat_id, kind, subscribed, delivery_time,
                                  timezone, next_due_utc, created_at, updated_at)
               VALUES (?, ?, ?, 'private', 1, ?, ?, ?, ?, ?)""",
            chats,
        )
        await connection.executemany(
            "INSERT OR IGNORE INTO follows (chat_pk, topic) VALUES (?, ?)", follows
        )
