"""Operators on Discord: /stats, /reload and /broadcast answer the user ids in discord.operators.

Discord hides these commands from everyone but server administrators, but that is only a menu:
the core checks the operator list on every call, wherever it comes from.
"""

from __future__ import annotations

import pytest

from tests.e2e.discord_fixtures import (  # noqa: F401
    ALICE,
    BOB,
    GENERAL,
    MEMBER,
    NOW,
    OLGA,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
)

NOT_OPERATOR = "Sorry, that command is for the bot's operators."
OPERATOR_COMMANDS = [
    pytest.param(name, options, id=name)
    for name, options in [("stats", {}), ("reload", {}), ("broadcast", {"text": "Pray tonight"})]
]
IN_A_DM, IN_A_SERVER = None, GENERAL


@pytest.mark.parametrize("where", [IN_A_DM, IN_A_SERVER], ids=["dm", "server"])
@pytest.mark.parametrize(("name", "options"), OPERATOR_COMMANDS)
async def test_a_non_operator_is_refused_even_as_a_manager(
    discord_bot: DiscordBot, name: str, options: dict, where: int | None
) -> None:
    answer = await discord_bot.slash(name, options, user=ALICE, channel=where)

    assert answer.text == NOT_OPERATOR


async def test_stats_count_discord_subscribers_for_an_operator(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    await discord_bot.slash("subscribe", user=BOB, permissions=MEMBER)

    answer = await discord_bot.slash("stats", user=OLGA, channel=GENERAL, permissions=MEMBER)

    assert answer.text.startswith("Bot figures\n")
    assert "discord: 2 subscribed, 0 not subscribed, 0 deactivated" in answer.text


async def test_reload_reports_the_library_to_an_operator(discord_bot: DiscordBot) -> None:
    answer = await discord_bot.slash("reload", user=OLGA)

    assert answer.text.startswith("Content reloaded:")


async def test_a_broadcast_is_queued_only_after_the_operator_confirms(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    await discord_bot.slash("subscribe", user=BOB, permissions=MEMBER)

    draft = await discord_bot.slash("broadcast", {"text": "Pray for the families"}, user=OLGA)
    queued_before = await discord_bot.services.outbox.stats(since=NOW.replace(hour=0))
    [(send_label, send), cancel] = draft.buttons
    sent = await discord_bot.press(draft.message_id, send, user=OLGA)

    assert draft.text == "Send this message to 2 subscribed chats?\nPray for the families"
    assert (send_label, cancel[0]) == ("Send to 2", "Cancel")
    assert queued_before.by_state == {}
    assert sent.kind == 7 and sent.text.startswith("Queued for 2 chats.")
    queued = await discord_bot.services.outbox.stats(since=NOW.replace(hour=0))
    assert sum(queued.by_state["discord"].values()) == 2


async def test_only_an_operator_may_press_send(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)
    draft = await discord_bot.slash("broadcast", {"text": "Hello"}, user=OLGA, channel=GENERAL,
                                    permissions=MEMBER)
    [(_, send), _] = draft.buttons

    refused = await discord_bot.press(draft.message_id, send, user=BOB, permissions=MEMBER)

    assert refused.text == NOT_OPERATOR
    assert (await discord_bot.services.outbox.stats(since=NOW.replace(hour=0))).by_state == {}
