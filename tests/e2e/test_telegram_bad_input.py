"""Whatever a reader types, the bot answers politely, escapes it, or deliberately stays quiet.

The fake parses outgoing HTML as Telegram does and refuses bad markup, so an argument echoed
without escaping would fail here with Telegram's own "can't parse entities" error.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ALICE, BOB, CHANNEL, GROUP, TelegramBot
from tests.fakes.telegram_api import Chat, User
from tests.fakes.telegram_objects import JSONDict


def media_message(telegram: TelegramBot, chat: Chat, user: User, **media: object) -> JSONDict:
    """Queue a message without text (a sticker, a photo...), as Telegram sends it."""
    return telegram.api.queue_update(
        "message",
        {
            "message_id": 8000 + len(telegram.api.requests),
            "date": 1_763_877_600,
            "chat": chat.to_dict(),
            "from": user.to_dict(),
            **media,
        },
    )


STICKER = {
    "sticker": {
        "file_id": "CAACAgIAAxkBAAE",
        "file_unique_id": "AgADAQAD",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "🙏",
    }
}
PHOTO = {
    "photo": [
        {"file_id": "AgACAgIAAxkBAAE", "file_unique_id": "AQADAQAD", "width": 90, "height": 90}
    ]
}


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("/time 25:99", "25:99 is not a time of day — use HH:MM, e.g. 07:30."),
        (
            "/time half past",
            "“half past” is not a time I understand — use HH:MM, e.g. 07:30 or 7:30pm.",
        ),
        ("/time", "Tell me the time of day, for example /time 07:30."),
        ("/subscribe 7:60", "7:60 is not a time of day — use HH:MM, e.g. 07:30."),
        (
            "/timezone",
            "Where are you? Tap your time zone, or tell me your city with /timezone, for "
            "example /timezone Busan.",
        ),
        (
            "/timezone Mars/Olympus",
            "I don't know the time zone “Mars/Olympus”.\n"
            "Try a city (Seoul, Busan, Los Angeles), a country, or a zone name such as "
            "Asia/Seoul.",
        ),
        ("/search", "What should I look for? For example /search remittances."),
        ("/follow", "Which topic? For example /follow defectors. /topics lists them all."),
        ("/nonsense", "I don't know /nonsense. Try /help for the list of commands."),
    ],
)
async def test_wrong_or_missing_arguments_are_explained(
    telegram: TelegramBot, text: str, answer: str
) -> None:
    assert await telegram.ask(ALICE.chat, ALICE, text) == answer
    assert await telegram.chat(ALICE.chat) is None  # nothing was stored on the way


async def test_a_huge_argument_is_refused_with_the_limit(telegram: TelegramBot) -> None:
    huge = "remittances " * 417  # 5,004 characters

    answer = await telegram.ask(ALICE.chat, ALICE, f"/search {huge}")
    unknown = await telegram.ask(ALICE.chat, ALICE, "/" + "x" * 5000)

    assert answer == "That is longer than I can take (200 characters at most)."
    assert unknown == f"I don't know /{'x' * 32}. Try /help for the list of commands."


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("/topic <b>x</b>", "I don't know the topic “<b>x</b>”."),
        ("/topic Tom & Jerry", "I don't know the topic “Tom & Jerry”."),
        ("/search <i>&amp;</i> <blink>", "Nothing matched “<i>&amp;</i> <blink>”."),
        ("/timezone <b>&</b>", "I don't know the time zone “<b>&</b>”."),
        ("/time <b>7</b>", "“<b>7</b>” is not a time I understand"),
    ],
)
async def test_markup_in_arguments_is_shown_literally(
    telegram: TelegramBot, text: str, echo: str
) -> None:
    [reply] = await telegram.say(ALICE.chat, ALICE, text)

    assert reply["text"].startswith(echo)
    assert reply["entities"] == []  # nothing the reader typed became formatting


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("/topic 평양냉면", "I don't know the topic “평양냉면”."),
        ("/topic مرحبا", "I don't know the topic “مرحبا”."),
        ("/search 🙏", "Nothing matched “🙏”."),
        ("/search \u202egnirts\u202c", "Nothing matched “\u202egnirts\u202c”."),
        ("/timezone 달나라", "I don't know the time zone “달나라”."),
        ("/timezone 서울", "Time zone set to Asia/Seoul (Seoul, South Korea)."),
    ],
)
async def test_korean_emoji_and_right_to_left_text_are_echoed_intact(
    telegram: TelegramBot, text: str, echo: str
) -> None:
    assert (await telegram.ask(ALICE.chat, ALICE, text)).startswith(echo)


async def test_full_width_digits_from_a_korean_keyboard_are_accepted(
    telegram: TelegramBot,
) -> None:
    assert await telegram.ask(ALICE.chat, ALICE, "/time ０７：３０") == (
        "Delivery time set to 07:30 (UTC).\nSubscribed: no — /subscribe to start"
    )


async def test_plain_text_in_private_gets_a_hint(telegram: TelegramBot) -> None:
    assert await telegram.ask(ALICE.chat, ALICE, "hello, what is this?") == (
        "I answer commands. Try /today for today's digest, /topics to browse, or /help."
    )


async def test_a_command_for_another_bot_is_ignored_even_in_private(
    telegram: TelegramBot,
) -> None:
    await telegram.assert_ignored(
        ALICE.chat, ALICE, lambda: telegram.api.send_text(ALICE.chat, ALICE, "/start@OtherBot")
    )


async def test_an_edited_message_is_deliberately_ignored(telegram: TelegramBot) -> None:
    [_] = await telegram.say(ALICE.chat, ALICE, "/time 07:00")
    original = telegram.api.sent_to(ALICE.id)[0]["message_id"] - 1  # the reader's message

    await telegram.assert_ignored(
        ALICE.chat,
        ALICE,
        lambda: telegram.api.edit_text(ALICE.chat, ALICE, original, "/time 09:00"),
    )
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and f"{chat.delivery_time:%H:%M}" == "07:00"


async def test_an_edited_channel_post_is_ignored(telegram: TelegramBot) -> None:
    post = telegram.api.send_text(CHANNEL, None, "Evening news")
    await telegram.settle()

    await telegram.assert_ignored(
        CHANNEL,
        None,
        lambda: telegram.api.edit_text(CHANNEL, None, post["message_id"], "/subscribe"),
    )
    assert await telegram.chat(CHANNEL) is None


@pytest.mark.parametrize("media", [STICKER, PHOTO], ids=["sticker", "photo"])
async def test_messages_without_text_are_ignored(telegram: TelegramBot, media: dict) -> None:
    await telegram.assert_ignored(
        ALICE.chat, ALICE, lambda: media_message(telegram, ALICE.chat, ALICE, **media)
    )
    await telegram.assert_ignored(GROUP, BOB, lambda: media_message(telegram, GROUP, BOB, **media))


async def test_a_photo_caption_command_is_answered(telegram: TelegramBot) -> None:
    media_message(telegram, ALICE.chat, ALICE, caption="/settings", **PHOTO)
    await telegram.settle()

    assert telegram.messages(ALICE.chat)[-1]["text"].startswith("Settings for this chat")


@pytest.mark.timing
async def test_an_answer_refused_by_flood_control_arrives_after_the_wait(
    telegram: TelegramBot,
) -> None:
    """Telegram refuses before sending, so the answer is sent again, once, after retry_after."""
    telegram.api.fail(ALICE.chat.id, status=429, retry_after=1, method="sendMessage", times=1)

    [answer] = await telegram.say(ALICE.chat, ALICE, "/pray")

    assert answer["text"].startswith("Prayer point")
    assert telegram.api.stats.failed == 1  # the refused try
    assert len(telegram.messages(ALICE.chat)) == 1
