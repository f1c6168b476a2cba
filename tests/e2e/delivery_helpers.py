"""What the delivery end-to-end tests share: seeded subscribers, a spied engine, the outbox.

In-process tests wire the real `DeliveryEngine` to a real `telegram.Bot` through
`TelegramSender` (`delivering_to`), with a `SpySender` in between that notes when each send
started and how it ended — the engine's view, which the fake's own records (what it accepted,
and when) are checked against. `delivery_process` runs the whole bot as a process instead.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.request import BaseRequest

from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.mapping import PLATFORM
from bot.adapters.telegram.sender import TelegramSender
from bot.catalog.live import LiveCatalog
from bot.core.composer import Composer
from bot.core.reply import Reply
from bot.delivery.engine import DeliveryEngine
from bot.delivery.outcomes import Outcome
from bot.delivery.ports import Limits
from bot.delivery.settings import EngineSettings
from bot.domain.address import Address, ChatKind
from bot.domain.clock import Clock
from bot.store import Store, chats
from bot.store.outbox import Outbox
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_objects import JSONDict

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
DIGEST_TITLE = "Daily brief — "
# Retries come back at once (sub-second backoff rounds to "now" in the queue's whole seconds)
# and idle drain loops notice new rows within 50 ms.
FAST = EngineSettings(backoff_seconds=0.05, poll_seconds=0.05)
# Telegram's 30 messages a second overall, but a retry to the same chat need not wait 1 s.
QUICK_RETRIES = Limits(per_second=30.0, chat_interval=0.1)


def due_minute(now: datetime, minutes_ago: int = 30) -> datetime:
    """A whole-minute instant `minutes_ago` before `now`: delivery times are HH:MM."""
    return (now - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)


async def seed_due(
    store: Store, chat_ids: Iterable[int], due: datetime, kind: ChatKind = ChatKind.PRIVATE
) -> None:
    """Subscribe every chat with a UTC delivery time of `due`, and make it due at `due`."""
    async with store.db.write() as connection:  # one transaction: a thousand chats in ~0.1 s
        for chat_id in chat_ids:
            address = Address(PLATFORM, str(chat_id))
            await chats.ensure_chat(
                connection, address, kind, delivery_time=due.time(), timezone="UTC", now=due
            )
            await chats.update_chat(
                connection, address, now=due, subscribed=True, next_due_utc=due
            )


async def outbox_rows(store: Store) -> dict[str, dict]:
    """The queue, one row per chat id (each test queues at most one job per chat)."""
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            "SELECT o.*, c.chat_id FROM outbox o JOIN chats c ON c.id = o.chat_pk ORDER BY o.id"
        )
    return {row["chat_id"]: dict(row) for row in rows}


def digests(api: FakeBotApi, chat_id: int) -> list[JSONDict]:
    """Messages that open a digest in the chat (a long digest's later parts are not counted)."""
    return [m for m in api.sent_to(chat_id, edits=False) if m["text"].startswith(DIGEST_TITLE)]


def digest_counts(api: FakeBotApi, chat_ids: Iterable[int]) -> Counter[int]:
    return Counter({chat_id: len(digests(api, chat_id)) for chat_id in chat_ids})


def send_attempts(api: FakeBotApi, chat_id: int) -> int:
    """sendMessage requests about the chat that reached the fake, whatever their answer."""
    return sum(1 for params in api.calls("sendMessage") if params.get("chat_id") == chat_id)


@dataclass(frozen=True)
class Attempt:
    chat_id: str
    message: object  # what the engine handed over: a TelegramMessage
    started: float  # time.monotonic(), the event loop's clock
    ended: float
    outcome: Outcome


class SpySender:
    """A platform sender that passes everything to the real one and notes each attempt."""

    def __init__(self, inner: TelegramSender) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.limits = inner.limits
        self.pacer = inner.pacer
        self.attempts: list[Attempt] = []

    def render(self, reply: Reply) -> Sequence[object]:
        return self.inner.render(reply)

    async def send(self, chat_id: str, message: object) -> Outcome:
        started = time.monotonic()
        outcome = await self.inner.send(chat_id, message)
        self.attempts.append(Attempt(chat_id, message, started, time.monotonic(), outcome))
        return outcome

    async def edit(self, chat_id: str, message_id: str, message: object) -> Outcome:
        started = time.monotonic()
        outcome = await self.inner.edit(chat_id, message_id, message)
        self.attempts.append(Attempt(chat_id, message, started, time.monotonic(), outcome))
        return outcome

    async def delete(self, chat_id: str, message_id: str) -> Outcome:
        started = time.monotonic()
        outcome = await self.inner.delete(chat_id, message_id)
        self.attempts.append(Attempt(chat_id, None, started, time.monotonic(), outcome))
        return outcome

    def outcomes(self, of: type) -> list[Attempt]:
        return [a for a in self.attempts if isinstance(a.outcome, of)]


@dataclass
class Delivery:
    engine: DeliveryEngine
    sender: SpySender
    store: Store

    async def tick_and_drain(self, timeout: float = 10.0) -> None:
        """Queue whoever is due, then wait until nothing is ready to send."""
        await self.engine.tick()
        await self.engine.run_until_idle(timeout=timeout)


@asynccontextmanager
async def delivering_to(
    api: FakeBotApi,
    store: Store,
    catalog: LiveCatalog,
    clock: Clock,
    *,
    settings: EngineSettings = FAST,
    limits: Limits | None = None,
    request: BaseRequest | None = None,
    max_briefs: int = 2,
    style: str = "short",
) -> AsyncIterator[Delivery]:
    """The engine started on a real `telegram.Bot` pointed at `api`, talking HTTP through the
    request class the bot ships with; stopped on exit."""
    bot = Bot(
        api.token,
        base_url=api.base_url,
        base_file_url=api.base_file_url,
        request=request or AiohttpRequest(),
    )
    async with bot:
        sender = SpySender(TelegramSender(bot, limits or QUICK_RETRIES))
        outbox, composer = Outbox(store.db, clock), Composer(catalog, max_briefs, style=style)
        engine = DeliveryEngine(store, outbox, composer, [sender], clock, settings)
        await engine.start()
        try:
            yield Delivery(engine, sender, store)
        finally:
            await engine.stop()
