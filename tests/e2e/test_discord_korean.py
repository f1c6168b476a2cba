"""Korean on Discord: an interaction from a Korean client is answered in Korean, a server
channel takes its language from its first user (servers without Community features all say
en-US), and the synced commands carry Korean descriptions."""

from __future__ import annotations

from tests.e2e.discord_fixtures import (  # noqa: F401
    ALICE,
    BOB,
    GENERAL,
    MEMBER,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)
from tests.fakes.discord_api import FakeDiscord


async def test_a_korean_client_is_answered_in_korean_in_a_dm(discord_bot: DiscordBot) -> None:
    answer = await discord_bot.slash("today", user=BOB, permissions=MEMBER, locale="ko")
    assert answer.text.startswith("데일리 브리프 — ")
    subscribed = await discord_bot.slash("subscribe", user=BOB, permissions=MEMBER, locale="ko")
    assert subscribed.text.startswith("구독했습니다.")
    chat = await discord_bot.chat(discord_bot.dm(BOB))
    assert chat is not None and chat.language == "ko"


async def test_a_server_channel_speaks_the_language_of_its_first_user(
    discord_bot: DiscordBot,
) -> None:
    first = await discord_bot.slash("subscribe", user=ALICE, channel=GENERAL, locale="ko")
    assert first.text.startswith("구독했습니다.")
    later = await discord_bot.slash(
        "help", user=BOB, channel=GENERAL, permissions=MEMBER, locale="en-US"
    )
    assert later.text.startswith("할 수 있는 일")
    switched = await discord_bot.slash(
        "language", {"language": "en"}, user=ALICE, channel=GENERAL, locale="ko"
    )
    assert switched.text == "This chat now speaks English."


async def test_the_synced_commands_carry_korean_descriptions(
    discord_bot: DiscordBot, fake_discord: FakeDiscord
) -> None:
    synced = {c["name"]: c for c in fake_discord.synced_commands(None)}
    assert synced["today"]["description"] == "Today's digest, right now"
    assert synced["today"]["description_localizations"]["ko"] == "오늘의 브리프 바로 보기"
    [option] = synced["topic"]["options"]
    assert option["description_localizations"]["ko"] == "주제"
    assert "language" in synced


async def test_topic_autocomplete_speaks_the_typists_language(discord_bot: DiscordBot) -> None:
    korean = await discord_bot.autocomplete("topic", "topic", "탈북", locale="ko")
    assert korean[0] == {"name": "탈북과 탈출", "value": "defectors"}
    english = await discord_bot.autocomplete("topic", "topic", "defect")
    assert english[0] == {"name": "Defectors and escape", "value": "defectors"}
