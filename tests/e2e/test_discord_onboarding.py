"""Onboarding by place on the real discord.py against the fake Discord: the bot reads no
message content there, so the answer is a tap on a zone or /timezone with a city, an
abbreviation or an offset (its option autocompletes cities)."""

from __future__ import annotations

from tests.e2e.discord_fixtures import (  # noqa: F401
    GENERAL,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)


async def test_subscribing_asks_where_with_zones_one_tap_away(discord_bot: DiscordBot) -> None:
    answer = await discord_bot.slash("subscribe", channel=GENERAL)

    assert "Where are you?" in answer.text
    assert ("Asia/Seoul · 15:00 now", "bb:tz:Asia/Seoul") in answer.buttons

    pressed = await discord_bot.press(answer.message_id, "bb:tz:Asia/Seoul")

    assert pressed.text.startswith("Time zone set to Asia/Seoul.")


async def test_a_city_sets_the_zone_and_says_which(discord_bot: DiscordBot) -> None:
    answer = await discord_bot.slash("timezone", {"timezone": "Busan"}, channel=GENERAL)

    assert answer.text.startswith("Time zone set to Asia/Seoul (Busan, South Korea).")


async def test_an_abbreviation_and_an_offset_ask_which_zone(discord_bot: DiscordBot) -> None:
    kst = await discord_bot.slash("timezone", {"timezone": "KST"}, channel=GENERAL)
    offset = await discord_bot.slash("timezone", {"timezone": "UTC+9"}, channel=GENERAL)

    assert kst.text == "“KST” could be more than one time zone. Which is yours?"
    assert [c for _, c in kst.buttons] == ["bb:tz:Asia/Seoul", "bb:tz:Asia/Pyongyang"]
    assert offset.text.startswith("UTC+09:00 is the clock of several places")
    assert ("Etc/GMT-9 · no daylight saving", "bb:tz:Etc/GMT-9") in offset.buttons
