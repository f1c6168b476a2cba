"""Onboarding by place on the real python-telegram-bot against the fake Bot API.

Subscribing asks where the reader is; the answer may be a city typed as a plain message (in
a group: as a reply, which privacy mode lets the bot see), a tap on a common zone, an
abbreviation or an offset. The bot says which zone it chose and asks when several fit.
"""

from __future__ import annotations

from tests.e2e.conftest import ALICE, BOB, GROUP, REPLY_PROMPT, TelegramBot
from tests.e2e.test_telegram_private import buttons


async def test_subscribing_asks_where_and_a_city_typed_back_sets_the_zone(
    telegram: TelegramBot,
) -> None:
    [subscribed] = await telegram.say(ALICE.chat, ALICE, "/subscribe")
    assert "Where are you?" in subscribed["text"]
    assert buttons(subscribed)[0] == ("Asia/Seoul · 15:00 now", "tz:Asia/Seoul")

    answer = await telegram.ask(ALICE.chat, ALICE, "Busan")

    assert answer.startswith("Time zone set to Asia/Seoul (Busan, South Korea).")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.timezone == "Asia/Seoul" and chat.subscribed


async def test_a_common_zone_is_one_tap_away(telegram: TelegramBot) -> None:
    [subscribed] = await telegram.say(ALICE.chat, ALICE, "/subscribe")

    await telegram.press(ALICE.chat, ALICE, subscribed, "tz:America/Los_Angeles")

    assert telegram.messages(ALICE.chat)[-1]["text"].startswith(
        "Time zone set to America/Los_Angeles."
    )
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.timezone == "America/Los_Angeles"


async def test_an_abbreviation_that_fits_two_zones_asks_which(telegram: TelegramBot) -> None:
    [question] = await telegram.say(ALICE.chat, ALICE, "/timezone KST")

    assert question["text"] == "“KST” could be more than one time zone. Which is yours?"
    assert [data for _, data in buttons(question)] == ["tz:Asia/Seoul", "tz:Asia/Pyongyang"]
    await telegram.press(ALICE.chat, ALICE, question, "tz:Asia/Seoul")
    chat = await telegram.chat(ALICE.chat)
    assert chat is not None and chat.timezone == "Asia/Seoul"


async def test_an_offset_offers_the_places_on_it_and_the_fixed_zone_last(
    telegram: TelegramBot,
) -> None:
    [question] = await telegram.say(ALICE.chat, ALICE, "/timezone +09:00")

    assert question["text"].startswith("UTC+09:00 is the clock of several places")
    offered = [data for _, data in buttons(question)]
    assert "tz:Asia/Seoul" in offered and offered[-1] == "tz:Etc/GMT-9"
    assert buttons(question)[-1][0] == "Etc/GMT-9 · no daylight saving"


async def test_a_posix_style_zone_is_not_taken_silently(telegram: TelegramBot) -> None:
    [question] = await telegram.say(ALICE.chat, ALICE, "/timezone Etc/GMT+9")

    assert question["text"].startswith("Etc/GMT+9 is UTC−09:00 all year")
    assert "tz:Asia/Seoul" in [data for _, data in buttons(question)]
    assert (await telegram.chat(ALICE.chat)) is None or (
        (await telegram.chat(ALICE.chat)).timezone != "Etc/GMT+9"  # type: ignore[union-attr]
    )


async def test_in_a_group_the_answer_is_a_reply_and_other_talk_is_left_alone(
    telegram: TelegramBot,
) -> None:
    telegram.api.set_admins(GROUP, ALICE)
    sent = await telegram.say(GROUP, ALICE, "/subscribe")
    prompt = sent[-1]
    assert prompt["text"] == REPLY_PROMPT
    asked = telegram.api.calls("sendMessage")[-1]["reply_markup"]
    assert asked == {"force_reply": True, "input_field_placeholder": "city"}

    await telegram.assert_ignored(GROUP, BOB, lambda: telegram.api.send_text(GROUP, BOB, "Hi all"))
    telegram.api.send_text(GROUP, ALICE, "Toronto", reply_to=prompt["message_id"])
    await telegram.settle()

    assert telegram.messages(GROUP)[-1]["text"].startswith(
        "Time zone set to America/Toronto (Toronto, Canada)."
    )
