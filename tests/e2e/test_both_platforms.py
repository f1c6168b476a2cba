"""One process serves Telegram and Discord at once: the real `run_bot`, both fakes, one tick.

This drives the same code path as `briefbot run` with both platforms enabled: one event loop,
one database, one delivery queue. It ends the bot the way an operator does, with SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import time, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.config import Config, DeliveryConfig, DiscordConfig, TelegramConfig
from bot.config.model import MonitoringConfig
from bot.domain.address import Address, ChatKind
from bot.domain.clock import SystemClock
from bot.runner import run_bot
from bot.store import Store
from tests.e2e.delivery_process import free_port
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.discord_payloads import DEFAULT_GUILD
from tests.fakes.telegram_api import FakeBotApi, User

pytestmark = pytest.mark.timing  # a real tick every second and SIGTERM

REPO = Path(__file__).resolve().parents[2]
TELEGRAM_CHAT = 5551234
DISCORD_CHANNEL = DEFAULT_GUILD.channels[0].id


async def seed_due(database: Path, *addresses: tuple[Address, ChatKind]) -> None:
    """Subscribers whose digest fell due a minute ago (well inside the catch-up window)."""
    clock = SystemClock()
    due = clock.now() - timedelta(minutes=1)
    async with await Store.open(database, clock) as store:
        for address, kind in addresses:
            await store.ensure_chat(address, kind, delivery_time=time(7), timezone="UTC")
            await store.update_chat(address, subscribed=True, next_due_utc=due)


async def test_one_process_delivers_to_both_platforms_from_one_tick(tmp_path, monkeypatch):
    database = tmp_path / "bot.sqlite3"
    await seed_due(
        database,
        (Address("telegram", str(TELEGRAM_CHAT)), ChatKind.PRIVATE),
        (Address("discord", str(DISCORD_CHANNEL)), ChatKind.SERVER_CHANNEL),
    )
    async with FakeBotApi() as telegram, FakeDiscord() as discord:
        monkeypatch.setenv("BOTH_TG_TOKEN", telegram.token)
        monkeypatch.setenv("BOTH_DC_TOKEN", discord.token)
        config = Config(
            content_dir=REPO / "content",
            database=database,
            telegram=TelegramConfig(
                token_env="BOTH_TG_TOKEN", base_url=telegram.base_url, poll_timeout=1
            ),
            discord=DiscordConfig(
                enabled=True,
                token_env="BOTH_DC_TOKEN",
                api_base=discord.rest_base,
                gateway_url=discord.gateway_url,
            ),
            delivery=DeliveryConfig(tick_seconds=1),
            monitoring=MonitoringConfig(port=(port := free_port())),
        )
        bot = asyncio.create_task(run_bot(config))
        try:
            await telegram.wait_for_messages(TELEGRAM_CHAT, 1, timeout=20)
            await discord.wait_for_messages(DISCORD_CHANNEL, 1, timeout=20)
            # Both adapters also answer conversations while delivering.
            user = User(77, "Reader")
            telegram.send_text(user.chat, user, "/pray")
            await telegram.wait_for_messages(user.chat.id, 1, timeout=10)
            handle = await discord.slash(
                "today", channel_id=DISCORD_CHANNEL, guild_id=DEFAULT_GUILD.id
            )
            await handle.response(timeout=10)
            # Ready: the database answers, both platforms are connected, the tick has run.
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{port}/readyz") as ready,
            ):
                assert (ready.status, await ready.text()) == (200, "ok\n")
        finally:
            os.kill(os.getpid(), signal.SIGTERM)
            assert await asyncio.wait_for(bot, 15) == 0
    [digest] = telegram.sent_to(TELEGRAM_CHAT)
    assert digest["text"].startswith("Daily brief")
    scheduled, answer = discord.messages(DISCORD_CHANNEL)  # the digest, then /today's reply
    assert scheduled["embeds"][0]["title"].startswith("Daily brief")
    assert scheduled["components"][-1]["components"][-1]["custom_id"].startswith("bb:prayed:")
    assert answer["embeds"][0]["title"] == scheduled["embeds"][0]["title"]
    assert (
        "I prayed"
        in telegram.sent_to(user.chat.id)[0]["reply_markup"]["inline_keyboard"][-1][0]["text"]
    )
    store = await Store.open(database, SystemClock())
    async with store, store.db.read() as connection:
        rows = await connection.execute_fetchall(
            "SELECT platform, state FROM outbox ORDER BY platform"
        )
    assert [tuple(r) for r in rows] == [("discord", "sent"), ("telegram", "sent")]
