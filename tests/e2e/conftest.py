"""The whole bot on a fake Telegram: real python-telegram-bot, core, SQLite file and content.

`running_bot` starts FakeBotApi on 127.0.0.1, opens the services exactly as `briefbot run` does
(bootstrap, the shipped `content/`, a SQLite file in tmp_path) with a fake clock, and starts the
real `TelegramAdapter` polling the fake. The `telegram` fixture hands tests a `TelegramBot`
that speaks as users and waits on the fake's records, never on the wall clock.

Any error the bot logs (a handler that crashed, a Bot API call the library refused) fails the
test at teardown unless the test expected it, so a silent crash cannot pass for "ignored".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.telegram.app import TelegramAdapter
from bot.adapters.telegram.mapping import PLATFORM
from bot.bootstrap import open_services
from bot.config import Config, TelegramConfig
from bot.core.context import Services
from bot.core.dispatch import BriefBot
from bot.domain.address import Address
from bot.domain.chat import ChatRecord
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e import disks
from tests.e2e.delivery_process import BotProcess
from tests.fakes.log_watch import watching_errors
from tests.fakes.telegram_api import Chat, FakeBotApi, User
from tests.fakes.telegram_objects import JSONDict

CONTENT = Path(__file__).resolve().parents[2] / "content"
# Shaped like a real token, so both the exact-secret and the token-shape scrubbing apply.
TOKEN = "5123456789:AAHfakeSecretPart-for_tests_0123456789"
BOT_USERNAME = "briefbot_test_bot"
NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday; 15:00 in Seoul
TODAY = "Monday 23 November 2026"

ALICE = User(1001, "Alice", username="alice")
BOB = User(1002, "Bob")
OPERATOR = User(9001, "Olga", username="olga")  # listed in telegram.operators
GROUP = Chat.group(-4001, "Seoul prayer group")
SUPERGROUP = Chat.supergroup(-1001234567890, "Grace Church")
CHANNEL = Chat.channel(-1002003004005, "NK daily", username="nkdaily")


REPLY_PROMPT = "Or reply to this message with your answer."


def without_prompt(messages: list[JSONDict]) -> list[JSONDict]:
    """`messages` without the prompt a group gets after a question, to reply to."""
    return [m for m in messages if m["text"] != REPLY_PROMPT]


@dataclass
class TelegramBot:
    """The running bot as its users meet it, plus the store to check what it remembered."""

    api: FakeBotApi
    services: Services
    adapter: TelegramAdapter
    errors: list[logging.LogRecord] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.services.store

    async def chat(self, chat: Chat) -> ChatRecord | None:
        return await self.store.get_chat(Address(PLATFORM, str(chat.id)))

    def messages(self, chat: Chat) -> list[JSONDict]:
        """New messages the bot sent to `chat`, edits left out."""
        return self.api.sent_to(chat.id, edits=False)

    async def say(self, chat: Chat, user: User | None, text: str) -> list[JSONDict]:
        """Post `text` as `user` and return every new message it got, in order."""
        before = len(self.messages(chat))
        self.api.send_text(chat, user, text)
        await self.settle()
        return self.messages(chat)[before:]

    async def ask(self, chat: Chat, user: User | None, text: str) -> str:
        """Post `text` and return the one message it got back, as the user sees it (in a
        group, a question's "reply to this message" prompt after it left out)."""
        [reply] = without_prompt(await self.say(chat, user, text))
        return reply["text"]

    async def press(self, chat: Chat, user: User, message: JSONDict, data: str) -> JSONDict:
        """Press a button on a bot message; returns answerCallbackQuery's parameters."""
        query_id = self.api.press(chat, user, message["message_id"], data)
        answers = self.api.callback_answers
        await self.api.wait_for(lambda: query_id in answers)
        await self.settle()
        return answers[query_id]

    async def settle(self) -> None:
        """Wait until every queued update was fetched and fully handled by the application."""
        await self.api.wait_for(lambda: self.api.pending_updates == 0)
        await asyncio.wait_for(self.adapter.application.update_queue.join(), 5)

    async def assert_ignored(
        self, chat: Chat, user: User | None, send: Callable[[], object]
    ) -> None:
        """Run `send()` (which queues updates), then prove the bot is alive and said nothing.

        A later /about must be answered, and it must be the only thing sent to the chat since.
        """
        before = len(self.api.sent_to(chat.id))
        send()
        probe = await self.ask(chat, user, "/about")
        assert probe.startswith("About this bot")
        assert [m["text"] for m in self.api.sent_to(chat.id)[before:]] == [probe]


@asynccontextmanager
async def running_bot(database: Path, token: str = TOKEN) -> AsyncIterator[TelegramBot]:
    """The bot wired as production wires it, polling a fresh FakeBotApi; stopped on exit."""
    with watching_errors("bot", "telegram") as errors:
        async with FakeBotApi(token, bot_username=BOT_USERNAME) as api:
            config = Config(
                content_dir=CONTENT,
                database=database,
                telegram=TelegramConfig(base_url=api.base_url, operators=[OPERATOR.id]),
            )
            async with open_services(config, FakeClock(NOW), platforms=[PLATFORM]) as services:
                adapter = TelegramAdapter(
                    BriefBot(services),
                    token,
                    base_url=config.telegram.base_url,
                    operators=config.telegram.operators,
                    poll_timeout=1,
                )
                await adapter.start()
                try:
                    yield TelegramBot(api, services, adapter, errors)
                finally:
                    await adapter.stop()


@pytest.fixture
async def telegram(tmp_path: Path) -> AsyncIterator[TelegramBot]:
    async with running_bot(tmp_path / "db.sqlite3") as bot:
        yield bot
        await bot.settle()
        assert [r.getMessage() for r in bot.errors] == [], "the bot logged errors"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB disk of its own at tmp_path/disk (`tests.e2e.disks`), for full-disk faults."""
    with disks.small_disk(tmp_path / "disk") as disk:
        yield disk


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[[Path], BotProcess]]:
    """Start bot processes; every one is SIGKILLed at teardown if it is still running."""
    started: list[BotProcess] = []

    def start(config: Path, **environment: str) -> BotProcess:
        log = tmp_path / f"bot-{len(started) + 1}.log"
        process = BotProcess(config, TOKEN, log, environment)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.kill()
