"""The Telegram side of the delivery benchmarks: the fake Bot API process, the engine's sender,
the peer (a plain loop over python-telegram-bot's `send_message` with `AIORateLimiter`), and a
bare concurrent send loop with no engine and no limiter (what the HTTP stack alone can do).

`bench.corrections` uses `FakeWithEdits`: the same fake, started with no limits (the
digests go out first, as fast as the engine sends them), then told to enforce them while the
edits of a correction are measured; it reports each edit by (chat, message id).

Another platform can plug in the same way, with a module providing these names (`serve_fake`,
`make_bot`, `make_sender`, `limits`, `run_peer`, `run_bare`) listed in
`bench._engine_run.PLATFORMS`; Discord has its own self-contained `bench.broadcast_discord`,
which `bench.broadcast --platform discord` runs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from multiprocessing.connection import Connection
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ExtBot

from bench._common import ChildServer, peak_rss_mb, receive
from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.mapping import keyboard
from bot.adapters.telegram.replies import NO_PREVIEW
from bot.adapters.telegram.sender import TelegramSender
from bot.bootstrap import telegram_limits
from bot.config import Config
from bot.core.reply import Reply
from bot.delivery.ports import Limits

TOKEN = "123:BENCH"
Message = tuple[str, InlineKeyboardMarkup | None]


def serve_fake(pipe: Connection, global_rate: float, per_chat_rate: float) -> None:
    """Child process: FakeBotApi enforcing the limits; answers "stop" with its records.

    The fake keeps every request, so Python's full garbage collections in it grow to 30-100 ms
    by 10,000 requests. Requests that arrive during one are read and stamped together when it
    ends, and the fake's sliding second then counts sends that were spaced correctly as a
    burst (each such pause cost a 429 at 30/s). Telegram stamps at its front door, not after
    a pause of its own, so the fake runs with the cyclic collector off.
    """
    logging.basicConfig(level=logging.WARNING)
    gc.disable()
    asyncio.run(_serve(pipe, global_rate, per_chat_rate))


async def _serve(pipe: Connection, global_rate: float, per_chat_rate: float) -> None:
    from tests.fakes.telegram_api import FakeBotApi

    api = FakeBotApi(TOKEN, global_rate=global_rate, per_chat_rate=per_chat_rate)
    await api.start()
    pipe.send(api.base_url)
    await receive(pipe)
    chats = {params.get("chat_id") for params in api.calls("sendMessage")}
    records = {
        "accepted": api.stats.accepted,
        "rate_limited": api.stats.rate_limited,
        "failed": api.stats.failed,
        "accepted_at": api.stats.accepted_at,
        "per_chat": {c: n for c in chats if (n := len(api.sent_to(c, edits=False)))},
        "peak_rss_mb": peak_rss_mb(),
    }
    await api.stop()
    pipe.send(records)


class FakeWithEdits(ChildServer):
    """FakeBotApi in a process of its own with no limits until `limit` sets them; on stop it
    answers with its counters since then and every edit it accepted (`serve_fake_with_edits`).

    One fake for both phases, because an edit is accepted only for a message the same fake
    sent: the digests can go out unpaced and the edits be measured against the limits.
    """

    def __init__(self, needle: str) -> None:
        super().__init__(serve_fake_with_edits, needle)

    def limit(self, global_rate: float, per_chat_rate: float, timeout: float = 30.0) -> None:
        """Enforce these rates from now on, for sends and edits alike; counters start again."""
        self._parent.send(("limits", global_rate, per_chat_rate))
        if not self._parent.poll(timeout):
            raise TimeoutError("the fake server did not take its limits")
        self._parent.recv()


def serve_fake_with_edits(pipe: Connection, needle: str) -> None:
    """Child process of `FakeWithEdits`; `needle` is a text every edit should carry (the
    corrected title), checked here so the records need not carry 10,000 texts back."""
    logging.basicConfig(level=logging.WARNING)
    gc.disable()  # as in serve_fake: a collection's pause would bunch the stamps
    asyncio.run(_serve_with_edits(pipe, needle))


async def _serve_with_edits(pipe: Connection, needle: str) -> None:
    from tests.fakes.telegram_api import FakeBotApi
    from tests.fakes.telegram_faults import FloodControl
    from tests.fakes.telegram_server import SendStats

    api = FakeBotApi(TOKEN)  # no limits
    await api.start()
    pipe.send(api.base_url)
    before = api.stats
    while (command := await receive(pipe)) != "stop":
        _, global_rate, per_chat_rate = command
        before, api.stats = api.stats, SendStats()
        # FakeBotApi takes its limits when made; the server looks its flood control up on
        # every request, so a new one enforces the new limits from the next request on.
        api._flood = FloodControl(global_rate, per_chat_rate, 20)
        pipe.send("ok")
    chats = {int(params["chat_id"]) for params in api.calls("sendMessage")}
    sent: list[tuple[int, int]] = []
    edits: list[tuple[int, int, float, bool]] = []  # chat, message id, accepted at, has needle
    for chat in sorted(chats):
        for message in api.sent_to(chat):
            number = message["message_id"]
            if message["edited"]:
                edits.append((chat, number, message["at"], needle in message["text"]))
            else:
                sent.append((chat, number))
    records = {
        "before": {"accepted": before.accepted, "rate_limited": before.rate_limited},
        "accepted": api.stats.accepted,
        "rate_limited": api.stats.rate_limited,
        "failed": api.stats.failed,
        "accepted_at": api.stats.accepted_at,
        "edit_requests": len(api.calls("editMessageText")),
        "sent": sent,
        "edits": edits,
        "peak_rss_mb": peak_rss_mb(),
    }
    await api.stop()
    pipe.send(records)


def make_bot(base_url: str | None, rate_limiter: AIORateLimiter | None = None) -> Bot:
    """A bot on the fake (None: a bot that is never connected, for rendering only); with a
    rate limiter it is an ExtBot, as `ApplicationBuilder().rate_limiter(...)` builds it.

    Both talk HTTP through the request class the bot ships with (`TelegramAdapter`), so the
    runs compare the engine with the peer, not two HTTP clients."""
    url = base_url or "http://127.0.0.1:9/bot"
    requests = {"request": AiohttpRequest(), "get_updates_request": AiohttpRequest(1)}
    if rate_limiter is None:
        return Bot(TOKEN, base_url=url, **requests)
    return ExtBot(TOKEN, base_url=url, rate_limiter=rate_limiter, **requests)


def make_sender(bot: Bot, limits: Limits) -> TelegramSender:
    return TelegramSender(bot, limits)


def limits(config: Config) -> Limits:
    return telegram_limits(config)


def _message(reply: Reply) -> Message:
    """The text the engine sends, with the keyboard as a python-telegram-bot user builds it."""
    [message] = TelegramSender(make_bot(None), Limits()).render(reply)
    return message.text, keyboard(reply.buttons)


async def _send(bot: Bot, chat_id: str, message: Message) -> None:
    text, markup = message
    await bot.send_message(
        int(chat_id),
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        link_preview_options=NO_PREVIEW,
    )


async def run_peer(
    base_url: str, chat_ids: list[str], reply: Reply, per_second: float
) -> dict[str, Any]:
    """The library's own answer to flood limits: send each message in turn and let
    AIORateLimiter pace them and retry 429s (3 times; then the message is given up)."""
    message = _message(reply)
    limiter = AIORateLimiter(overall_max_rate=per_second, overall_time_period=1, max_retries=3)
    given_up = 0
    async with make_bot(base_url, limiter) as bot:
        started = time.monotonic()
        for chat_id in chat_ids:
            try:
                await _send(bot, chat_id, message)
            except TelegramError:
                given_up += 1
        seconds = time.monotonic() - started
    return {"seconds": seconds, "gave_up": given_up, "peak_rss_mb": peak_rss_mb()}


async def run_bare(
    base_url: str, chat_ids: list[str], reply: Reply, concurrency: int
) -> dict[str, Any]:
    """`concurrency` tasks sending the messages as fast as python-telegram-bot goes."""
    message = _message(reply)
    queue = list(reversed(chat_ids))
    errors = 0

    async def worker(bot: Bot) -> None:
        nonlocal errors
        while queue:
            try:
                await _send(bot, queue.pop(), message)
            except TelegramError:
                errors += 1

    async with make_bot(base_url) as bot:
        started = time.monotonic()
        await asyncio.gather(*(worker(bot) for _ in range(concurrency)))
        seconds = time.monotonic() - started
    return {"seconds": seconds, "errors": errors, "peak_rss_mb": peak_rss_mb()}
