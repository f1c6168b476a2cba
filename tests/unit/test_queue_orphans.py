"""No queue row outlives its chat, on either backend (PostgreSQL's queue has no foreign key to
chats since migration 011: the store keeps the rule itself)."""

from __future__ import annotations

from datetime import time

import pytest

from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.store import Store
from bot.store.outbox import Outbox

ALICE = Address("telegram", "1")
BOB = Address("telegram", "2")


async def queued(store: Store) -> list[int]:
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall("SELECT chat_pk FROM outbox ORDER BY chat_pk")
    return [row[0] for row in rows]


async def subscribed(store: Store, address: Address, clock: FakeClock) -> int:
    chat = await store.ensure_chat(
        address, ChatKind.PRIVATE, delivery_time=time(6, 0), timezone="UTC"
    )
    await store.update_chat(address, subscribed=True, next_due_utc=clock.now())
    return chat.pk


async def broadcast(outbox: Outbox) -> None:
    draft, _ = await outbox.draft_broadcast("A word to everyone", ["telegram"])
    assert await outbox.confirm_broadcast(draft, ["telegram"])


async def test_forget_deletes_the_chats_queued_messages(store: Store, clock: FakeClock) -> None:
    outbox = Outbox(store.db, clock)
    alice = await subscribed(store, ALICE, clock)
    bob = await subscribed(store, BOB, clock)
    await broadcast(outbox)
    assert await queued(store) == [alice, bob]
    assert await store.forget(ALICE)
    assert await queued(store) == [bob]


async def test_a_claimed_row_whose_chat_is_gone_is_deleted(
    store: Store, clock: FakeClock, backend: str
) -> None:
    """A broadcast queued from one instance for a chat another instance forgot at that
    moment: the claim finds no chat, sends nothing and deletes the row."""
    if backend == "sqlite":
        pytest.skip("SQLite's foreign key makes such a row impossible")
    outbox = Outbox(store.db, clock)
    bob = await subscribed(store, BOB, clock)
    await broadcast(outbox)
    async with store.db.write() as connection:
        await connection.execute(
            "INSERT INTO outbox (chat_pk, platform, job, key, not_before, created_at) "
            "SELECT 9999, platform, job, key, not_before, created_at FROM outbox"
        )
    jobs = await outbox.claim("telegram", "worker", 10)
    assert [job.chat_pk for job in jobs] == [bob]
    assert await queued(store) == [bob]
