"""The bot token never reaches the logs, whoever writes the line and whatever goes wrong.

Telegram puts the token in every request URL, and python-telegram-bot logs its API URL at
DEBUG. `setup_logging` scrubs every record on the root handler, so these tests log a whole
end-to-end run at DEBUG through it and search the output. A plain handler on python-telegram-
bot's own logger, which sees records before the root handler scrubs them, proves the token
really was in the raw lines: the scrubbing, not luck, kept it out.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest

from bot.core.commands import BY_NAME
from bot.core.context import Context
from bot.core.reply import Reply
from bot.logs import QUIET_LIBRARIES, setup_logging
from tests.e2e.conftest import ALICE, BOB, GROUP, TOKEN, running_bot
from tests.e2e.test_telegram_private import buttons

SECRET = TOKEN.partition(":")[2]


@contextmanager
def logged(verbose_http: bool) -> Iterator[tuple[StringIO, StringIO]]:
    """The app's log (as `briefbot run` sets it up, at DEBUG) and python-telegram-bot's
    unscrubbed lines."""
    root = logging.getLogger()
    libraries = ("telegram", "aiohttp", *QUIET_LIBRARIES)
    saved = root.handlers[:], root.level, {n: logging.getLogger(n).level for n in libraries}
    app_log, raw_http = StringIO(), StringIO()
    raw = logging.StreamHandler(raw_http)
    setup_logging("DEBUG", secrets=[TOKEN], stream=app_log)
    if verbose_http:  # an operator chasing a connection problem turns the HTTP client up
        logging.getLogger("aiohttp").setLevel(logging.DEBUG)
    logging.getLogger("telegram").addHandler(raw)
    try:
        yield app_log, raw_http
    finally:
        logging.getLogger("telegram").removeHandler(raw)
        handlers, level, levels = saved
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)


def assert_no_token(text: str) -> None:
    assert TOKEN not in text
    assert SECRET not in text
    assert SECRET[:12] not in text


@pytest.mark.parametrize("verbose_http", [False, True], ids=["as-configured", "http-debug"])
async def test_a_whole_run_logged_at_debug_never_shows_the_token(
    tmp_path: Path, verbose_http: bool
) -> None:
    with logged(verbose_http) as (app_log, raw_http):
        async with running_bot(tmp_path / "db.sqlite3") as bot:
            bot.api.set_admins(GROUP, ALICE)
            await bot.ask(GROUP, ALICE, "/subscribe")
            [prayer] = await bot.say(ALICE.chat, ALICE, "/pray")
            await bot.press(ALICE.chat, ALICE, prayer, buttons(prayer)[0][1])
            await bot.ask(BOB.chat, BOB, "/time 25:99")

    text = app_log.getvalue()
    assert_no_token(text)
    assert "[token hidden]" in text  # python-telegram-bot logs its URL, token and all
    assert "telegram.ext.Updater: Updater started (polling)" in text
    assert "Calling Bot API endpoint `sendMessage`" in text
    assert TOKEN in raw_http.getvalue()  # the raw line had it; the app's log does not


async def test_a_crashing_handler_and_a_failing_api_leak_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(ctx: Context, args: str) -> Reply:
        try:
            raise ConnectionError(f"POST http://127.0.0.1/bot{TOKEN}/getMe refused")
        except ConnectionError as cause:
            raise RuntimeError(f"retrying {TOKEN}/getMe failed") from cause

    monkeypatch.setitem(BY_NAME, "about", dataclasses.replace(BY_NAME["about"], handler=explode))

    with logged(verbose_http=True) as (app_log, _):
        async with running_bot(tmp_path / "db.sqlite3") as bot:
            crashed = await bot.ask(ALICE.chat, ALICE, "/about")
            bot.api.fail(ALICE.id, status=500, method="sendMessage")
            bot.api.send_text(ALICE.chat, ALICE, "/help")
            await bot.settle()
            recovered = await bot.ask(ALICE.chat, ALICE, "/settings")

    text = app_log.getvalue()
    assert crashed == "Something went wrong on my side. Please try again in a moment."
    assert recovered.startswith("Settings for this chat")
    assert "ERROR bot.core.dispatch: handling /about in a private chat failed" in text
    assert "Traceback (most recent call last)" in text
    assert "ConnectionError: POST http://127.0.0.1/bot[token hidden]/getMe refused" in text
    assert "RuntimeError: retrying [token hidden]/getMe failed" in text
    assert "Telegram handler failed: NetworkError: Internal Server Error" in text
    assert_no_token(text)
    assert [r.getMessage().splitlines()[0] for r in bot.errors] == [
        "handling /about in a private chat failed",
        "Telegram handler failed: NetworkError: Internal Server Error",
    ]


def test_the_secret_part_alone_or_url_encoded_is_hidden_too() -> None:
    with logged(verbose_http=False) as (app_log, _):
        log = logging.getLogger("bot.test")
        log.warning("authorisation %s", SECRET)
        log.warning("GET /bot%s/getMe", TOKEN.replace(":", "%3A"))

    assert_no_token(app_log.getvalue())
