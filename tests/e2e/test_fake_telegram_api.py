"""The fake Bot API is faithful enough for the real python-telegram-bot to run against it.

Every test drives the genuine `telegram.Bot` or `telegram.ext.Application` over HTTP on
127.0.0.1 and checks what the library sees (objects, exceptions) and what the fake recorded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import warnings
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes.telegram_api import Chat, FakeBotApi, User
from tests.fakes.telegram_app import application_builder, bot_for, polling

ALICE = User(1001, "Alice", username="alice")
BOB = User(1002, "Bob")
GROUP = Chat.group(-4001, "Seoul prayer group")
CHANNEL = Chat.channel(-1002003004005, "NK daily")
SUBSCRIBE = InlineKeyboardMarkup([[InlineKeyboardButton("Subscribe", callback_data="sub:daily")]])


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    async with bot_for(api) as bot:
        yield bot


def seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after warns about its coming timedelta type; read it either way."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else value


async def test_get_me_answers_the_configured_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (4242, "briefbot_test_bot", True)


async def test_wrong_token_is_refused_like_telegram_does(api: FakeBotApi) -> None:
    for token in ("123:WRONG", "not-a-token"):
        with pytest.raises(InvalidToken, match="was rejected by the server"):
            async with bot_for(api, token):  # initialize() calls get_me
                pass

    assert api.requests == []


async def test_send_message_round_trips_html_and_inline_keyboard(
    api: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(
        ALICE.id, "<b>Pray</b> for <i>42</i> &amp; more", parse_mode="HTML", reply_markup=SUBSCRIBE
    )

    assert sent.text == "Pray for 42 & more"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 4),
        ("italic", 9, 2),
    ]
    assert sent.reply_markup == SUBSCRIBE
    assert sent.chat.id == ALICE.id and sent.from_user.id == 4242
    [call] = api.calls("sendMessage")
    assert call["reply_markup"] == {
        "inline_keyboard": [[{"text": "Subscribe", "callback_data": "sub:daily"}]]
    }
    [entry] = api.sent_to(ALICE.id)
    assert (entry["message_id"], entry["text"], entry["edited"]) == (1, sent.text, False)


async def test_texts_that_look_like_json_stay_strings(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(ALICE.id, "42")

    assert sent.text == "42"
    assert api.calls("sendMessage")[0] == {"chat_id": ALICE.id, "text": "42"}


async def test_edits_are_recorded_and_an_unchanged_edit_is_refused(
    api: FakeBotApi, bot: Bot
) -> None:
    first = await bot.send_message(GROUP.id, "Today", reply_markup=SUBSCRIBE)
    edited = await bot.edit_message_text("Today (updated)", GROUP.id, first.message_id)

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Today (updated)", GROUP.id, first.message_id)
    assert edited.text == "Today (updated)"
    assert edited.reply_markup is None  # Telegram drops a keyboard the edit does not repeat
    assert [(e["text"], e["edited"]) for e in api.sent_to(GROUP.id)] == [
        ("Today", False),
        ("Today (updated)", True),
    ]


async def test_html_that_telegram_rejects_is_rejected_with_its_words(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r'unsupported start tag "br" at byte offset 6'):
        await bot.send_message(ALICE.id, "Line 1<br>Line 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ALICE.id, "x" * 4097)


async def test_html_entities_use_telegram_offsets_and_attributes(bot: Bot) -> None:
    sent = await bot.send_message(
        ALICE.id,
        '\U0001f64f <a href="https://example.org/a?b=1&amp;c=2">Pray</a> '
        '<tg-spoiler>now</tg-spoiler>\n<pre><code class="language-python">x = 1</code></pre>',
        parse_mode="HTML",
    )

    assert sent.text == "\U0001f64f Pray now\nx = 1"
    assert [(e.type, text) for e, text in sent.parse_entities().items()] == [
        ("text_link", "Pray"),
        ("spoiler", "now"),
        ("pre", "x = 1"),
    ]
    assert sent.entities[0].url == "https://example.org/a?b=1&c=2"
    assert sent.entities[2].language == "python"
    with pytest.raises(BadRequest, match="can't find end tag corresponding to start tag b"):
        await bot.send_message(ALICE.id, "<b>unclosed", parse_mode="HTML")


async def test_polling_application_receives_a_command_and_a_button_press(
    api: FakeBotApi,
) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_chat.send_message("Welcome", reply_markup=SUBSCRIBE)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Subscribed")
        await update.callback_query.edit_message_text(f"Subscribed by {update.effective_user.id}")

    app = application_builder(api).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with asyncio.timeout(10):
        async with polling(app):
            api.send_text(ALICE.chat, ALICE, "/start")
            [welcome] = await api.wait_for_messages(ALICE.id, 1)
            query_id = api.press(ALICE.chat, ALICE, welcome["message_id"], "sub:daily")
            answer = await api.wait_for(lambda: api.callback_answers.get(query_id))
            await api.wait_for(lambda: len(api.sent_to(ALICE.id)) == 2)
            stopping = time.monotonic()

    assert time.monotonic() - stopping < 2
    assert answer == {"text": "Subscribed"}
    assert api.sent_to(ALICE.id)[-1]["text"] == f"Subscribed by {ALICE.id}"
    assert api.pending_updates == 0
    assert api.unhandled == []


async def test_update_builders_produce_what_the_library_expects(api: FakeBotApi, bot: Bot) -> None:
    api.send_text(GROUP, BOB, "/today@briefbot_test_bot please")
    api.send_text(CHANNEL, None, "Morning post")
    message = api.send_text(ALICE.chat, ALICE, "hello")
    api.edit_text(ALICE.chat, ALICE, message["message_id"], "hello again")

    command, post, text, edit = await bot.get_updates()

    assert (command.message.chat.type, command.message.from_user.id) == ("group", BOB.id)
    assert command.message.parse_entities(["bot_command"]).popitem()[1] == (
        "/today@briefbot_test_bot"
    )
    assert (
        post.channel_post.text == "Morning post" and post.channel_post.sender_chat.id == CHANNEL.id
    )
    assert (text.message.text, edit.edited_message.text) == ("hello", "hello again")
    assert edit.edited_message.message_id == text.message.message_id


async def test_get_updates_confirms_by_offset_and_filters_by_allowed_updates(
    api: FakeBotApi, bot: Bot
) -> None:
    api.send_text(ALICE.chat, ALICE, "one")
    api.send_text(ALICE.chat, ALICE, "two")
    first = await bot.get_updates(limit=1)
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    api.member_update(ALICE.chat, ALICE, "kicked")
    none = await bot.get_updates(offset=rest[-1].update_id + 1, allowed_updates=["message"])

    assert [u.message.text for u in first + rest] == ["one", "two"]
    assert none == ()


@pytest.mark.timing
async def test_long_poll_returns_as_soon_as_an_update_is_queued(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=8))
    await api.wait_for_calls("getUpdates")
    queued = time.monotonic()
    api.send_text(ALICE.chat, ALICE, "/today")

    [update] = await asyncio.wait_for(poll, 5)
    assert update.message.text == "/today"
    assert time.monotonic() - queued < 1


async def test_stopping_the_server_releases_a_waiting_long_poll(api: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=40))
    await api.wait_for_calls("getUpdates")
    stopping = time.monotonic()
    await api.stop()

    assert await asyncio.wait_for(poll, 2) == ()
    assert time.monotonic() - stopping < 1


async def test_a_second_poll_terminates_the_first_with_conflict(api: FakeBotApi) -> None:
    async with bot_for(api) as first_bot, bot_for(api) as second_bot:
        first = asyncio.create_task(first_bot.get_updates(timeout=8))
        await api.wait_for_calls("getUpdates")
        assert await second_bot.get_updates() == ()

        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(first, 2)


async def test_a_stopped_server_refuses_connections_until_started_again(
    api: FakeBotApi, bot: Bot
) -> None:
    await bot.send_message(ALICE.id, "before")
    await api.stop()

    with pytest.raises(NetworkError):
        await bot.send_message(ALICE.id, "while down")
    await api.start()
    assert (await bot.send_message(ALICE.id, "after")).message_id == 2


@pytest.mark.timing
async def test_flood_fault_raises_retry_after_with_the_given_seconds(
    api: FakeBotApi, bot: Bot
) -> None:
    api.fail(ALICE.id, status=429, retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(ALICE.id, "Today")
    assert seconds(raised.value) == 7
    assert (await bot.send_message(ALICE.id, "Today")).text == "Today"  # a 429 is transient
    assert api.stats.failed == 1 and api.stats.accepted == 1


async def test_blocked_user_raises_forbidden_on_every_send(api: FakeBotApi, bot: Bot) -> None:
    api.block(ALICE.id)

    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(ALICE.id, "Today")
    assert (await bot.send_message(BOB.id, "Today")).chat.id == BOB.id


async def test_unknown_chat_raises_bad_request_chat_not_found() -> None:
    async with FakeBotApi(strict_chats=True) as api, bot_for(api) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(555, "Today")
        api.add_chat(BOB.chat)
        assert (await bot.send_message(BOB.id, "Today")).chat.first_name == "Bob"


async def test_group_migration_raises_chat_migrated_with_the_new_id(
    api: FakeBotApi, bot: Bot
) -> None:
    supergroup = api.migrate(GROUP.id, -1009998887776)

    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(GROUP.id, "Today")
    assert raised.value.new_chat_id == supergroup.id
    assert (await bot.send_message(supergroup.id, "Today")).chat.type == "supergroup"


@pytest.mark.parametrize("html", [True, False], ids=["nginx-html", "json"])
async def test_bad_gateway_raises_network_error(api: FakeBotApi, bot: Bot, html: bool) -> None:
    api.fail(ALICE.id, status=502, html=html)

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(ALICE.id, "Today")
    assert (await bot.send_message(ALICE.id, "Today")).text == "Today"


@pytest.mark.timing
async def test_delay_slows_only_the_chosen_chat(api: FakeBotApi, bot: Bot) -> None:
    api.delay(ALICE.id, 0.5)

    started = time.monotonic()
    await bot.send_message(BOB.id, "fast")
    fast = time.monotonic() - started
    await bot.send_message(ALICE.id, "slow")

    assert fast < 0.5 <= time.monotonic() - started


@pytest.mark.timing
async def test_rate_limit_answers_429_once_a_chat_exceeds_its_rate() -> None:
    async with FakeBotApi(global_rate=30, per_chat_rate=1.0) as api, bot_for(api) as bot:
        await bot.send_message(ALICE.id, "first")
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(ALICE.id, "second")
        await bot.send_message(BOB.id, "another chat is not held back")

    assert seconds(raised.value) == 1
    assert (api.stats.accepted, api.stats.rate_limited) == (2, 1)
    assert len(api.stats.accepted_at) == 2


@pytest.mark.timing
async def test_group_chats_are_held_to_twenty_messages_a_minute() -> None:
    async with FakeBotApi(group_per_minute=20) as api, bot_for(api) as bot:
        for n in range(20):
            await bot.send_message(GROUP.id, f"message {n}")
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(GROUP.id, "one too many")

    assert 50 < seconds(raised.value) <= 60


async def test_admins_are_reported_from_the_configured_sets(api: FakeBotApi, bot: Bot) -> None:
    api.set_admins(GROUP, BOB, owner=ALICE)

    owner, admin = await bot.get_chat_administrators(GROUP.id)
    member = await bot.get_chat_member(GROUP.id, 1003)
    chat = await bot.get_chat(GROUP.id)

    assert (owner.status, owner.user.first_name) == ("creator", "Alice")
    assert (admin.status, admin.user.id) == ("administrator", BOB.id)
    assert member.status == "member"
    assert chat.title == "Seoul prayer group"
    with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
        await bot.get_chat_administrators(ALICE.id)


async def test_callback_queries_can_be_answered_once(api: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(ALICE.id, "Subscribe?", reply_markup=SUBSCRIBE)
    query_id = api.press(ALICE.chat, ALICE, sent.message_id, "sub:daily")

    assert await bot.answer_callback_query(query_id, "Done") is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(ValueError, match="no button"):
        api.press(ALICE.chat, ALICE, sent.message_id, "unsub:daily")


async def test_command_menus_are_kept_and_unknown_methods_recorded(
    api: FakeBotApi, bot: Bot
) -> None:
    await bot.set_my_commands([("today", "Today's brief"), ("pray", "Prayer point")])
    await bot.send_chat_action(ALICE.id, "typing")

    assert [c.command for c in await bot.get_my_commands()] == ["today", "pray"]
    assert api.commands()[1] == {"command": "pray", "description": "Prayer point"}
    assert [call.method for call in api.unhandled] == ["sendChatAction"]
