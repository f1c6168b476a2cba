"""Who the subscriber is on Discord: a channel keyed ("discord", snowflake), never confused with
a Telegram chat of the same number, and switched off when its server or channel goes away.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.domain.address import Address, ChatKind
from tests.e2e.discord_fixtures import (  # noqa: F401
    ALICE,
    ANNOUNCEMENTS,
    GENERAL,
    GUILD,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)
from tests.fakes.discord_payloads import FakeChannel, guild_channel_payload


async def after_gateway_event(bot: DiscordBot, event: str, data: dict[str, Any]) -> None:
    """Send a gateway event and wait until the bot has acted on it.

    discord.py handles events in the order they arrive, so once a later command (in a DM) has
    been answered, the event's handler has started; `settle` then waits for it to finish.
    """
    await bot.fake.gateway.dispatch(event, data)
    await bot.slash("about", user=ALICE)


async def test_a_discord_channel_and_a_telegram_chat_with_the_same_number_are_different(
    discord_bot: DiscordBot,
) -> None:
    telegram_twin = Address("telegram", str(GENERAL))
    await discord_bot.store.ensure_chat(
        telegram_twin, ChatKind.SUPERGROUP, delivery_time=time(9, 0), timezone="Asia/Seoul"
    )

    await discord_bot.slash("subscribe", {"time": "06:00"}, channel=GENERAL)
    discord_chat = await discord_bot.chat(GENERAL)
    twin = await discord_bot.store.get_chat(telegram_twin)
    question = await discord_bot.slash("forget", channel=GENERAL)
    await discord_bot.press(question.message_id, "bb:forget:yes")

    assert discord_chat is not None and twin is not None and discord_chat.pk != twin.pk
    assert discord_chat.subscribed and discord_chat.delivery_time == time(6, 0)
    assert (twin.subscribed, twin.delivery_time, twin.timezone) == (False, time(9), "Asia/Seoul")
    assert await discord_bot.chat(GENERAL) is None
    assert await discord_bot.store.get_chat(telegram_twin) == twin


async def test_snowflakes_are_stored_exactly(discord_bot: DiscordBot) -> None:
    """Discord ids need 64 bits; a float on the way would round the last digits."""
    await discord_bot.slash("subscribe", user=ALICE)

    chat = await discord_bot.chat(discord_bot.dm(ALICE))

    assert chat is not None and chat.address.chat_id == str(discord_bot.dm(ALICE))
    assert int(chat.address.chat_id) > 2**53


async def test_removing_the_bot_from_a_server_stops_delivery_to_its_channels(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    await discord_bot.slash("subscribe", channel=ANNOUNCEMENTS)
    await discord_bot.slash("subscribe", user=ALICE)

    await after_gateway_event(discord_bot, "GUILD_DELETE", {"id": str(GUILD.id)})

    for channel in (GENERAL, ANNOUNCEMENTS):
        chat = await discord_bot.chat(channel)
        assert chat is not None and not chat.subscribed
        assert chat.deactivated_reason == "removed from the server"
    dm = await discord_bot.chat(discord_bot.dm(ALICE))
    assert dm is not None and dm.subscribed


async def test_a_server_outage_is_not_a_removal(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)

    await after_gateway_event(
        discord_bot, "GUILD_DELETE", {"id": str(GUILD.id), "unavailable": True}
    )

    assert (chat := await discord_bot.chat(GENERAL)) is not None and chat.subscribed


async def test_a_deleted_channel_stops_delivery_there_only(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    await discord_bot.slash("subscribe", channel=ANNOUNCEMENTS)

    deleted = guild_channel_payload(FakeChannel(GENERAL, "general"), GUILD.id, 0)
    await after_gateway_event(discord_bot, "CHANNEL_DELETE", deleted)

    gone, kept = await discord_bot.chat(GENERAL), await discord_bot.chat(ANNOUNCEMENTS)
    assert gone is not None and (gone.subscribed, gone.deactivated_reason) == (
        False, "channel deleted")
    assert kept is not None and kept.subscribed
