"""Anonymous prayer counts and the operator's figures."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

import pytest

from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.domain.figures import PlatformCounts, PrayerStats
from bot.store import Store

TODAY = date(2026, 3, 1)
YESTERDAY = date(2026, 2, 28)
ALICE = Address("telegram", "1001")
BOB = Address("telegram", "1002")


async def pray(store: Store, address: Address, prayer_id: str, day: date) -> tuple[bool, int]:
    """Record a press from `address`, whose chat exists (presses count only for chats that do:
    a /forget racing a press leaves nothing)."""
    await store.ensure_chat(address, ChatKind.PRIVATE, delivery_time=time(7), timezone="UTC")
    return await store.record_prayer(address, prayer_id, day)


@pytest.fixture
def clock() -> FakeClock:
    """The store (tests/conftest.py, on both backends) runs on this clock."""
    return FakeClock(datetime(2026, 3, 1, 6, 0, tzinfo=UTC))


async def test_a_chat_is_counted_once_per_prayer_point_and_day(store):
    assert await pray(store, ALICE, "prayer-a", TODAY) == (True, 1)
    assert await pray(store, ALICE, "prayer-a", TODAY) == (False, 1)
    assert await pray(store, BOB, "prayer-a", TODAY) == (True, 2)

    assert await pray(store, ALICE, "prayer-a", YESTERDAY) == (True, 1)
    assert await pray(store, ALICE, "prayer-b", TODAY) == (True, 1)
    assert await store.prayer_count("prayer-a", TODAY) == 2
    assert await store.prayer_count("prayer-z", TODAY) == 0


async def test_chats_with_the_same_id_on_two_platforms_are_counted_apart(store):
    digits = "1234567890123456789"
    await pray(store, Address("discord", digits), "prayer-a", TODAY)
    assert await pray(store, Address("telegram", digits), "prayer-a", TODAY) == (True, 2)


async def test_pruning_forgets_who_prayed_but_keeps_the_counts(tmp_path, store):
    await pray(store, ALICE, "prayer-a", YESTERDAY)
    await pray(store, BOB, "prayer-a", TODAY)

    assert await store.prune_prayers(before=TODAY) == 1

    async with store.db.read() as connection:
        who = await connection.execute_fetchall("SELECT platform, chat_id, day FROM prayers")
    assert [tuple(row) for row in who] == [("telegram", "1002", TODAY.isoformat())]
    assert await store.prayer_count("prayer-a", YESTERDAY) == 1
    assert (await store.stats(TODAY)).prayers.total == 2


async def test_many_chats_praying_at_once_are_each_counted_once(store):
    chats = [Address("telegram", str(n)) for n in range(40)]

    async with asyncio.timeout(10):
        results = await asyncio.gather(
            *(pray(store, chat, "prayer-a", TODAY) for chat in chats),
            *(pray(store, chat, "prayer-a", TODAY) for chat in chats),
        )

    assert sum(newly for newly, _ in results) == 40
    assert sorted(total for newly, total in results if newly) == list(range(1, 41))
    assert await store.prayer_count("prayer-a", TODAY) == 40


async def subscriber(store: Store, address: Address, zone: str, *topics: str) -> None:
    await store.ensure_chat(address, ChatKind.PRIVATE, delivery_time=time(7), timezone=zone)
    await store.update_chat(address, subscribed=True)
    for topic in topics:
        await store.follow(address, topic)


async def test_stats_count_chats_by_platform_zone_and_topic_and_prayers(store):
    await subscriber(store, Address("telegram", "1"), "Asia/Seoul", "defectors", "trafficking")
    await subscriber(store, Address("telegram", "2"), "Asia/Seoul", "defectors")
    await subscriber(store, Address("telegram", "3"), "Europe/London")
    await subscriber(store, Address("discord", "4"), "Europe/London", "church")
    await subscriber(store, Address("telegram", "5"), "UTC", "church")
    await store.update_chat(Address("telegram", "5"), subscribed=False)
    await subscriber(store, Address("telegram", "6"), "UTC", "church")
    await store.update_chat(Address("telegram", "6"), deactivated_reason="blocked")
    for n, prayer in zip((1, 2, 3, 5), ["prayer-a"] * 3 + ["prayer-b"], strict=True):
        await pray(store, Address("telegram", str(n)), prayer, TODAY)
    for n in (1, 2, 3, 5):
        await pray(store, Address("telegram", str(n)), "prayer-b", YESTERDAY)

    stats = await store.stats(TODAY, top=1)

    assert stats.day == TODAY
    assert stats.platforms == {
        "discord": PlatformCounts(subscribed=1, unsubscribed=0, deactivated=0),
        "telegram": PlatformCounts(subscribed=3, unsubscribed=1, deactivated=1),
    }
    assert stats.platforms["telegram"].total == 5
    assert list(stats.subscribed_by_timezone.items()) == [("Asia/Seoul", 2), ("Europe/London", 2)]
    assert list(stats.subscribed_by_topic.items()) == [
        ("defectors", 2),
        ("church", 1),
        ("trafficking", 1),
    ]
    assert stats.prayers == PrayerStats(
        total=8, today=4, top_today=(("prayer-a", 3),), top_all_time=(("prayer-b", 5),)
    )


async def test_stats_of_an_empty_store_are_zero_and_default_to_the_clocks_day(store):
    stats = await store.stats()
    assert stats.day == TODAY
    assert (stats.platforms, stats.subscribed_by_timezone, stats.subscribed_by_topic) == (
        {},
        {},
        {},
    )
    assert stats.prayers == PrayerStats(total=0, today=0, top_today=(), top_all_time=())


async def test_each_person_in_a_chat_counts_once(store):
    await store.ensure_chat(ALICE, ChatKind.GROUP, delivery_time=time(7), timezone="UTC")
    assert await store.record_prayer(ALICE, "prayer-a", TODAY, person="p1") == (True, 1)
    assert await store.record_prayer(ALICE, "prayer-a", TODAY, person="p2") == (True, 2)
    assert await store.record_prayer(ALICE, "prayer-a", TODAY, person="p1") == (False, 2)
    assert await store.forget(ALICE)
    assert await store.prayer_count("prayer-a", TODAY) == 2  # the tally names nobody
