"""Inline buttons: what pressing each one does to the chat, the message and the stored state.

Every press must be answered (answerCallbackQuery), or the reader's Telegram client shows a
spinning button for many seconds.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalog.keys import key_of
from tests.e2e.conftest import ALICE, BOB, CHANNEL, GROUP, TelegramBot
from tests.e2e.test_telegram_private import buttons
from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_api import User

CAROL = User(1003, "Carol")
NEED_ADMIN = "Only this chat's administrators can change its subscription or settings."


async def test_the_welcome_subscribe_button_subscribes(telegram: TelegramBot) -> None:
    [welcome] = await telegram.say(ALICE.chat, ALICE, "/start")

    answer = await telegram.press(ALICE.chat, ALICE, welcome, "subscribe")

    assert answer == {}
    assert telegram.messages(ALICE.chat)[-1]["text"].startswith("Subscribed. Your digest arrives")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.subscribed


async def test_the_welcome_topics_button_lists_the_topics(telegram: TelegramBot) -> None:
    [welcome] = await telegram.say(ALICE.chat, ALICE, "/start")

    await telegram.press(ALICE.chat, ALICE, welcome, "topics")

    *_, listing = telegram.messages(ALICE.chat)
    assert listing["text"].startswith("Topics\n")
    assert ("Defectors and escape", f"topic:{key_of('defectors')}") in buttons(listing)


async def test_a_topic_button_opens_the_topic(telegram: TelegramBot) -> None:
    [listing] = await telegram.say(ALICE.chat, ALICE, "/topics")
    count = len(telegram.messages(ALICE.chat))

    await telegram.press(ALICE.chat, ALICE, listing, f"topic:{key_of('church')}")

    opened = telegram.messages(ALICE.chat)[count:]
    assert opened[0]["text"].startswith("The persecuted church\n")
    # "I prayed" belongs to /pray and the digest
    assert not any(data.startswith("prayed:") for _, data in buttons(opened[-1]))


async def test_i_prayed_counts_once_per_chat_and_shows_the_days_total(
    telegram: TelegramBot,
) -> None:
    [alice_prayer] = await telegram.say(ALICE.chat, ALICE, "/pray")
    [(_, data)] = buttons(alice_prayer)

    first = await telegram.press(ALICE.chat, ALICE, alice_prayer, data)
    labelled = telegram.api.message(ALICE.id, alice_prayer["message_id"])
    second = await telegram.press(ALICE.chat, ALICE, alice_prayer, data)
    [bob_prayer] = await telegram.say(BOB.chat, BOB, "/pray")
    third = await telegram.press(BOB.chat, BOB, bob_prayer, data)

    assert first == {"text": "Thank you for praying. 1 person prayed for this today."}
    assert buttons(labelled) == [("🙏 I prayed · 1 today", data)]
    assert second == {"text": "You are already counted today — thank you for praying."}
    assert buttons(bob_prayer) == [("🙏 I prayed · 1 today", data)]  # new messages show it too
    assert third == {"text": "Thank you for praying. 2 people prayed for this today."}
    assert buttons(telegram.api.message(BOB.id, bob_prayer["message_id"])) == [
        ("🙏 I prayed · 2 today", data)
    ]
    stats = await telegram.store.stats(today=telegram.services.clock.now().date())
    assert (stats.prayers.today, stats.prayers.total) == (2, 2)


async def test_two_members_of_a_group_count_as_two_people_and_each_once(
    telegram: TelegramBot,
) -> None:
    [digest] = await telegram.say(GROUP, ALICE, "/today")
    *_, (_, data) = buttons(digest)

    first = await telegram.press(GROUP, ALICE, digest, data)
    second = await telegram.press(GROUP, BOB, digest, data)
    again = await telegram.press(GROUP, BOB, digest, data)

    assert first == {"text": "Thank you for praying. 1 person prayed for this today."}
    assert second == {"text": "Thank you for praying. 2 people prayed for this today."}
    assert again == {"text": "You are already counted today — thank you for praying."}
    assert buttons(telegram.api.message(GROUP.id, digest["message_id"]))[-1] == (
        "🙏 I prayed · 2 today",
        data,
    )
    # Who pressed is kept only as a keyed hash: no user id in the database.
    async with telegram.store.db.read() as connection:
        rows = await connection.execute_fetchall("SELECT person FROM prayers")
    people = {row["person"] for row in rows}
    assert len(people) == 2 and not {str(ALICE.id), str(BOB.id)} & people
    assert all(str(ALICE.id) not in p and str(BOB.id) not in p for p in people)


async def test_forget_can_be_cancelled(telegram: TelegramBot) -> None:
    await telegram.ask(ALICE.chat, ALICE, "/subscribe")
    [question] = await telegram.say(ALICE.chat, ALICE, "/forget")

    answer = await telegram.press(ALICE.chat, ALICE, question, "forget:no")

    assert answer == {}
    assert telegram.api.message(ALICE.id, question["message_id"])["text"] == (
        "Nothing was deleted."
    )
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.subscribed


async def test_a_timezone_suggestion_button_sets_the_zone(telegram: TelegramBot) -> None:
    [unknown] = await telegram.say(ALICE.chat, ALICE, "/timezone asia/seol")

    answer = await telegram.press(ALICE.chat, ALICE, unknown, "tz:Asia/Seoul")

    assert unknown["text"].startswith("I don't know the time zone “asia/seol”.")
    assert ("Asia/Seoul", "tz:Asia/Seoul") in buttons(unknown)
    assert answer == {}
    assert telegram.messages(ALICE.chat)[-1]["text"].startswith("Time zone set to Asia/Seoul.")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.timezone == "Asia/Seoul"


async def test_a_button_the_bot_no_longer_knows_says_it_expired(telegram: TelegramBot) -> None:
    old = InlineKeyboardMarkup([[InlineKeyboardButton("Old", callback_data="digest:v1:more")]])
    sent = await telegram.adapter.bot.send_message(
        ALICE.id, "From an older version", reply_markup=old
    )
    [message] = telegram.api.sent_to(ALICE.id)

    answer = await telegram.press(ALICE.chat, ALICE, message, "digest:v1:more")

    assert sent.message_id == message["message_id"]
    assert answer == {"text": "That button has expired."}
    assert len(telegram.api.sent_to(ALICE.id)) == 1  # nothing sent or edited


async def test_a_group_members_press_on_a_settings_button_is_refused(
    telegram: TelegramBot,
) -> None:
    [unknown] = await telegram.say(GROUP, BOB, "/topic x")  # anyone may ask
    telegram.api.set_admins(GROUP, ALICE)
    [welcome] = await telegram.say(GROUP, BOB, "/start")

    answer = await telegram.press(GROUP, BOB, welcome, "subscribe")

    assert unknown["text"].startswith("I don't know the topic “x”.")
    assert answer == {"text": NEED_ADMIN}
    assert await telegram.chat(GROUP) is None


async def test_a_channel_reader_cannot_press_the_channels_settings_buttons(
    telegram: TelegramBot,
) -> None:
    telegram.api.set_admins(CHANNEL, ALICE)
    await telegram.ask(CHANNEL, None, "/subscribe")
    [question] = await telegram.say(CHANNEL, None, "/forget")

    refused = await telegram.press(CHANNEL, CAROL, question, "forget:yes")
    kept = await telegram.chat(CHANNEL)
    done = await telegram.press(CHANNEL, ALICE, question, "forget:yes")

    assert refused == {"text": NEED_ADMIN}
    assert kept is not None and kept.subscribed
    assert done == {"text": "Done. Nothing about this chat is stored any more."}
    assert await telegram.chat(CHANNEL) is None


async def test_a_press_is_answered_even_when_its_message_can_no_longer_be_edited(
    telegram: TelegramBot,
) -> None:
    [prayer] = await telegram.say(ALICE.chat, ALICE, "/pray")
    [(_, data)] = buttons(prayer)
    telegram.api.fail(
        ALICE.id, description=errors.MESSAGE_TO_EDIT_NOT_FOUND, method="editMessageReplyMarkup"
    )

    answer = await telegram.press(ALICE.chat, ALICE, prayer, data)

    assert answer == {"text": "Thank you for praying. 1 person prayed for this today."}
    assert telegram.api.sent_to(ALICE.id) == [prayer]


async def test_an_outcome_that_cannot_replace_its_question_is_sent_anew(
    telegram: TelegramBot,
) -> None:
    [question] = await telegram.say(ALICE.chat, ALICE, "/forget")
    telegram.api.fail(
        ALICE.id, description=errors.MESSAGE_CANT_BE_EDITED, method="editMessageText"
    )

    answer = await telegram.press(ALICE.chat, ALICE, question, "forget:no")

    assert answer == {}
    assert telegram.messages(ALICE.chat)[-1]["text"] == "Nothing was deleted."


async def test_a_press_is_answered_when_telegram_fails_the_edit(telegram: TelegramBot) -> None:
    [prayer] = await telegram.say(ALICE.chat, ALICE, "/pray")
    [(_, data)] = buttons(prayer)
    telegram.api.fail(ALICE.id, status=500, method="editMessageReplyMarkup")

    answer = await telegram.press(ALICE.chat, ALICE, prayer, data)

    assert answer["text"].startswith("Thank you for praying.")
    [error] = telegram.errors
    assert error.getMessage() == "Telegram handler failed: NetworkError: Internal Server Error"
    telegram.errors.clear()  # expected: the failed edit is reported, the press still answered


async def test_a_button_edit_that_meets_a_429_is_made_after_the_wait(
    telegram: TelegramBot,
) -> None:
    [prayer] = await telegram.say(ALICE.chat, ALICE, "/pray")
    [(_, data)] = buttons(prayer)
    telegram.api.fail(ALICE.id, status=429, retry_after=1, method="editMessageReplyMarkup")

    answer = await telegram.press(ALICE.chat, ALICE, prayer, data)

    assert answer["text"].startswith("Thank you for praying.")
    await telegram.settle()
    assert buttons(prayer) == [("🙏 I prayed", data)]
    assert buttons(telegram.api.message(ALICE.id, prayer["message_id"])) == [
        ("🙏 I prayed · 1 today", data)
    ]
    assert telegram.errors == []
