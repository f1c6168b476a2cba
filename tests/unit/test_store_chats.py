"""Chats, their settings and topics, what they received, forgetting and moving them."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.address import Address, ChatKind
from bot.domain.chat import UNSET, ChatRecord
from bot.domain.clock import FakeClock
from bot.store import ChatNotFoundError, Store
from bot.store.db import Database

START = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)
ALICE = Address("telegram", "1001")
GROUP = Address("telegram", "-4001")
SUPERGROUP = Address("telegram", "-1004001")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


async def new_chat(
    store: Store, address: Address = ALICE, kind: ChatKind = ChatKind.PRIVATE
) -> ChatRecord:
    return await store.ensure_chat(address, kind, delivery_time=time(7, 30), timezone="Asia/Seoul")


# Settings


async def test_a_new_chat_starts_unsubscribed_with_the_given_settings(store):
    chat = await new_chat(store)

    assert chat == await store.get_chat(ALICE)
    assert chat.address == ALICE
    assert chat.kind is ChatKind.PRIVATE
    assert not chat.subscribed
    assert (chat.delivery_time, chat.timezone, chat.topics) == (time(7, 30), "Asia/Seoul", ())
    assert (chat.next_due_utc, chat.last_day, chat.deactivated_reason) == (None, None, None)
    assert chat.created_at == chat.updated_at == START


async def test_an_unknown_chat_is_none(store):
    assert await store.get_chat(ALICE) is None


async def test_ensuring_a_known_chat_keeps_its_settings_and_refreshes_its_kind(store, clock):
    await new_chat(store, GROUP, ChatKind.GROUP)
    await store.update_chat(GROUP, subscribed=True, delivery_time=time(20))
    clock.advance(days=1)

    chat = await store.ensure_chat(
        GROUP, ChatKind.SUPERGROUP, delivery_time=time(6), timezone="Europe/London"
    )

    assert chat.kind is ChatKind.SUPERGROUP
    assert (chat.subscribed, chat.delivery_time, chat.timezone) == (True, time(20), "Asia/Seoul")
    assert chat.created_at == START and chat.updated_at == START + timedelta(days=1)


async def test_every_setting_round_trips_and_updated_at_follows_the_clock(store, clock):
    await new_chat(store)
    clock.advance(hours=2)
    due = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)

    chat = await store.update_chat(
        ALICE,
        subscribed=True,
        delivery_time=time(6, 15),
        timezone="America/New_York",
        next_due_utc=due,
        last_day=date(2026, 3, 1),
    )

    assert chat == await store.get_chat(ALICE)
    assert (chat.subscribed, chat.delivery_time, chat.timezone) == (
        True,
        time(6, 15),
        "America/New_York",
    )
    assert (chat.next_due_utc, chat.last_day) == (due, date(2026, 3, 1))
    assert chat.next_due_utc.tzinfo is UTC
    assert chat.updated_at == START + timedelta(hours=2)


async def test_update_leaves_unset_fields_alone_and_none_clears_them(store):
    await new_chat(store)
    due = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)
    await store.update_chat(ALICE, subscribed=True, next_due_utc=due, last_day=date(2026, 3, 1))

    kept = await store.update_chat(ALICE, delivery_time=time(8), next_due_utc=UNSET)
    cleared = await store.update_chat(ALICE, next_due_utc=None, last_day=None)

    assert (kept.subscribed, kept.next_due_utc, kept.last_day) == (True, due, date(2026, 3, 1))
    assert (cleared.next_due_utc, cleared.last_day, cleared.delivery_time) == (None, None, time(8))


async def test_an_aware_non_utc_due_instant_is_stored_as_the_same_instant(store):
    await new_chat(store)
    seoul_seven = datetime(2026, 3, 2, 7, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    chat = await store.update_chat(ALICE, next_due_utc=seoul_seven)
    assert chat.next_due_utc == datetime(2026, 3, 1, 22, 0, tzinfo=UTC)


async def test_deactivating_unsubscribes_and_subscribing_again_clears_the_reason(store):
    await new_chat(store)
    await store.update_chat(ALICE, subscribed=True)

    blocked = await store.update_chat(ALICE, deactivated_reason="blocked")
    back = await store.update_chat(ALICE, subscribed=True)

    assert (blocked.subscribed, blocked.deactivated_reason) == (False, "blocked")
    assert (back.subscribed, back.deactivated_reason) == (True, None)
    with pytest.raises(ValueError, match="subscribed and deactivated"):
        await store.update_chat(ALICE, subscribed=True, deactivated_reason="blocked")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"next_due_utc": datetime(2026, 3, 2, 7)}, "naive"),
        ({"delivery_time": time(7, 30, 15)}, "hour and minute"),
        ({"timezone": "Korea/Pyongyang"}, "unknown time zone"),
        ({"timezone": "../etc/passwd"}, "unknown time zone"),
    ],
)
async def test_values_the_scheduler_could_not_use_are_refused(store, change, message):
    before = await new_chat(store)
    with pytest.raises(ValueError, match=message):
        await store.update_chat(ALICE, **change)
    assert await store.get_chat(ALICE) == before


async def test_updating_an_unknown_chat_is_an_error(store):
    with pytest.raises(ChatNotFoundError, match="no chat telegram:1001"):
        await store.update_chat(ALICE, subscribed=True)


async def test_a_discord_snowflake_and_a_telegram_id_with_the_same_digits_are_two_chats(store):
    digits = "1234567890123456789"
    discord = Address("discord", digits)
    telegram = Address("telegram", digits)
    await new_chat(store, discord, ChatKind.GROUP)
    await new_chat(store, telegram)

    await store.update_chat(discord, subscribed=True)
    await store.follow(telegram, "defectors")

    on_discord, on_telegram = await store.get_chat(discord), await store.get_chat(telegram)
    assert on_discord.pk != on_telegram.pk
    assert on_discord.address.chat_id == digits
    assert (on_discord.subscribed, on_discord.topics) == (True, ())
    assert (on_telegram.subscribed, on_telegram.topics) == (False, ("defectors",))


# Topics


async def test_follow_and_unfollow_say_whether_anything_changed(store):
    await new_chat(store)

    assert await store.follow(ALICE, "trafficking")
    assert await store.follow(ALICE, "defectors")
    assert not await store.follow(ALICE, "defectors")
    assert (await store.get_chat(ALICE)).topics == ("defectors", "trafficking")

    assert await store.unfollow(ALICE, "trafficking")
    assert not await store.unfollow(ALICE, "trafficking")
    assert (await store.get_chat(ALICE)).topics == ("defectors",)


async def test_following_needs_a_known_chat_and_unfollowing_an_unknown_one_is_a_no(store):
    with pytest.raises(ChatNotFoundError):
        await store.follow(ALICE, "defectors")
    assert not await store.unfollow(ALICE, "defectors")


# Received entries


async def test_received_before_only_counts_days_before_the_given_day(store):
    chat = await new_chat(store)
    await store.mark_received(chat.pk, ["brief-a", "prayer-a"], date(2026, 3, 1))
    await store.mark_received(chat.pk, ["brief-b"], date(2026, 3, 2))
    await store.mark_received(chat.pk, ["brief-c"], date(2026, 3, 3))

    assert await store.received_before(chat.pk, date(2026, 3, 3)) == {
        "brief-a": date(2026, 3, 1),
        "prayer-a": date(2026, 3, 1),
        "brief-b": date(2026, 3, 2),
    }
    assert await store.received_before(chat.pk, date(2026, 3, 1)) == {}


async def test_received_before_keeps_the_latest_earlier_day_of_an_entry_sent_again(store):
    chat = await new_chat(store)
    for day in (date(2026, 1, 5), date(2026, 2, 10), date(2026, 3, 1)):
        await store.mark_received(chat.pk, ["brief-a"], day)

    # Recomposing 1 March (a resend after a crash) must see what was known before 1 March.
    assert await store.received_before(chat.pk, date(2026, 3, 1)) == {"brief-a": date(2026, 2, 10)}
    assert await store.received_before(chat.pk, date(2026, 3, 2)) == {"brief-a": date(2026, 3, 1)}


async def test_marking_an_earlier_day_late_never_hides_the_latest_one(store):
    chat = await new_chat(store)
    await store.mark_received(chat.pk, ["brief-a"], date(2026, 3, 1))
    await store.mark_received(chat.pk, ["brief-a"], date(2026, 2, 1))
    await store.mark_received(chat.pk, ["brief-a"], date(2026, 3, 1))

    assert await store.received_before(chat.pk, date(2026, 3, 2)) == {"brief-a": date(2026, 3, 1)}
    assert await store.received_before(chat.pk, date(2026, 3, 1)) == {"brief-a": date(2026, 2, 1)}


async def test_marking_received_for_an_unknown_chat_is_an_error(store):
    with pytest.raises(ChatNotFoundError):
        await store.mark_received(404, ["brief-a"], date(2026, 3, 1))


# Forgetting


TABLES = {  # every table, asked of the database itself, on either backend
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
}


async def rows_about(store: Store, address: Address, pk: int) -> list[tuple[str, dict]]:
    """Every row in every table that holds this chat's id, pk or address."""
    found = []
    backend = "sqlite" if isinstance(store.db, Database) else "postgresql"
    async with store.db.read() as connection:
        names = [row[0] for row in await connection.execute_fetchall(TABLES[backend])]
        for table in names:
            for row in await connection.execute_fetchall(f"SELECT * FROM {table}"):
                values = dict(row)
                if (
                    address.chat_id in values.values()
                    or values.get("chat_pk") == pk
                    or (table == "chats" and values["id"] == pk)
                ):
                    found.append((table, values))
    return found


async def test_forget_removes_every_row_about_the_chat_and_nothing_else(tmp_path, store):
    chat = await new_chat(store)
    await new_chat(store, GROUP, ChatKind.GROUP)
    await store.update_chat(ALICE, subscribed=True, last_day=date(2026, 3, 1))
    await store.follow(ALICE, "defectors")
    await store.follow(GROUP, "defectors")
    await store.mark_received(chat.pk, ["brief-a", "prayer-a"], date(2026, 3, 1))
    await store.record_prayer(ALICE, "prayer-a", date(2026, 3, 1))
    await store.record_prayer(GROUP, "prayer-a", date(2026, 3, 1))
    assert await rows_about(store, ALICE, chat.pk)

    assert await store.forget(ALICE)

    assert await rows_about(store, ALICE, chat.pk) == []
    assert await store.get_chat(ALICE) is None
    assert (await store.get_chat(GROUP)).topics == ("defectors",)
    assert await store.prayer_count("prayer-a", date(2026, 3, 1)) == 2  # anonymous counts stay
    assert not await store.forget(ALICE)


@pytest.mark.sqlite_only  # on PostgreSQL, dead rows follow the server's vacuum (README)
async def test_after_forget_the_chat_id_is_in_no_byte_of_the_database_or_its_log(tmp_path, store):
    """Deleted rows linger in freed pages and in the write-ahead log's older page copies."""
    reader = Address("telegram", "918273645501")
    chat = await new_chat(store, reader)
    await store.update_chat(reader, subscribed=True)
    await store.follow(reader, "defectors")
    await store.mark_received(chat.pk, ["brief-a"], date(2026, 3, 1))
    await store.record_prayer(reader, "prayer-a", date(2026, 3, 1))
    await new_chat(store, GROUP, ChatKind.GROUP)  # someone else stays

    assert await store.forget(reader)

    files = [p for p in tmp_path.iterdir() if p.name.startswith("bot.sqlite3") and p.is_file()]
    assert files and all(b"918273645501" not in p.read_bytes() for p in files)


async def test_forget_also_removes_prayers_of_a_chat_that_never_subscribed(tmp_path, store):
    await new_chat(store, ALICE)
    await store.record_prayer(ALICE, "prayer-a", date(2026, 3, 1))
    assert await store.forget(ALICE)
    assert await rows_about(store, ALICE, -1) == []


async def test_a_press_recorded_after_a_racing_forget_leaves_no_row(tmp_path, store):
    """The handler read the chat, the forget deleted it, then the press is recorded."""
    await new_chat(store, ALICE)
    assert await store.forget(ALICE)
    assert await store.record_prayer(ALICE, "prayer-a", date(2026, 3, 1)) == (False, 0)
    assert await rows_about(store, ALICE, -1) == []


# Moving (a Telegram group that became a supergroup)


async def test_moving_to_an_unknown_address_keeps_the_chat_and_everything_about_it(store, clock):
    group = await new_chat(store, GROUP, ChatKind.GROUP)
    await store.update_chat(GROUP, subscribed=True, last_day=date(2026, 3, 1))
    await store.follow(GROUP, "defectors")
    await store.mark_received(group.pk, ["brief-a"], date(2026, 3, 1))
    await store.record_prayer(GROUP, "prayer-a", date(2026, 3, 1))
    clock.advance(minutes=5)

    moved = await store.move_chat(GROUP, SUPERGROUP)

    assert await store.get_chat(GROUP) is None
    assert moved == await store.get_chat(SUPERGROUP)
    assert (moved.pk, moved.subscribed, moved.topics) == (group.pk, True, ("defectors",))
    assert moved.last_day == date(2026, 3, 1)
    assert moved.updated_at == START + timedelta(minutes=5)
    assert await store.received_before(moved.pk, date(2026, 3, 2)) == {"brief-a": date(2026, 3, 1)}
    newly, total = await store.record_prayer(SUPERGROUP, "prayer-a", date(2026, 3, 1))
    assert (newly, total) == (False, 1)


async def test_moving_onto_a_known_chat_keeps_the_subscribed_one_and_merges_the_rest(store, clock):
    group = await new_chat(store, GROUP, ChatKind.GROUP)
    await store.update_chat(
        GROUP, subscribed=True, delivery_time=time(6), last_day=date(2026, 3, 1)
    )
    await store.follow(GROUP, "defectors")
    await store.mark_received(group.pk, ["brief-a"], date(2026, 3, 1))
    clock.advance(hours=1)
    # Someone already pressed a button in the new supergroup without subscribing.
    other = await new_chat(store, SUPERGROUP, ChatKind.SUPERGROUP)
    await store.follow(SUPERGROUP, "trafficking")
    await store.mark_received(other.pk, ["brief-b"], date(2026, 2, 27))
    await store.record_prayer(GROUP, "prayer-a", date(2026, 3, 1))
    await store.record_prayer(SUPERGROUP, "prayer-a", date(2026, 3, 1))

    merged = await store.move_chat(GROUP, SUPERGROUP)

    assert await store.get_chat(GROUP) is None
    assert merged == await store.get_chat(SUPERGROUP)
    assert merged.pk == group.pk
    assert (merged.subscribed, merged.delivery_time) == (True, time(6))
    assert merged.kind is ChatKind.SUPERGROUP
    assert merged.topics == ("defectors", "trafficking")
    assert merged.last_day == date(2026, 3, 1)
    assert merged.created_at == START
    assert await store.received_before(merged.pk, date(2026, 3, 2)) == {
        "brief-a": date(2026, 3, 1),
        "brief-b": date(2026, 2, 27),
    }
    assert await store.prayer_count("prayer-a", date(2026, 3, 1)) == 1  # one chat, counted once


async def test_moving_when_neither_is_subscribed_keeps_the_more_recently_changed_one(store, clock):
    await new_chat(store, GROUP, ChatKind.GROUP)
    clock.advance(hours=1)
    await new_chat(store, SUPERGROUP, ChatKind.SUPERGROUP)
    clock.advance(hours=1)
    group = await store.update_chat(GROUP, delivery_time=time(21), last_day=date(2026, 2, 1))

    merged = await store.move_chat(GROUP, SUPERGROUP)

    assert (merged.pk, merged.delivery_time) == (group.pk, time(21))
    assert merged.last_day == date(2026, 2, 1)


async def test_moving_an_unknown_chat_returns_what_is_at_the_new_address(store):
    assert await store.move_chat(GROUP, SUPERGROUP) is None
    there = await new_chat(store, SUPERGROUP, ChatKind.SUPERGROUP)
    assert await store.move_chat(GROUP, SUPERGROUP) == there


# Concurrency


async def test_concurrent_updates_of_one_chat_all_land(store):
    await new_chat(store)
    topics = [f"topic-{n:02d}" for n in range(20)]

    async with asyncio.timeout(10):
        results = await asyncio.gather(
            *(store.follow(ALICE, topic) for topic in topics),
            *(store.update_chat(ALICE, subscribed=n % 2 == 0) for n in range(10)),
        )

    assert results[:20] == [True] * 20
    assert (await store.get_chat(ALICE)).topics == tuple(topics)


async def test_two_stores_on_one_file_see_each_others_writes(tmp_path, clock):
    path = tmp_path / "briefbot.db"
    async with await Store.open(path, clock) as first, await Store.open(path, clock) as second:
        await new_chat(first)
        assert (await second.get_chat(ALICE)).subscribed is False
        await second.update_chat(ALICE, subscribed=True)
        assert (await first.get_chat(ALICE)).subscribed is True

        async with asyncio.timeout(10):
            await asyncio.gather(
                *(first.follow(ALICE, f"first-{n}") for n in range(10)),
                *(second.follow(ALICE, f"second-{n}") for n in range(10)),
            )
        assert len((await first.get_chat(ALICE)).topics) == 20
