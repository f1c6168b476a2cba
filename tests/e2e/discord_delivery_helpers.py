"""Scheduled delivery on Discord, wired as production wires it, for the delivery tests.

The real `DiscordSender` (discord.py's REST client over HTTP) sends to a `FakeDiscord` on
127.0.0.1; the real store, queue and engine run on a SQLite file with the shipped content.
These helpers seed Discord subscribers, run the engine in this process, and read back from the
fake's records what each channel actually received.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.discord.sender import PLATFORM, DiscordSender, discord_sender
from bot.bootstrap import live_catalog
from bot.core.composer import Composer
from bot.delivery.engine import DeliveryEngine
from bot.delivery.settings import EngineSettings
from bot.domain.address import Address, ChatKind
from bot.domain.chat import ChatRecord
from bot.domain.clock import Clock, FakeClock
from bot.store import Store
from bot.store.outbox import Outbox
from tests.fakes.discord_api import FakeChannel, FakeDiscord, FakeGuild, RecordedRequest

CONTENT = Path(__file__).resolve().parents[2] / "content"
TOKEN = "MTIwMDAwMDAwMDAwMDAwMDAwMg.fake.discord-delivery-token"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday
TODAY_TITLE = "Daily brief — Monday 23 November 2026"
MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"
CONCURRENCY = 8  # the engine's default: at most this many messages on the wire at once
FIRST_CHANNEL = 1300000000000001000


def server_with_channels(count: int, first_id: int = FIRST_CHANNEL) -> FakeGuild:
    """A server (guild) whose text channels have consecutive ids from `first_id`."""
    channels = tuple(FakeChannel(first_id + n, f"prayer-{n}") for n in range(count))
    return FakeGuild(id=1300000000000000500, name="Many churches", channels=channels)


async def subscribe(
    store: Store, channel_id: int, due: datetime, kind: ChatKind = ChatKind.SERVER_CHANNEL
) -> ChatRecord:
    """A Discord channel (or a user's DM channel) subscribed and due at `due`."""
    address = Address(PLATFORM, str(channel_id))
    local = due.astimezone(UTC).time().replace(second=0, microsecond=0)
    await store.ensure_chat(address, kind, delivery_time=local, timezone="UTC")
    return await store.update_chat(address, subscribed=True, next_due_utc=due)


async def subscribe_all(
    store: Store,
    channel_ids: Iterable[int],
    due: datetime,
    kind: ChatKind = ChatKind.SERVER_CHANNEL,
) -> None:
    for channel_id in channel_ids:
        await subscribe(store, channel_id, due, kind)


async def chat(store: Store, channel_id: int) -> ChatRecord | None:
    return await store.get_chat(Address(PLATFORM, str(channel_id)))


def posts_to(fake: FakeDiscord, channel_id: int) -> list[RecordedRequest]:
    """Every message create the fake saw for the channel, answered or refused."""
    path = f"/channels/{channel_id}/messages"
    return [r for r in fake.requests if r.route == MESSAGES_ROUTE and r.path == path]


def digests(fake: FakeDiscord, channel_id: int) -> list[dict[str, Any]]:
    """The daily digests now in the channel (first embed titled "Daily brief — ...")."""
    return [
        m for m in fake.messages(channel_id)
        if m["embeds"] and m["embeds"][0].get("title", "").startswith("Daily brief")
    ]


async def outbox_rows(store: Store) -> dict[str, dict[str, Any]]:
    """Queue rows by chat id."""
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            "SELECT o.*, c.chat_id FROM outbox o JOIN chats c ON c.id = o.chat_pk"
        )
    return {row["chat_id"]: dict(row) for row in rows}


@dataclass
class Delivery:
    """The engine delivering on the fake, and the pieces a test checks afterwards."""

    fake: FakeDiscord
    store: Store
    engine: DeliveryEngine
    sender: DiscordSender
    clock: FakeClock

    async def deliver_due(self, timeout: float = 15.0) -> None:
        """Tick once and wait until nothing more is ready to send."""
        await self.engine.tick()
        await self.engine.run_until_idle(timeout)

    async def after_backoff(self, timeout: float = 15.0) -> None:
        """Move the clock past any retry backoff and drain again."""
        self.clock.advance(minutes=5)
        self.engine.wake()
        await self.engine.run_until_idle(timeout)


@asynccontextmanager
async def delivering(
    fake: FakeDiscord, database: Path, clock: FakeClock | None = None, **sender_options: Any
) -> AsyncIterator[Delivery]:
    """The engine with the real Discord sender on `fake`, started; stopped and closed after."""
    clock = clock or FakeClock(NOW)
    store = await Store.open(database, clock)
    sender = await discord_sender(TOKEN, fake.rest_base, **sender_options)
    try:
        engine = engine_for(store, sender, clock)
        await engine.start()
        try:
            yield Delivery(fake, store, engine, sender, clock)
        finally:
            await engine.stop()
    finally:
        await sender.close()
        await store.close()


def engine_for(
    store: Store, sender: DiscordSender, clock: Clock, **settings: Any
) -> DeliveryEngine:
    """The engine on the shipped content, polling fast so tests do not wait on it."""
    options = {"poll_seconds": 0.05, "concurrency": CONCURRENCY} | settings
    return DeliveryEngine(
        store, Outbox(store.db, clock), Composer(live_catalog(CONTENT)), [sender], clock,
        EngineSettings(**options),
    )


def just_due(now: datetime | None = None) -> datetime:
    """A due instant a minute ago (by the real clock unless `now` is given)."""
    return (now or datetime.now(UTC)) - timedelta(minutes=1)
