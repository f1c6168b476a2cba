"""The core's conversations, on a real SQLite store and no chat library at all."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import available_timezones

import pytest

from bot.catalog.keys import key_of
from bot.core.dispatch import BriefBot, parse_command
from bot.core.handlers.broadcast import CANCEL, SEND
from bot.core.handlers.privacy import FORGET_NO, FORGET_YES
from bot.core.handlers.reading import TOPIC_ACTION
from bot.core.handlers.subscription import TIMEZONE_ACTION
from bot.core.reply import Reply
from bot.core.request import Request
from bot.core.views import DAY_FORMAT, PRAYED_ACTION
from bot.domain.address import Address, ChatKind
from bot.render.plain import render

PRIVATE = Address("telegram", "1001")
GROUP = Address("telegram", "-2002")


def ask(
    kind: ChatKind = ChatKind.PRIVATE,
    address: Address = PRIVATE,
    user: str = "7",
    admin: bool = True,
):
    async def can_manage() -> bool:
        return admin

    return Request(address, kind, user_id=user, can_manage=can_manage)


async def say(core: BriefBot, text: str, **who) -> str:
    reply = await core.handle_text(ask(**who), text, me="briefbot")
    return render(reply) if reply is not None else "<ignored>"


def actions(reply: Reply) -> list[str]:
    return [b.action for row in reply.buttons for b in row]


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("/today", ("today", None, "")),
        ("/Topic@BriefBot  human rights ", ("topic", "BriefBot", "human rights")),
        ("/time\n07:30", ("time", None, "07:30")),
        ("hello", None),
        ("/", None),
        ("/ today", None),
    ],
)
def test_commands_are_parsed_with_their_target_and_arguments(text, parsed):
    assert parse_command(text) == parsed


async def test_start_welcomes_with_subscribe_and_topics_buttons(core):
    reply = await core.handle_text(ask(), "/start")
    assert "Welcome" in render(reply)
    assert actions(reply) == ["subscribe", "topics"]


async def test_start_deep_link_opens_the_topic(core):
    text = await say(core, "/start topic-defectors")
    assert text.startswith("== Defectors and escape ==")


async def test_subscribe_stores_the_chat_and_its_next_delivery(core, store, clock):
    text = await say(core, "/subscribe 07:30")
    assert "Subscribed" in text and "07:30 (Asia/Seoul)" in text
    chat = await store.get_chat(PRIVATE)
    assert chat.subscribed and chat.delivery_time == time(7, 30)
    # 06:00 UTC is 15:00 in Seoul: the first digest is tomorrow at 07:30 Seoul = 22:30 UTC today.
    assert chat.next_due_utc == datetime(2026, 11, 23, 22, 30, tzinfo=UTC)


async def test_subscribing_twice_says_so(core):
    await say(core, "/subscribe")
    assert "already subscribed" in await say(core, "/subscribe")


async def test_time_and_timezone_reschedule_the_next_delivery(core, store):
    await say(core, "/subscribe")
    assert "Time zone set to Europe/London" in await say(core, "/timezone europe/london")
    assert "08:15" in await say(core, "/time 8:15")
    chat = await store.get_chat(PRIVATE)
    assert chat.timezone == "Europe/London"
    assert chat.next_due_utc == datetime(2026, 11, 23, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["25:99", "7:60", "noon", "24:00"])
async def test_bad_times_get_a_helpful_answer_and_change_nothing(core, store, bad):
    await say(core, "/subscribe 06:45")
    text = await say(core, f"/time {bad}")
    assert "HH:MM" in text
    assert (await store.get_chat(PRIVATE)).delivery_time == time(6, 45)


async def test_time_without_an_argument_explains_the_format(core):
    assert "for example /time 07:30" in await say(core, "/time")


async def test_unknown_time_zone_suggests_near_misses_as_buttons(core):
    reply = await core.handle_text(ask(), "/timezone asia/seol")
    assert "Did you mean Asia/Seoul?" in render(reply)
    assert actions(reply) == ["tz:Asia/Seoul"]
    pressed = await core.handle_action(ask(), "tz:Asia/Seoul")
    assert "Time zone set to Asia/Seoul" in render(pressed)


async def test_a_time_zone_on_mars_is_refused_clearly(core):
    text = await say(core, "/timezone Mars/Olympus")
    assert "I don't know the time zone “Mars/Olympus”" in text


async def test_unsubscribe_and_stop_end_deliveries(core, store):
    await say(core, "/subscribe")
    assert "Unsubscribed" in await say(core, "/stop")
    chat = await store.get_chat(PRIVATE)
    assert not chat.subscribed and chat.next_due_utc is None
    assert "not subscribed" in await say(core, "/unsubscribe")


async def test_settings_show_time_zone_and_followed_topics(core):
    await say(core, "/subscribe 06:00")
    await say(core, "/follow workers")
    text = await say(core, "/settings")
    assert "Subscribed: yes" in text
    assert "Delivery time: 06:00" in text
    assert "Preferred topics: Labour abroad" in text


async def test_today_gives_the_digest_with_a_prayer_button(core):
    reply = await core.handle_text(ask(), "/today")
    assert render(reply).startswith("== Daily brief — Monday 23 November 2026 ==")
    *more, prayed = actions(reply)
    assert prayed.startswith("prayed:") and all(a.startswith("open:") for a in more)


async def test_today_is_the_same_digest_as_the_one_a_subscriber_gets_later_that_day(core):
    await say(core, "/subscribe")
    first = await say(core, "/today")
    assert await say(core, "/today") == first


async def test_pray_offers_the_prayer_point_of_todays_digest(core):
    today = await core.handle_text(ask(), "/today")
    pray = await core.handle_text(ask(), "/pray")
    assert actions(pray) == actions(today)[-1:]


async def test_pressing_i_prayed_counts_once_per_chat_and_day(core, store):
    pray = await core.handle_text(ask(), "/pray")
    action = actions(pray)[0]
    first = await core.handle_action(ask(), action)
    assert first.update.label == "🙏 I prayed · 1 today"
    assert "Thank you for praying" in first.notice
    again = await core.handle_action(ask(), action)
    assert again.update.label == "🙏 I prayed · 1 today"
    assert "already counted" in again.notice
    other = await core.handle_action(ask(address=Address("telegram", "55")), action)
    assert other.update.label == "🙏 I prayed · 2 today"


async def test_topic_with_a_typo_suggests_the_right_one(core):
    reply = await core.handle_text(ask(), "/topic defecters")
    assert "Did you mean defectors?" in render(reply)
    assert f"topic:{key_of('defectors')}" in actions(reply)


async def test_a_topic_button_from_before_short_keys_still_opens_its_topic(core):
    old = await core.handle_action(ask(), "topic:defectors")
    new = await core.handle_action(ask(), f"topic:{key_of('defectors')}")
    assert render(old) == render(new) and render(new).startswith("== Defectors")


async def test_i_prayed_counts_for_the_day_on_its_button_not_the_chats_new_today(core, clock):
    await say(core, "/subscribe")
    action = actions(await core.handle_text(ask(), "/pray"))[0]
    assert (await core.handle_action(ask(), action)).update.label == "🙏 I prayed · 1 today"
    await say(core, "/timezone Pacific/Kiritimati")  # already tomorrow there
    again = await core.handle_action(ask(), action)
    assert "already counted" in again.notice


async def test_forged_button_data_counts_nothing(core, catalog):
    today = actions(await core.handle_text(ask(), "/pray"))[0]
    day = today.split(":")[1]
    other = next(p for p in catalog.current.library.prayers if key_of(p.id) not in today)
    for forged in (
        f"prayed:{day}:{key_of(other.id)}",  # another prayer in the library
        f"prayed:20200101:{today.rsplit(':', 1)[1]}",  # a day long gone
        f"prayed:notaday:{today.rsplit(':', 1)[1]}",
    ):
        reply = await core.handle_action(ask(), forged)
        assert reply.update is None and "another day" in reply.notice, forged
    assert (await core.handle_action(ask(), "prayed:20261123:0000000000")).update is None


def test_every_button_template_fits_telegrams_64_bytes_and_discords_100_characters():
    """Button data carries keys, days and zones, never a raw id: the longest of each."""
    longest_zone = max(available_timezones(), key=len)
    longest = [
        f"{PRAYED_ACTION}{date.max.strftime(DAY_FORMAT)}:{key_of('x' * 500)}",
        f"{TOPIC_ACTION}{key_of('x' * 500)}",
        f"{TIMEZONE_ACTION}{longest_zone}",
        "subscribe",
        "topics",
        FORGET_YES,
        FORGET_NO,
        f"{SEND}{2**63}",  # a draft's row id
        f"{CANCEL}{2**63}",
    ]
    for data in longest:
        assert len(data.encode()) <= 64, data
        assert len("bb:" + data) <= 100, data  # the Discord adapter's custom_id prefix


async def test_topic_accepts_aliases_in_any_case(core):
    assert (await say(core, "/topic LABOR")).startswith("== Labour abroad ==")


async def test_topic_without_a_name_offers_every_topic(core):
    reply = await core.handle_text(ask(), "/topic")
    slugs = ["defectors", "church", "labour-abroad"]
    assert actions(reply) == [f"topic:{key_of(slug)}" for slug in slugs]


async def test_search_ranks_matches_and_reports_none(core):
    text = await say(core, "/search b3")
    assert "Title of b3" in text
    assert "Nothing matched “zzzz”" in await say(core, "/search zzzz")


async def test_follow_and_unfollow(core, store):
    assert "Following Defectors and escape" in await say(core, "/follow escape")
    assert "already follow" in await say(core, "/follow defectors")
    assert (await store.get_chat(PRIVATE)).topics == ("defectors",)
    assert "No longer following" in await say(core, "/unfollow defectors")
    assert "I don't know the topic" in await say(core, "/follow nothing-like-it")


async def test_forget_asks_first_then_deletes_everything(core, store):
    await say(core, "/subscribe")
    ask_first = await core.handle_text(ask(), "/forget")
    assert actions(ask_first) == ["forget:yes", "forget:no"]
    assert await store.get_chat(PRIVATE) is not None
    done = await core.handle_action(ask(), "forget:yes")
    assert done.edit and "Nothing about this chat is stored" in render(done)
    assert await store.get_chat(PRIVATE) is None


async def test_forget_can_be_cancelled(core, store):
    await say(core, "/subscribe")
    cancelled = await core.handle_action(ask(), "forget:no")
    assert "Nothing was deleted" in render(cancelled)
    assert await store.get_chat(PRIVATE) is not None


async def test_group_members_may_read_but_only_admins_may_change(core, store):
    member = {"kind": ChatKind.SUPERGROUP, "address": GROUP, "admin": False}
    assert "administrators" in await say(core, "/subscribe", **member)
    assert await store.get_chat(GROUP) is None
    assert "Daily brief" in await say(core, "/today", **member)
    assert "Subscribed" in await say(core, "/subscribe", kind=ChatKind.SUPERGROUP, address=GROUP)
    refused = await core.handle_action(ask(**member), "forget:yes")
    assert "administrators" in refused.notice
    assert await store.get_chat(GROUP) is not None


async def test_commands_for_another_bot_are_ignored(core):
    assert await say(core, "/today@OtherBot") == "<ignored>"
    assert "Daily brief" in await say(core, "/today@BriefBot")


async def test_unknown_commands_are_answered_in_private_and_ignored_in_groups(core):
    assert "I don't know /frobnicate" in await say(core, "/frobnicate")
    group = {"kind": ChatKind.GROUP, "address": GROUP}
    assert await say(core, "/frobnicate", **group) == "<ignored>"
    assert "I don't know /frobnicate" in await say(core, "/frobnicate@briefbot", **group)


async def test_plain_text_gets_a_hint_in_private_and_silence_in_groups(core):
    assert "I answer commands" in await say(core, "hello there")
    assert await say(core, "hello there", kind=ChatKind.GROUP, address=GROUP) == "<ignored>"


async def test_operator_commands_refuse_everyone_else_politely(core):
    assert "for the bot's operators" in await say(core, "/stats", user="7")
    assert "Bot figures" in await say(core, "/stats", user="999")


async def test_an_overlong_argument_is_refused_without_being_echoed(core):
    text = await say(core, "/search " + "x" * 5000)
    assert "at most" in text and "xxxxx" not in text


async def test_a_failing_handler_becomes_a_polite_answer(core, store, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(store, "get_chat", broken)
    text = await say(core, "/settings")
    assert "Something went wrong on my side" in text
    assert "fire" not in text


async def test_an_unknown_button_has_expired(core):
    reply = await core.handle_action(ask(), "no-such-action")
    assert reply.notice == "That button has expired."


async def test_topics_count_with_real_plurals(core):
    text = await say(core, "/topics")
    assert "Defectors and escape — /topic defectors (2 briefs, 1 prayer point)" in text


async def test_about_counts_the_library_with_real_plurals(core):
    text = await say(core, "/about")
    assert "The library holds 5 briefs and 3 prayer points on 3 topics." in text


@pytest.mark.parametrize("command", ["/subscribe 06:00", "/time 08:15", "/timezone Asia/Seoul"])
async def test_a_settings_change_and_its_new_due_time_are_one_write(core, store, command):
    """A crash between two writes left a chat subscribed with no due time: never delivered."""
    await say(core, "/subscribe")
    writes = []
    update = store.update_chat

    async def counted(address, **changes):
        writes.append(changes)
        return await update(address, **changes)

    store.update_chat = counted
    await say(core, command)
    [change] = writes
    assert change["next_due_utc"] is not None
