"""The store's PostgreSQL connection survives the server dropping it (a restart, a failover,
an administrator ending the session): the next use connects again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time

import asyncpg

from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.store import Store

CLOCK = FakeClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
ADDRESS = Address("telegram", "1")
SEVEN = time(7, 0)


async def end_every_other_session(url: str) -> int:
    admin = await asyncpg.connect(url)
    try:
        return await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()


async def test_a_session_the_server_ended_is_replaced_at_the_next_use(postgres_url: str) -> None:
    async with await Store.open(postgres_url, CLOCK) as store:
        await store.ensure_chat(ADDRESS, ChatKind.PRIVATE, delivery_time=SEVEN, timezone="UTC")
        assert await end_every_other_session(postgres_url) == 1
        await asyncio.sleep(0.1)  # the loop hears the connection close
        assert await store.get_chat(ADDRESS) is not None
        await store.ping()


async def test_a_drop_not_yet_noticed_is_replaced_too(postgres_url: str) -> None:
    """Ended while the loop could not see it: the first statement finds it gone."""
    async with await Store.open(postgres_url, CLOCK) as store:
        await store.ensure_chat(ADDRESS, ChatKind.PRIVATE, delivery_time=SEVEN, timezone="UTC")
        assert await end_every_other_session(postgres_url) == 1
        assert await store.get_chat(ADDRESS) is not None
