"""The services a handler may use, and the per-request view of them.

`Services` is built once by `bot.bootstrap`; a `Context` wraps it for one request so handlers
can ask "what is this chat's record?" or "what day is it there?" without repeating lookups.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.catalog.catalog import Catalog
from bot.catalog.live import LiveCatalog
from bot.core.languages import DEFAULT_LANGUAGE, supported
from bot.core.request import Request
from bot.domain.chat import ChatRecord
from bot.domain.clock import Clock
from bot.domain.ports import ChatStore, Queue
from bot.domain.schedule import local_date


@dataclass(frozen=True)
class CoreSettings:
    default_time: time = time(7, 0)
    default_timezone: str = "UTC"
    max_briefs: int = 2
    operators: frozenset[tuple[str, str]] = frozenset()
    protect_content: bool = False
    archive_after_months: int = 12
    digest_style: str = "short"  # "short": leads and Read more; "full": whole summaries
    default_language: str = DEFAULT_LANGUAGE  # for chats the platform gives no hint about
    sent_records_days: int = 30  # how far back a correction reaches (`delivery` settings)


@dataclass(frozen=True)
class Services:
    """What the core works with, by protocol: any store backend will do."""

    store: ChatStore
    outbox: Queue  # the handlers use its broadcasts and figures; the engine shares it
    catalog: LiveCatalog
    clock: Clock
    settings: CoreSettings = field(default_factory=CoreSettings)
    platforms: tuple[str, ...] = ()  # platforms the delivery engine sends on
    # The deployment's secret for "I prayed": who pressed is kept only as a hash keyed with
    # it (`bot.core.people`). Tests and the console may leave the random default.
    prayer_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    # Set when the core queues rows (a broadcast): the delivery engine, given the same event
    # by the wiring, stops waiting for its next poll.
    queued: asyncio.Event = field(default_factory=asyncio.Event)


class Context:
    def __init__(self, services: Services, request: Request) -> None:
        self.services = services
        self.request = request
        self._chat: ChatRecord | None = None
        self._looked_up = False

    @property
    def store(self) -> ChatStore:
        return self.services.store

    @property
    def catalog(self) -> Catalog:
        return self.services.catalog.current

    @property
    def settings(self) -> CoreSettings:
        return self.services.settings

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def is_operator(self) -> bool:
        user = self.request.user_id
        return (
            user is not None and (self.request.address.platform, user) in self.settings.operators
        )

    async def chat(self) -> ChatRecord | None:
        """This chat's stored record, if it has one (looked up once per request)."""
        if not self._looked_up:
            self._chat = await self.store.get_chat(self.request.address)
            self._looked_up = True
        return self._chat

    async def ensure_chat(self) -> ChatRecord:
        """The chat's record, created unsubscribed with the default settings if missing, in
        the language the platform hints at (whoever writes first, in a shared chat)."""
        chat = await self.chat()
        if chat is None:
            chat = await self.store.ensure_chat(
                self.request.address,
                self.request.kind,
                delivery_time=self.settings.default_time,
                timezone=self.settings.default_timezone,
            )
            if (hint := supported(self.request.language)) is not None:
                chat = await self.store.update_chat(self.request.address, language=hint)
            self.remember(chat)
        return chat

    async def language(self) -> str:
        """The language to answer in: the chat's, else the platform's hint (which a chat
        stored before it had a language now keeps), else the configured default."""
        chat = await self.chat()
        if chat is not None and chat.language:
            return chat.language
        hint = supported(self.request.language)
        if chat is not None and hint is not None:
            self.remember(await self.store.update_chat(self.request.address, language=hint))
        return hint or self.settings.default_language

    def remember(self, chat: ChatRecord | None) -> None:
        self._chat, self._looked_up = chat, True

    async def zone(self) -> str:
        chat = await self.chat()
        return chat.timezone if chat else self.settings.default_timezone

    async def today(self) -> date:
        """The chat's local date: 'today' means the reader's today, not the server's."""
        return local_date(self.now, await self.zone())
