"""Every slash command, in a DM and in a server channel, as the people who may and may not use it.

In a server the text channel is the subscriber and only members with Manage Channels (or
Administrator) may change it — checked from the permissions Discord sends with each
interaction. Everyone may read. In a DM the person is the subscriber and may change everything.
"""

from __future__ import annotations

import asyncio
from datetime import time
from pathlib import Path

import pytest

from bot.adapters.discord.client import DEFER_AFTER
from tests.e2e.discord_fixtures import (  # noqa: F401
    ADMINISTRATOR,
    ALICE,
    BOB,
    GENERAL,
    MANAGER,
    MEMBER,
    TODAY,
    DiscordBot,
    discord_bot_fixture,
    fake_discord_fixture,
    running_discord_bot,
)
from tests.fakes.discord_api import FakeDiscord

NEED_ADMIN = "Only this chat's administrators can change its subscription or settings."
IN_A_DM, IN_A_SERVER = None, GENERAL

READING = [
    ("today", {}, f"Daily brief — {TODAY}"),
    ("pray", {}, f"Prayer point for {TODAY}"),
    ("topic", {}, "Which topic? Pick one below, or type /topic NAME."),
    ("topic", {"topic": "church"}, "The persecuted church\n"),
    ("topics", {}, "Topics\nDefectors and escape — /topic defectors"),
    ("search", {"words": "remittances"}, "Results for “remittances”\n"),
    ("settings", {}, "Settings for this chat\nSubscribed: no — /subscribe to start"),
    ("about", {}, "About this bot\n"),
    ("help", {}, "What I can do\n"),
]
MANAGING = [
    ("subscribe", {}, "Subscribed. Your digest arrives every day at 07:00 (UTC)."),
    ("subscribe", {"time": "08:15"}, "Subscribed. Your digest arrives every day at 08:15 (UTC)."),
    ("unsubscribe", {}, "This chat is not subscribed, so there is nothing to stop."),
    ("time", {"time": "07:30"}, "Delivery time set to 07:30 (UTC)."),
    ("timezone", {"timezone": "asia/seoul"}, "Time zone set to Asia/Seoul."),
    ("follow", {"topic": "defectors"}, "Following Defectors and escape."),
    ("unfollow", {"topic": "defectors"}, "You were not following Defectors and escape."),
    ("forget", {}, "This deletes everything stored about this chat"),
]


def _id(case: tuple) -> str:
    name, options, _ = case
    return "/" + " ".join([name, *options.values()])


@pytest.mark.parametrize("where", [IN_A_DM, IN_A_SERVER], ids=["dm", "server"])
@pytest.mark.parametrize("case", READING, ids=_id)
async def test_everyone_may_read_in_a_dm_and_in_a_server_channel(
    discord_bot: DiscordBot, case: tuple, where: int | None
) -> None:
    name, options, expected = case

    answer = await discord_bot.slash(name, options, user=BOB, channel=where, permissions=MEMBER)

    assert answer.text.startswith(expected)
    assert answer.kind == 4 and not answer.ephemeral
    assert "Something went wrong" not in answer.text


@pytest.mark.parametrize("where", [IN_A_DM, IN_A_SERVER], ids=["dm", "server"])
@pytest.mark.parametrize("case", MANAGING, ids=_id)
async def test_a_manager_may_change_the_subscription_in_a_dm_and_a_server_channel(
    discord_bot: DiscordBot, case: tuple, where: int | None
) -> None:
    name, options, expected = case

    answer = await discord_bot.slash(name, options, user=ALICE, channel=where)

    assert answer.text.startswith(expected)
    assert not answer.ephemeral


async def test_a_server_channel_subscription_is_stored_for_the_channel(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", {"time": "06:45"}, channel=GENERAL)
    await discord_bot.slash("timezone", {"timezone": "Europe/London"}, channel=GENERAL)
    await discord_bot.slash("follow", {"topic": "church"}, channel=GENERAL)

    chat = await discord_bot.chat(GENERAL)
    assert chat is not None and chat.subscribed and chat.kind == "server_channel"
    assert (chat.delivery_time, chat.timezone, chat.topics) == (
        time(6, 45), "Europe/London", ("church",))
    assert await discord_bot.chat(discord_bot.dm(ALICE)) is None


async def test_a_dm_subscription_is_stored_for_the_dm_channel(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", user=BOB, permissions=MEMBER)

    chat = await discord_bot.chat(discord_bot.dm(BOB))
    assert chat is not None and chat.subscribed and chat.kind == "private"


async def test_a_member_without_manage_channels_is_refused_every_change(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", {"time": "08:00"}, user=ALICE, channel=GENERAL)

    for name, options, _ in MANAGING:
        answer = await discord_bot.slash(
            name, options, user=BOB, channel=GENERAL, permissions=MEMBER
        )
        assert (answer.text, answer.ephemeral) == (NEED_ADMIN, True), name

    chat = await discord_bot.chat(GENERAL)
    assert chat is not None and chat.subscribed
    assert (chat.delivery_time, chat.timezone, chat.topics) == (time(8, 0), "UTC", ())


async def test_a_member_cannot_subscribe_a_channel_and_nothing_is_stored(
    discord_bot: DiscordBot,
) -> None:
    answer = await discord_bot.slash("subscribe", user=BOB, channel=GENERAL, permissions=MEMBER)

    assert (answer.text, answer.ephemeral) == (NEED_ADMIN, True)
    assert await discord_bot.chat(GENERAL) is None


async def test_an_administrator_without_manage_channels_may_change_the_channel(
    discord_bot: DiscordBot,
) -> None:
    answer = await discord_bot.slash(
        "subscribe", user=BOB, channel=GENERAL, permissions=MEMBER | ADMINISTRATOR
    )

    assert answer.text.startswith("Subscribed.")
    assert (chat := await discord_bot.chat(GENERAL)) is not None and chat.subscribed


async def test_the_permission_comes_from_the_interaction_not_from_earlier_ones(
    discord_bot: DiscordBot,
) -> None:
    """Alice lost Manage Channels since her last command: Discord's word now is what counts."""
    await discord_bot.slash("subscribe", user=ALICE, channel=GENERAL, permissions=MANAGER)

    answer = await discord_bot.slash(
        "unsubscribe", user=ALICE, channel=GENERAL, permissions=MEMBER
    )

    assert answer.text == NEED_ADMIN
    assert (chat := await discord_bot.chat(GENERAL)) is not None and chat.subscribed


async def test_settings_show_what_a_manager_set_to_every_member(discord_bot: DiscordBot) -> None:
    await discord_bot.slash("subscribe", {"time": "21:00"}, channel=GENERAL)
    await discord_bot.slash("timezone", {"timezone": "Asia/Seoul"}, channel=GENERAL)

    answer = await discord_bot.slash("settings", user=BOB, channel=GENERAL, permissions=MEMBER)

    assert answer.text.splitlines()[:4] == [
        "Settings for this chat",
        "Subscribed: yes",
        "Delivery time: 21:00",
        "Time zone: Asia/Seoul",
    ]


async def test_today_in_a_subscribed_channel_carries_the_i_prayed_button(
    discord_bot: DiscordBot,
) -> None:
    await discord_bot.slash("subscribe", channel=GENERAL)

    answer = await discord_bot.slash("today", user=BOB, channel=GENERAL, permissions=MEMBER)

    *more, (label, custom_id) = answer.buttons
    assert label == "🙏 I prayed" and custom_id.startswith("bb:prayed:")
    assert len(more) == 2 and all(c.startswith("bb:open:") for _, c in more)
    first = answer.messages[0]["embeds"][0]
    assert first["title"] == f"Daily brief — {TODAY}"
    assert all(len(e.get("description", "")) <= 4096 for m in answer.messages
               for e in m["embeds"])


def long_library(root: Path) -> Path:
    """A library of two briefs so long that a digest of both exceeds one Discord message."""
    (root / "briefs").mkdir(parents=True)
    (root / "prayers").mkdir()
    (root / "topics.yaml").write_text(
        "- slug: border\n  title: Border security\n  description: The border.\n"
    )
    for n in (1, 2):
        summary = " ".join(f"Borderlandcrossingcheckpoints{i:03}" for i in range(110))
        (root / "briefs" / f"long-{n}.yaml").write_text(
            f"id: long-{n}\ntitle: Long brief {n}\nsummary: {summary}\n"
            f"date: '2019-06'\ntopics: [border]\nsources: [Partner newsletter]\n"
        )
    (root / "prayers" / "border.yaml").write_text(
        "- id: pray-long\n  title: For the border\n  text: Pray for the border.\n"
        "  topics: [border]\n"
    )
    return root


async def test_a_digest_longer_than_one_message_arrives_in_order_with_the_button_last(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    content = long_library(tmp_path / "content")
    async with running_discord_bot(fake_discord, tmp_path / "db.sqlite3", content=content) as bot:
        answer = await bot.slash("today", channel=GENERAL)
        errors = bot.errors

    _, *rest = answer.messages
    assert rest, "the digest should not fit in one message"
    titles = [e.get("title") for m in answer.messages for e in m["embeds"]]
    assert titles[0] == f"Daily brief — {TODAY}" and titles[-1] == "Prayer point"
    assert sorted(titles[1:-1]) == ["Long brief 1", "Long brief 2"]
    assert [bool(m.get("components")) for m in answer.messages] == [False] * len(rest) + [True]
    for message in answer.messages:
        assert sum(len(e.get("description", "")) for e in message["embeds"]) <= 6000
    assert [m["id"] for m in fake_discord.messages(GENERAL)][1:] == [m["id"] for m in rest]
    assert errors == []


async def test_an_answer_discord_refuses_is_logged_and_the_bot_keeps_answering(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    def refused_callbacks() -> list[int]:
        return [r.status for r in fake_discord.requests
                if r.path.endswith("/callback") and r.status == 404]

    async with running_discord_bot(fake_discord, tmp_path / "db.sqlite3") as bot:
        fake_discord.interaction_deadline = 0.0  # every answer now arrives too late
        await fake_discord.slash("about", user=ALICE)
        await fake_discord.wait_until(lambda: len(refused_callbacks()) == 2)  # answer, apology
        await bot.settle()
        fake_discord.interaction_deadline = 3.0
        later = await bot.slash("about", user=ALICE)
        errors = [r.getMessage() for r in bot.errors]

    assert later.text.startswith("About this bot")
    assert errors == ["answering a Discord interaction failed"]


async def test_in_a_group_dm_everyone_may_read_but_nobody_can_subscribe(
    discord_bot: DiscordBot,
) -> None:
    """Installed by a user, the app answers in group DMs, where the bot can never post later."""
    group_dm = {"context": 2, "authorizing_integration_owners": {"1": str(ALICE)}}

    today = await discord_bot.slash("today", extra=group_dm)
    subscribe = await discord_bot.slash("subscribe", extra=group_dm)

    assert today.text.startswith(f"Daily brief — {TODAY}")
    assert subscribe.text == NEED_ADMIN
    assert await discord_bot.chat(discord_bot.dm(ALICE)) is None


async def test_in_a_server_without_the_bot_even_a_manager_cannot_subscribe(
    discord_bot: DiscordBot,
) -> None:
    """The app installed by a user, used in a server that never added the bot."""
    user_install = {"authorizing_integration_owners": {"1": str(ALICE)}}

    answer = await discord_bot.slash("subscribe", channel=GENERAL, extra=user_install)

    assert answer.text == NEED_ADMIN
    assert await discord_bot.chat(GENERAL) is None


async def test_a_slow_answer_is_deferred_within_discords_three_seconds_then_followed_up(
    discord_bot: DiscordBot,
) -> None:
    core = discord_bot.adapter.client.core
    handle = core.handle_command

    async def slowly(*args: object, **kwargs: object):
        await asyncio.sleep(DEFER_AFTER + 0.7)  # a busy moment: past the defer, within 3 s
        return await handle(*args, **kwargs)

    core.handle_command = slowly  # type: ignore[method-assign]
    started = asyncio.get_running_loop().time()
    answer = await discord_bot.slash("about", channel=GENERAL)

    assert answer.kind == 5  # deferred ("thinking"), in time
    assert answer.handle.callback_at is not None
    assert answer.handle.callback_at - started < 3.0
    assert "About this bot" in answer.text  # in the follow-up
