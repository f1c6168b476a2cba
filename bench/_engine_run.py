"""The engine's side of `bench.broadcast`: briefbot wired as `briefbot run` wires it, in a process
of its own, with N subscribers due now in a temporary SQLite file.

With no fake server to talk to, the platform sender is wrapped in `NullSender`, which renders
every message as the real one does and then sends nothing: what is left is the engine's own
cost (store, queue, composition, rendering, pacing), measured the same way.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench._common import peak_rss_mb
from bot.core.reply import Reply
from bot.delivery.outcomes import Delivered, Outcome

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


def engine_child(
    pipe: Connection,
    platform: str,
    base_url: str | None,
    count: int,
    rate: float,
    settings: dict[str, Any],
) -> None:
    logging.basicConfig(level=logging.WARNING)
    pipe.send(asyncio.run(run_engine(platform, base_url, count, rate, settings)))


async def run_engine(
    platform: str, base_url: str | None, count: int, rate: float, settings: dict[str, Any]
) -> dict[str, Any]:
    """Seed, tick once, drain at `rate` (beyond any configurable limit for a ceiling run);
    `settings` override `delivery.*` settings (e.g. concurrency)."""
    from bot.bootstrap import delivery_engine, open_services
    from bot.config import Config, DeliveryConfig
    from bot.runner import settle_heap

    side = platform_module(platform)
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        config = Config(
            content_dir=ROOT / "content",
            database=Path(folder) / "bench.sqlite3",
            delivery=DeliveryConfig(**settings),
        )
        async with open_services(config, platforms=[platform]) as services:
            await seed_due(services, platform, count)
            bot = side.make_bot(base_url)
            sender = side.make_sender(bot, replace(side.limits(config), per_second=rate))
            null = None if base_url else NullSender(sender)
            if base_url:
                await bot.initialize()
            try:
                engine = delivery_engine(services, [null or sender], config)
                settle_heap()  # as `delivering` does before the engine starts
                started = time.monotonic()
                tick = await engine.tick()
                enqueued = time.monotonic()
                await engine.start()
                try:
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
    if null is not None:
        figures["records"] = null.records()
    return figures


async def seed_due(services: Any, platform: str, count: int) -> None:
    """N private chats due at the start of this minute, spread over a few zones (so their local
    days differ), a quarter following two topics (so digests differ), in one transaction."""
    now = services.clock.now().replace(second=0, microsecond=0)
    due, stamp = int(now.timestamp()), int(time.time())
    slugs = [topic.slug for topic in services.catalog.current.library.topics]
    local = {zone: now.astimezone(ZoneInfo(zone)).strftime("%H:%M") for zone in ZONES}
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
