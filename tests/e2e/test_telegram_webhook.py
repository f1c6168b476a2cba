"""Webhook mode, run as an operator runs it: `python -m bot run` with telegram.mode: webhook.

The fake Bot API plays Telegram: it records setWebhook, refuses getUpdates while a webhook is
set, and posts each pending update with the secret header to the public URL, which the test's
"reverse proxy" (`api.webhook.forward_to`) maps to the address the bot listens on. Requests
that come without the right secret are made directly, as an attacker who found the URL would.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.telegram.webhook import SECRET_HEADER, derived_secret
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_process import BotProcess, free_port, write_config
from tests.fakes.telegram_api import FakeBotApi, User

PUBLIC_URL = "https://bot.example.org/telegram"
SECRET = "Shared-secret_from_the_environment_42"
ALICE = User(701, "Alice")
MALLORY = User(702, "Mallory")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


def webhook_config(tmp_path: Path, api: FakeBotApi, port: int, **telegram: object) -> Path:
    webhook = {"public_url": PUBLIC_URL, "listen": "127.0.0.1", "port": port}
    sections = {"telegram": {"mode": "webhook", "webhook": webhook, **telegram}}
    return write_config(tmp_path, api, sections=sections)


async def until_running(bot: BotProcess, timeout: float = 20.0) -> None:
    """Until the bot says it runs (its signal handlers are in place from then on)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while "running on telegram" not in bot.output():
        assert loop.time() < deadline, bot.output()
        await asyncio.sleep(0.05)


async def started_with_webhook(
    api: FakeBotApi,
    processes: Callable[..., BotProcess],
    tmp_path: Path,
    telegram: dict | None = None,
    **env: str,
) -> tuple[BotProcess, dict, int]:
    """A bot in webhook mode on a free port, the fake's "proxy" forwarding to it; returns
    the process, what it registered with setWebhook, and its port."""
    port = free_port()
    bot = processes(webhook_config(tmp_path, api, port, **(telegram or {})), **env)
    [registered] = await api.wait_for_calls("setWebhook", timeout=20)
    api.webhook.forward_to = f"http://127.0.0.1:{port}/telegram"
    await until_running(bot)
    return bot, registered, port


async def test_updates_posted_to_the_webhook_are_answered(
    api: FakeBotApi, tmp_path: Path, processes: Callable[..., BotProcess]
):
    bot, registered, _ = await started_with_webhook(
        api, processes, tmp_path, TELEGRAM_WEBHOOK_SECRET=SECRET
    )
    assert registered["url"] == PUBLIC_URL
    assert registered["secret_token"] == SECRET
    assert set(registered["allowed_updates"]) >= {"message", "callback_query", "my_chat_member"}
    assert "drop_pending_updates" not in registered  # only when configured
    assert api.calls("getUpdates") == []  # no polling in webhook mode

    api.send_text(ALICE.chat, ALICE, "/start")
    [welcome] = await api.wait_for_messages(ALICE.id, 1, timeout=10)
    assert welcome["text"].startswith("Welcome")
    assert [post.status for post in api.webhook.posts] == [200]

    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()
    assert SECRET not in bot.output()


async def test_a_request_without_the_right_secret_is_refused_and_changes_nothing(
    api: FakeBotApi, tmp_path: Path, processes: Callable[..., BotProcess]
):
    bot, _, port = await started_with_webhook(
        api, processes, tmp_path, TELEGRAM_WEBHOOK_SECRET=SECRET
    )
    forged = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": MALLORY.id, "type": "private", "first_name": "Mallory"},
            "from": {"id": MALLORY.id, "is_bot": False, "first_name": "Mallory"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    url = f"http://127.0.0.1:{port}/telegram"
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {SECRET_HEADER: "guessed"}, {SECRET_HEADER: SECRET[:-1]}):
            async with session.post(url, json=forged, headers=headers) as answer:
                assert answer.status == 403
        async with session.post(url, json=forged, headers={SECRET_HEADER: SECRET}) as answer:
            assert answer.status == 200  # the same request with the secret is taken

    await api.wait_for_messages(MALLORY.id, 1, timeout=10)
    assert len(api.sent_to(MALLORY.id)) == 1, "a refused request was answered too"
    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()
    output = bot.output()
    assert output.count("refused a webhook request") == 3
    assert "no secret token" in output and "a wrong secret token" in output
    assert SECRET not in output and "guessed" not in output


async def test_switching_back_to_polling_deletes_the_webhook(
    api: FakeBotApi, tmp_path: Path, processes: Callable[..., BotProcess]
):
    """Without a secret in the environment, the one derived from the token is registered;
    then the operator goes back to polling, and Telegram is told to stop posting."""
    webhook_bot, registered, _ = await started_with_webhook(api, processes, tmp_path)
    assert registered["secret_token"] == derived_secret(TOKEN)
    webhook_bot.signal(signal.SIGTERM)
    assert await webhook_bot.wait(timeout=10) == 0, webhook_bot.output()
    assert derived_secret(TOKEN) not in webhook_bot.output()

    api.webhook.forward_to = None  # the proxy is gone: updates wait at "Telegram"
    api.send_text(ALICE.chat, ALICE, "/start")
    polling_bot = processes(write_config(tmp_path, api))
    await api.wait_for_calls("deleteWebhook", timeout=20)
    await until_running(polling_bot)
    assert api.webhook.url == ""
    [welcome] = await api.wait_for_messages(ALICE.id, 1, timeout=10)  # read by polling
    assert welcome["text"].startswith("Welcome")
    polling_bot.signal(signal.SIGTERM)
    assert await polling_bot.wait(timeout=10) == 0, polling_bot.output()


async def test_dropping_pending_updates_is_asked_for_only_when_configured(
    api: FakeBotApi, tmp_path: Path, processes: Callable[..., BotProcess]
):
    api.send_text(ALICE.chat, ALICE, "/start")  # waited while the bot was down
    bot, registered, _ = await started_with_webhook(
        api, processes, tmp_path, {"drop_pending_updates": True}
    )
    assert registered["drop_pending_updates"] is True
    await asyncio.sleep(0.5)
    assert api.sent_to(ALICE.id) == [] and api.pending_updates == 0
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM chats").fetchone()[0] == 0
    bot.signal(signal.SIGTERM)
    assert await bot.wait(timeout=10) == 0, bot.output()
