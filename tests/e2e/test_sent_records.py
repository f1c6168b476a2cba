"""Every message the queue delivers is recorded with the platform's id for it and what it
was made of, for corrections to find later; the records go with their retention and /forget.

The engine runs in-process on a real `telegram.Bot` against FakeBotApi over HTTP, with the
shipped library, so the message ids compared are the ones Telegram (the fake) gave.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.bootstrap import live_catalog
from bot.catalog.revisions import revision
from bot.domain.address import Address
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.delivery_helpers import CONTENT, PLATFORM, delivering_to, due_minute, seed_due
from tests.e2e.test_delivery_crash import TOKEN
from tests.fakes.telegram_api import FakeBotApi

CHATS = list(range(30_000, 30_020))


async def records(store: Store) -> list[dict]:
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            """SELECT c.chat_id, m.*, group_concat(e.entry_id || '@' || e.revision) AS entries
               FROM sent_messages m JOIN chats c ON c.id = m.chat_pk
               LEFT JOIN sent_entries e USING (chat_pk, job, key, part)
               GROUP BY m.id ORDER BY m.id"""
        )
    return [dict(row) for row in rows]


async def revisions(store: Store) -> dict[str, dict]:
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall("SELECT * FROM entry_revisions")
    return {row["revision"]: dict(row) for row in rows}


@pytest.fixture
async def delivered(store: Store, clock: FakeClock):
    """A morning's digests to CHATS, delivered; yields the fake that received them."""
    await seed_due(store, CHATS, due_minute(clock.now()))
    async with FakeBotApi(TOKEN) as api:
        async with delivering_to(api, store, live_catalog(CONTENT), clock) as delivery:
            await delivery.tick_and_drain(timeout=20)
        yield api


async def test_each_delivered_message_is_recorded_with_its_id_and_entries(
    delivered: FakeBotApi, store: Store, clock: FakeClock
) -> None:
    rows = await records(store)
    assert sorted({int(row["chat_id"]) for row in rows}) == CHATS
    kept = await revisions(store)
    for row in rows:
        [message] = [m for m in delivered.sent_to(int(row["chat_id"]))]
        assert row["message_id"] == str(message["message_id"])  # the id Telegram gave
        assert (row["job"], row["key"]) == ("digest", clock.now().date().isoformat())
        assert (row["part"], row["parts"], row["language"]) == (1, 1, "en")
        carried = dict(pair.split("@") for pair in row["entries"].split(","))
        assert len(carried) == 3  # two briefs and a prayer point
        for entry_id, rev in carried.items():
            body = kept[rev]["body"]
            assert kept[rev]["entry_id"] == entry_id and revision(body) == rev
            assert json.loads(body)["id"] == entry_id  # the entry as it was, to render again
            shown = json.loads(body).get("title") or ""
            assert shown in message["text"]


async def test_records_go_after_their_retention_and_with_a_forgotten_chat(
    delivered: FakeBotApi, store: Store, clock: FakeClock
) -> None:
    from bot.store.outbox import Outbox

    outbox = Outbox(store.db, clock)
    assert await outbox.prune_sent(before=clock.now() - timedelta(days=30)) == 0
    assert len(await records(store)) == len(CHATS)

    await store.forget(Address(PLATFORM, str(CHATS[0])))
    assert {row["chat_id"] for row in await records(store)} == {str(c) for c in CHATS[1:]}

    assert await outbox.prune_sent(before=clock.now() + timedelta(seconds=1)) == len(CHATS) - 1
    assert await records(store) == []
    assert await revisions(store) == {}  # no record needs them any more


async def test_a_reload_says_which_sent_entries_changed_and_how_many_copies_each_has(
    delivered: FakeBotApi, store: Store, clock: FakeClock
) -> None:
    """The operator learns which entries readers already hold in an older text."""
    from dataclasses import replace

    from bot.catalog.model import Library
    from bot.core.handlers.operator import changed_entries
    from bot.store.outbox import Outbox

    before = live_catalog(CONTENT).current.library

    def copies_sent(title: str) -> int:
        return sum(title in m["text"] for c in CHATS for m in delivered.sent_to(c))

    first, second = [b for b in before.briefs if copies_sent(b.title)][:2]  # today's briefs
    corrected = replace(first, summary=first.summary + " Corrected.")
    kept = [corrected if b is first else b for b in before.briefs if b is not second]
    after = Library(before.topics, tuple(kept), before.prayers)  # `second` dropped
    sent_first = copies_sent(first.title)

    changed = changed_entries(before, after)
    assert set(changed) == {first.id, second.id} and changed[second.id] == ""
    copies = await Outbox(store.db, clock).copies_of(changed)
    assert copies.get(first.id) == sent_first
    assert copies.get(second.id) == copies_sent(second.title)
    assert await Outbox(store.db, clock).copies_of(changed_entries(before, before)) == {}
