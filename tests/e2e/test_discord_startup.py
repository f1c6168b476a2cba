"""Starting the Discord adapter: the commands it publishes, the intents it asks for, and the
start-up failures an operator must be able to act on (never with the token in the message).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.adapters.discord.app import DiscordAdapter
from bot.adapters.discord.endpoints import DISCORD_API, DISCORD_GATEWAY, redirect
from bot.adapters.errors import StartupError
from bot.bootstrap import open_services
from bot.core.commands import COMMANDS
from bot.core.dispatch import BriefBot
from bot.domain.clock import FakeClock
from tests.e2e.discord_fixtures import (  # noqa: F401
    NOW,
    TOKEN,
    DiscordBot,
    discord_bot_fixture,
    discord_config,
    fake_discord_fixture,
    running_discord_bot,
)
from tests.fakes.discord_api import FakeDiscord

STRING = 3
GUILDS_INTENT = 1 << 0
MANAGE_CHANNELS = 1 << 4
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1


async def test_every_visible_command_is_synced_with_its_description(
    discord_bot: DiscordBot,
) -> None:
    synced = {c["name"]: c for c in discord_bot.fake.commands}

    visible = [c for c in COMMANDS if not c.hidden]
    assert list(synced) == [c.name for c in visible]
    assert {name: c["description"] for name, c in synced.items()} == {
        c.name: c.description for c in visible}
    assert "start" not in synced and "stop" not in synced  # aliases stay out of the menu


@pytest.mark.parametrize(
    ("name", "option", "required", "autocomplete"),
    [
        ("subscribe", "time", False, False),
        ("time", "time", True, False),
        ("timezone", "timezone", False, True),
        ("topic", "topic", False, True),
        ("follow", "topic", True, True),
        ("unfollow", "topic", False, True),
        ("search", "words", True, False),
        ("broadcast", "text", True, False),
    ],
)
async def test_arguments_are_typed_string_options(
    discord_bot: DiscordBot, name: str, option: str, required: bool, autocomplete: bool
) -> None:
    [declared] = discord_bot.fake.command(name)["options"]

    assert (declared["name"], declared["type"], declared["required"]) == (
        option, STRING, required)
    assert declared.get("autocomplete", False) is autocomplete
    assert 1 <= len(declared["description"]) <= 100
    assert declared["max_length"] == {"broadcast": 3500}.get(name, 200)


async def test_commands_without_arguments_declare_no_options(discord_bot: DiscordBot) -> None:
    for name in ("today", "pray", "topics", "unsubscribe", "settings", "forget", "about",
                 "help", "stats", "reload"):
        assert discord_bot.fake.command(name)["options"] == [], name


async def test_who_sees_which_command_by_default(discord_bot: DiscordBot) -> None:
    shown = {
        c["name"]: c["default_member_permissions"] for c in discord_bot.fake.commands
    }

    readers = {n for n, p in shown.items() if p is None}
    managers = {n for n, p in shown.items() if p is not None and int(p) == MANAGE_CHANNELS}
    admins_only = {n for n, p in shown.items() if p is not None and int(p) == 0}
    assert readers == {
        "today", "pray", "topic", "topics", "search", "brief", "settings", "about", "help"
    }
    assert managers == {
        "subscribe", "unsubscribe", "time", "timezone", "follow", "unfollow", "language", "forget"
    }
    assert admins_only == {"stats", "reload", "broadcast", "correct", "withdraw"}


async def test_commands_work_in_servers_dms_and_both_installation_kinds(
    discord_bot: DiscordBot,
) -> None:
    for command in discord_bot.fake.commands:
        assert sorted(command["contexts"]) == [GUILD, BOT_DM, PRIVATE_CHANNEL]
        assert sorted(command["integration_types"]) == [GUILD_INSTALL, USER_INSTALL]


async def test_only_the_guilds_intent_is_requested_and_nothing_privileged(
    discord_bot: DiscordBot,
) -> None:
    assert discord_bot.fake.identify_payload["intents"] == GUILDS_INTENT
    assert discord_bot.fake.privileged_intents_requested == set()


async def test_start_registers_commands_once_and_stop_puts_the_endpoints_back(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY

    async with running_discord_bot(fake_discord, tmp_path / "db.sqlite3"):
        assert fake_discord.rest_base == Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == fake_discord.gateway_url

    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    puts = [r for r in fake_discord.requests if r.route and r.route.startswith("PUT")]
    assert [r.route for r in puts] == ["PUT /applications/{application_id}/commands"]
    assert fake_discord.gateway.counts["identifies"] == 1


def test_discords_own_endpoints_leave_discord_py_untouched() -> None:
    before = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY

    restore = redirect(DISCORD_API + "/", DISCORD_GATEWAY)

    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    restore()


async def _start(fake: FakeDiscord, database: Path, token: str, **endpoints: object) -> None:
    """Start and stop an adapter; the StartupError, if any, propagates."""
    config = discord_config(fake, database)
    async with open_services(config, FakeClock(NOW)) as services:
        settings = {"api_base": fake.rest_base, "gateway_url": fake.gateway_url} | endpoints
        adapter = DiscordAdapter(BriefBot(services), token, guild_ready_timeout=0.01,
                                 **settings)  # type: ignore[arg-type]
        await adapter.start()
        await adapter.stop()


async def test_a_wrong_token_is_reported_without_the_token(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    wrong = TOKEN[:-6] + "WRONG1"

    with pytest.raises(StartupError) as refused:
        await _start(fake_discord, tmp_path / "db.sqlite3", wrong)

    assert "refused the bot token" in str(refused.value)
    assert "discord.token_env" in str(refused.value)
    assert wrong not in str(refused.value) and TOKEN not in str(refused.value)
    assert fake_discord.gateway.counts["connections"] == 0


async def test_an_unreachable_api_names_the_address_to_check(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    nowhere = "http://127.0.0.1:9/api/v10"

    with pytest.raises(StartupError) as refused:
        await _start(fake_discord, tmp_path / "db.sqlite3", TOKEN, api_base=nowhere)

    assert f"Cannot reach the Discord API at {nowhere}" in str(refused.value)
    assert "discord.api_base" in str(refused.value)
    assert Route.BASE == DISCORD_API  # put back after the failed start


@pytest.mark.timing
async def test_a_silent_gateway_is_reported_within_the_ready_timeout(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.CRITICAL, logger="discord")  # discord.py logs its retries

    with pytest.raises(StartupError) as refused:
        await _start(fake_discord, tmp_path / "db.sqlite3", TOKEN,
                     gateway_url="ws://127.0.0.1:9/gateway", ready_timeout=0.3)

    assert "ws://127.0.0.1:9/gateway" in str(refused.value)
    assert "discord.gateway_url" in str(refused.value)


async def test_the_token_appears_in_no_log_line(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async with running_discord_bot(fake_discord, tmp_path / "db.sqlite3") as bot:
        await bot.slash("subscribe")

    assert caplog.records, "nothing was logged at all"
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]
