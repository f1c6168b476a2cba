"""Running the real python-telegram-bot against FakeBotApi the way production runs it.

End-to-end tests build their Application with `application_builder(api)` (or point the bot's
own settings at `api.base_url`) and run it with `async with polling(app):`, which starts and
stops it in the documented order. Stopping is fast: the updater cancels its long poll and the
fake answers the follow-up poll at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Bot
from telegram.ext import Application, ApplicationBuilder

from tests.fakes.telegram_api import FakeBotApi


def application_builder(api: FakeBotApi) -> ApplicationBuilder:
    return (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
    )


def bot_for(api: FakeBotApi, token: str | None = None) -> Bot:
    """A bare Bot on the fake; use it as `async with bot_for(api) as bot:`."""
    return Bot(token or api.token, base_url=api.base_url, base_file_url=api.base_file_url)


@asynccontextmanager
async def polling(app: Application, *, long_poll: float = 10.0) -> AsyncIterator[Application]:
    """initialize → start → start_polling, then stop them in reverse order."""
    assert app.updater is not None, "build the Application with an Updater"
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=dt.timedelta(seconds=long_poll))
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
