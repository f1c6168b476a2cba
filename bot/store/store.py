"""`Store`: the bot's persistent state behind one async facade.

Each method is one transaction on the store's single connection; the SQL lives in the modules
it delegates to (`chats`, `received`, `prayers`, `lifecycle`, `stats`), whose functions take a
connection so that other modules can compose them. A module with tables of its own (the
delivery queue) adds a numbered migration file and works through `store.db`, sharing this
connection and its lock:

    async with store.db.write() as connection:
        chat = await chats.fetch_chat(connection, address)
        ...
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType

from bot.domain.address import Address, ChatKind
from bot.domain.chat import UNSET, ChatRecord, Unset
from bot.domain.clock import Clock
from bot.domain.figures import PlatformCounts, StoreStats
from bot.store import chats, lifecycle, location, prayers, received, stats
from bot.store.db import Transactions
from bot.store.migrate import open_database

logger = logging.getLogger(__name__)


class Store:
    def __init__(self, db: Transactions, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    @classmethod
    async def open(cls, path: str | Path, clock: Clock) -> Store:
        """Open (creating the file and its folders) and migrate; see `migrate.open_database`.
        A `postgresql://` URL opens that server's database instead (`bot.store.pg`)."""
        if location.is_postgres(path):
            from bot.store.pg.database import open_pg

            return cls(await open_pg(str(path)), clock)
        return cls(await open_database(Path(path)), clock)

    @property
    def db(self) -> Transactions:
        """The shared connection, for modules that keep their own tables in this file."""
        return self._db

    async def close(self) -> None:
        """Let a running transaction finish, then close; safe to call twice."""
        await self._db.close()

    async def ping(self) -> None:
        """Raise StoreError unless the database can be reached and read (for /readyz)."""
        await self._db.ping()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # Chats and topics

    async def get_chat(self, address: Address) -> ChatRecord | None:
        async with self._db.read() as connection:
            return await chats.fetch_chat(connection, address)

    async def ensure_chat(
        self, address: Address, kind: ChatKind, *, delivery_time: time, timezone: str
    ) -> ChatRecord:
        """The chat's record, inserted unsubscribed with these settings if it is new."""
        async with self._db.write() as connection:
            return await chats.ensure_chat(
                connection,
                address,
                kind,
                delivery_time=delivery_time,
                timezone=timezone,
                now=self._clock.now(),
            )

    async def update_chat(
        self,
        address: Address,
        *,
        subscribed: bool | None = None,
        delivery_time: time | None = None,
        timezone: str | None = None,
        next_due_utc: datetime | Unset | None = UNSET,
        last_day: date | Unset | None = UNSET,
        deactivated_reason: str | Unset | None = UNSET,
        language: str | None = None,
    ) -> ChatRecord:
        """Change the fields given; raises `ChatNotFoundError` for an unknown chat.

        Deactivating unsubscribes and subscribing clears the deactivation (`chats.update_chat`).
        """
        async with self._db.write() as connection:
            return await chats.update_chat(
                connection,
                address,
                now=self._clock.now(),
                subscribed=subscribed,
                delivery_time=delivery_time,
                timezone=timezone,
                next_due_utc=next_due_utc,
                language=language,
                last_day=last_day,
                deactivated_reason=deactivated_reason,
            )

    async def follow(self, address: Address, slug: str) -> bool:
        """True if newly followed; raises `ChatNotFoundError` for an unknown chat."""
        async with self._db.write() as connection:
            return await chats.follow(connection, address, slug, now=self._clock.now())

    async def unfollow(self, address: Address, slug: str) -> bool:
        """True if it was followed."""
        async with self._db.write() as connection:
            return await chats.unfollow(connection, address, slug, now=self._clock.now())

    async def forget(self, address: Address) -> bool:
        """Delete the chat and everything about it; True if anything was stored."""
        async with self._db.write() as connection:
            forgotten = await lifecycle.forget(connection, address)
        if forgotten:
            await self._db.purge_log()
        return forgotten

    async def move_chat(self, old: Address, new: Address) -> ChatRecord | None:
        """Follow a chat to its new address, merging if both exist (`lifecycle.move_chat`)."""
        async with self._db.write() as connection:
            return await lifecycle.move_chat(connection, old, new, now=self._clock.now())

    # What each chat received

    async def received_before(self, pk: int, day: date) -> dict[str, date]:
        """Entry id -> the latest day before `day` that the chat was sent it."""
        async with self._db.read() as connection:
            return await received.received_before(connection, pk, day)

    async def mark_received(self, pk: int, entry_ids: Iterable[str], day: date) -> None:
        async with self._db.write() as connection:
            await received.mark_received(connection, pk, entry_ids, day)

    # Prayers

    async def record_prayer(
        self, address: Address, prayer_id: str, day: date, person: str = ""
    ) -> tuple[bool, int]:
        """(newly counted, how many people prayed this prayer point on that day)."""
        async with self._db.write() as connection:
            return await prayers.record_prayer(connection, address, person, prayer_id, day)

    async def prayer_count(self, prayer_id: str, day: date) -> int:
        async with self._db.read() as connection:
            return await prayers.prayer_count(connection, prayer_id, day)

    async def prune_prayers(self, before: date) -> int:
        """Forget who prayed before `before` (the counts stay); returns rows removed."""
        async with self._db.write() as connection:
            removed = await prayers.prune(connection, before)
        logger.info("pruned %d prayer records before %s", removed, before)
        return removed

    # Operators

    async def stats(self, today: date | None = None, *, top: int = 5) -> StoreStats:
        """Counts for operators; `today` defaults to the clock's UTC date."""
        day = today or self._clock.now().date()
        async with self._db.read() as connection:
            return await stats.collect(connection, day, top)

    async def platform_counts(self) -> dict[str, PlatformCounts]:
        """Chats by platform and state, and nothing else: cheap enough for every scrape."""
        async with self._db.read() as connection:
            return await stats.platform_counts(connection)
