"""1,500 readers send /start within one second to a bot run as an operator runs it.

The fake enforces Telegram's 30 messages a second overall and one a second per chat, and
counts every send that arrives inside a flood wait it had told the bot about (Telegram makes
such a bot wait longer). Before answers shared the delivery pacer, the same burst drew 42
429s and 291 sends into open waits.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_process import BotProcess, write_config
from tests.fakes.telegram_api import FakeBotApi, User

pytestmark = pytest.mark.timing  # a whole burst at Telegram's real rate

READERS = [User(70_000 + n, f"Reader {n}") for n in range(1500)]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
        yield api


async def test_a_burst_of_1500_commands_is_answered_within_the_limits_and_never_into_a_wait(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
):
    bot = processes(write_config(tmp_path, api))  # the shipped defaults: 30/s, 1/s per chat
    await api.wait_for(lambda: "running on telegram" in bot.output(), timeout=30)
    for reader in READERS:
        api.send_text(reader.chat, reader, "/start")

    def everyone_answered() -> bool:
        return all(api.sent_to(reader.id, edits=False) for reader in READERS)

    await api.wait_for(everyone_answered, timeout=150)
    sends = api.stats.accepted + api.stats.rate_limited
    assert api.stats.sent_inside_wait == 0
    assert api.stats.rate_limited < 0.01 * sends, api.stats
    assert all(
        api.sent_to(r.id, edits=False)[0]["text"].startswith("Welcome") for r in READERS[:20]
    )
