"""The whole bot on a fake Discord: real discord.py client, core, SQLite file and shipped content.

`running_discord_bot` opens the services exactly as `briefbot run` does (bootstrap, the shipped
`content/`, a SQLite file) with a fake clock, and starts the real `DiscordAdapter` against a
`FakeDiscord` on 127.0.0.1. Tests talk to it as Discord users do — slash commands, autocomplete,
button presses — and read back what the bot answered as an `Answer`.

Import the fixtures explicitly in a test module:

    from tests.e2e.discord_fixtures import discord_bot_fixture, fake_discord_fixture  # noqa: F401

and use them as `discord_bot` / `fake_discord`. Any error the bot or discord.py logs fails the
test at teardown, so a handler that crashed cannot pass for one that chose silence.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord.app import DiscordAdapter
from bot.adapters.discord.mapping import PLATFORM, address_of
from bot.bootstrap import open_services
from bot.config import Config, DiscordConfig
from bot.core.context import Services
from bot.core.dispatch import BriefBot
from bot.domain.chat import ChatRecord
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.fakes.discord_api import DEFAULT_GUILD, FakeDiscord, InteractionHandle
from tests.fakes.discord_payloads import MANAGE_CHANNELS, MEMBER_PERMISSIONS
from tests.fakes.log_watch import watching_errors

CONTENT = Path(__file__).resolve().parents[2] / "content"
# Shaped like a real bot token (base64 user id . timestamp . secret), so scrubbing would apply.
TOKEN = "MTIwMDAwMDAwMDAwMDAwMDAwMg.GfAkE1.fake-discord-secret_for-tests-0123456789"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday
TODAY = "Monday 23 November 2026"

GUILD = DEFAULT_GUILD
GENERAL = GUILD.channels[0].id  # a text channel
ANNOUNCEMENTS = GUILD.channels[1].id  # an announcement channel
ALICE = 1400000000000000001  # has Manage Channels in the server
BOB = 1400000000000000002  # a plain member
OLGA = 1400000000000000009  # an operator, listed in discord.operators
ADMINISTRATOR = 1 << 3
MEMBER = MEMBER_PERMISSIONS
MANAGER = MEMBER_PERMISSIONS | MANAGE_CHANNELS
EPHEMERAL = 1 << 6
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def visible(text: str) -> str:
    """Discord markdown as a reader sees it: backslash escapes shown as the bare character."""
    return _ESCAPED.sub(r"\1", text)


def message_text(message: dict[str, Any]) -> str:
    """A message's content and embeds (title, description, footer) as one text, unescaped."""
    pieces = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        pieces += [embed.get("title", ""), embed.get("description", "")]
        pieces.append((embed.get("footer") or {}).get("text", ""))
    return visible("\n".join(p for p in pieces if p))


def buttons_of(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, custom_id) of every button on a message, row by row."""
    return [
        (button["label"], button["custom_id"])
        for row in message.get("components") or []
        for button in row["components"]
    ]


@dataclass
class Answer:
    """Everything the bot answered to one interaction: its response and any follow-ups."""

    handle: InteractionHandle

    @property
    def kind(self) -> int:
        """The callback type: 4 a new message, 7 an edit of the pressed message, 8 choices."""
        assert self.handle.callback is not None
        return self.handle.callback["type"]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The response's message data, then each follow-up, as the bot sent them."""
        assert self.handle.callback is not None
        first = self.handle.callback.get("data") or {}
        return [first, *self.handle.followups]

    @property
    def text(self) -> str:
        return "\n".join(message_text(m) for m in self.messages)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        return [b for m in self.messages for b in buttons_of(m)]

    @property
    def ephemeral(self) -> bool:
        return all(int(m.get("flags") or 0) & EPHEMERAL for m in self.messages)

    @property
    def message_id(self) -> int:
        """The id of the message the response created or edited."""
        assert self.handle.original_id is not None
        return self.handle.original_id


@dataclass
class DiscordBot:
    """The running bot as Discord users meet it, plus the store to check what it remembered."""

    fake: FakeDiscord
    services: Services
    adapter: DiscordAdapter
    errors: list[logging.LogRecord] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.services.store

    async def chat(self, channel_id: int) -> ChatRecord | None:
        return await self.store.get_chat(address_of(channel_id))

    def dm(self, user: int) -> int:
        """The user's DM channel with the bot."""
        return self.fake.dm_channel_id(user)

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: int = ALICE,
        channel: int | None = None,
        permissions: int = MANAGER,
        extra: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> Answer:
        """Run /name as `user` in `channel` (a server channel; None = the user's DM), from a
        client set to `locale`."""
        where = {"channel_id": channel} if channel is not None else {}
        handle = await self.fake.slash(
            name,
            options or {},
            user=user,
            permissions=permissions,
            extra=extra,
            locale=locale,
            **where,
        )
        return await self._answered(handle)

    async def autocomplete(
        self,
        name: str,
        option: str,
        typed: str,
        *,
        channel: int | None = None,
        locale: str = "en-US",
    ) -> list[dict[str, str]]:
        """The choices Discord would show while the user types into `option`."""
        where = {"channel_id": channel} if channel is not None else {}
        handle = await self.fake.autocomplete(
            name, option, typed, user=ALICE, locale=locale, **where
        )
        answer = await self._answered(handle)
        assert answer.kind == 8
        return answer.handle.callback["data"]["choices"]  # type: ignore[index]

    async def press(
        self,
        message_id: int,
        custom_id: str,
        *,
        user: int = ALICE,
        permissions: int = MANAGER,
    ) -> Answer:
        """Press a button on a message the bot sent."""
        handle = await self.fake.press(custom_id, message_id, user=user, permissions=permissions)
        return await self._answered(handle)

    def message(self, message_id: int) -> dict[str, Any]:
        """A message as it is now in its channel (edits applied)."""
        found = self.fake.message(message_id)
        assert found is not None, f"no message {message_id}"
        return found

    async def settle(self) -> None:
        """Wait until every interaction in flight has been fully answered."""
        await self.adapter.client.idle(timeout=5)

    async def _answered(self, handle: InteractionHandle) -> Answer:
        await handle.response()
        await self.settle()
        return Answer(handle)


def discord_config(fake: FakeDiscord, database: Path, content: Path = CONTENT) -> Config:
    return Config(
        content_dir=content,
        database=database,
        discord=DiscordConfig(
            enabled=True, api_base=fake.rest_base, gateway_url=fake.gateway_url, operators=[OLGA]
        ),
    )


@asynccontextmanager
async def running_discord_bot(
    fake: FakeDiscord, database: Path, token: str = TOKEN, content: Path = CONTENT
) -> AsyncIterator[DiscordBot]:
    """The bot wired as production wires it, connected to `fake`; stopped on exit."""
    with watching_errors("bot", "discord") as errors:
        config = discord_config(fake, database, content)
        async with open_services(config, FakeClock(NOW), platforms=[PLATFORM]) as services:
            adapter = DiscordAdapter(
                BriefBot(services),
                token,
                api_base=config.discord.api_base,
                gateway_url=config.discord.gateway_url,
                operators=config.discord.operators,
                guild_ready_timeout=0.01,
            )
            await adapter.start()
            try:
                yield DiscordBot(fake, services, adapter, errors)
            finally:
                await adapter.stop()


@pytest.fixture(name="fake_discord")
async def fake_discord_fixture() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN) as fake:
        yield fake


@pytest.fixture(name="discord_bot")
async def discord_bot_fixture(
    fake_discord: FakeDiscord, tmp_path: Path
) -> AsyncIterator[DiscordBot]:
    async with running_discord_bot(fake_discord, tmp_path / "db.sqlite3") as bot:
        yield bot
        await bot.settle()
        assert [r.getMessage() for r in bot.errors] == [], "the bot logged errors"
