"""`AiohttpRequest`, the HTTP transport python-telegram-bot runs on, over real HTTP on 127.0.0.1.

Each test drives a genuine `telegram.Bot` built on the class against FakeBotApi, or against a
few lines of aiohttp server that check what arrived, and asserts what python-telegram-bot and
the delivery sender see: answers, `TimedOut` and `NetworkError`, never the token in an error.
"""

from __future__ import annotations

import asyncio
import io
import socket
import time
import traceback
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import NetworkError, TimedOut

from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.mapping import keyboard
from bot.adapters.telegram.replies import NO_PREVIEW
from bot.adapters.telegram.sender import TelegramSender
from bot.core.reply import Button, Paragraph, Reply
from bot.delivery import outcomes
from bot.delivery.ports import Limits
from tests.e2e.conftest import ALICE, BOB, TOKEN
from tests.fakes import telegram_faults as faults
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # read, connect and pool timeouts

SECRET = TOKEN.partition(":")[2]
REPLY = Reply(parts=(Paragraph("42"),), buttons=((Button("Prayed", "prayed:p1"),),), protect=True)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


def bot_on(base_url: str, **options: Any) -> Bot:
    """A bot whose requests, getUpdates' too, are `AiohttpRequest(**options)`."""
    polling = {**options, "connection_pool_size": 1}
    return Bot(
        TOKEN,
        base_url=base_url,
        request=AiohttpRequest(**options),
        get_updates_request=AiohttpRequest(**polling),
    )


def assert_no_token(error: BaseException) -> None:
    """Neither the error nor anything chained to it, as a log would print it, holds the token."""
    assert SECRET not in "".join(traceback.format_exception(error))


async def test_an_answer_slower_than_the_read_timeout_times_out_unless_given_longer(
    api: FakeBotApi,
) -> None:
    api.delay(ALICE.id, 0.6, method="sendMessage")
    async with bot_on(api.base_url, read_timeout=0.2) as bot:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE.id, "hello")
        assert time.monotonic() - started < 0.5

        sent = await bot.send_message(ALICE.id, "hello", read_timeout=3)

    assert sent.text == "hello"


async def test_a_long_poll_may_outlast_the_read_timeout(api: FakeBotApi) -> None:
    async with bot_on(api.base_url, read_timeout=0.2) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - started > 0.9


@contextmanager
def full_backlog() -> Iterator[int]:
    """A port whose listen queue is full: a new connection waits for ever to be accepted."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        waiting = [socket.socket() for _ in range(3)]
        for client in waiting:
            client.setblocking(False)
            client.connect_ex(("127.0.0.1", port))
        try:
            yield port
        finally:
            for client in waiting:
                client.close()


async def test_a_connect_timeout_is_timed_out_without_the_url_aiohttp_put_in_it() -> None:
    with full_backlog() as port:
        started = time.monotonic()
        with pytest.raises(TimedOut) as caught:
            async with bot_on(f"http://127.0.0.1:{port}/bot", connect_timeout=0.3):
                pass
        assert time.monotonic() - started < 2  # the connect timeout, not the 5 s read timeout
    assert_no_token(caught.value)


@asynccontextmanager
async def hanging_up() -> AsyncIterator[int]:
    """A port that accepts each connection and closes it at once."""
    server = await asyncio.start_server(lambda _r, w: w.close(), "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


@pytest.mark.parametrize("server", ["refusing", "hanging up"])
async def test_a_connection_failure_is_a_network_error_that_names_no_url(server: str) -> None:
    if server == "refusing":
        async with FakeBotApi(TOKEN) as gone:
            url = gone.base_url  # nothing listens there once the fake stops
        expected = "aiohttp.ClientConnectorError: Cannot connect to host 127.0.0.1:"
        with pytest.raises(NetworkError) as caught:
            async with bot_on(url):
                pass
    else:
        expected = "aiohttp.ServerDisconnectedError"
        async with hanging_up() as port:
            with pytest.raises(NetworkError) as caught:
                async with bot_on(f"http://127.0.0.1:{port}/bot"):
                    pass

    assert caught.value.message.startswith(expected)
    assert_no_token(caught.value)


DELIVERY_ANSWERS: dict[
    str, tuple[dict[str, Any], outcomes.Outcome]
] = {  # to sendMessage: what the sender makes of it
    "blocked": ({"status": 403}, outcomes.Gone(faults.BLOCKED_BY_USER)),
    "chat not found": ({"status": 400}, outcomes.Gone("Chat not found")),
    "too long": (
        {"status": 400, "description": faults.MESSAGE_TOO_LONG},
        outcomes.Failed("Message is too long"),  # python-telegram-bot drops "Bad Request: "
    ),
    "flood": ({"status": 429, "retry_after": 3}, outcomes.RetryAfter(3.0)),
    "migrated": (
        {"status": 400, "description": faults.GROUP_MIGRATED, "migrate_to_chat_id": -100777},
        outcomes.Moved("-100777"),
    ),
    "token revoked": ({"status": 401}, outcomes.Unauthorized("InvalidToken: Unauthorized")),
    "garbled token": ({"status": 404}, outcomes.Unauthorized("InvalidToken: Not Found")),
    "server error": ({"status": 500}, outcomes.Retry("NetworkError: Internal Server Error")),
    "nginx 502 page": (
        {"status": 502, "html": True},
        outcomes.Retry("NetworkError: Bad Gateway (502)"),
    ),
}


@pytest.mark.parametrize("answer", DELIVERY_ANSWERS)
async def test_the_sender_maps_each_bot_api_answer_to_its_outcome(
    api: FakeBotApi, answer: str
) -> None:
    fault, expected = DELIVERY_ANSWERS[answer]
    api.fail(ALICE.id, method="sendMessage", times=1, **fault)
    async with bot_on(api.base_url) as bot:
        sender = TelegramSender(bot, Limits())
        [message] = sender.render(REPLY)
        assert await sender.send(str(ALICE.id), message) == expected
        delivered = await sender.send(str(ALICE.id), message)
        [shown] = api.sent_to(ALICE.id)  # carries the id Telegram gave the message
        assert delivered == outcomes.Delivered(str(shown["message_id"]))


async def test_the_sender_posts_what_send_message_posts(api: FakeBotApi) -> None:
    async with bot_on(api.base_url) as bot:
        sender = TelegramSender(bot, Limits())
        [message] = sender.render(REPLY)
        delivered = await sender.send(str(ALICE.id), message)
        assert delivered == outcomes.Delivered(str(api.sent_to(ALICE.id)[0]["message_id"]))
        await bot.send_message(
            ALICE.id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(REPLY.buttons),
            link_preview_options=NO_PREVIEW,
            protect_content=True,
        )

    by_sender, by_library = api.calls("sendMessage")
    assert by_sender == by_library
    assert by_sender["text"] == "42" and by_sender["reply_markup"]["inline_keyboard"]


async def test_a_busy_pool_times_out_unsent_unless_the_caller_waits_longer(
    api: FakeBotApi,
) -> None:
    api.delay(ALICE.id, 0.5, method="sendMessage")
    async with bot_on(api.base_url, connection_pool_size=1, pool_timeout=0.1) as bot:
        first = asyncio.create_task(bot.send_message(ALICE.id, "first"))
        await api.wait_for(lambda: api.calls("sendMessage"))
        with pytest.raises(TimedOut, match=r"^Pool timeout"):
            await bot.send_message(BOB.id, "second")
        assert [call["chat_id"] for call in api.calls("sendMessage")] == [ALICE.id]

        third = await bot.send_message(BOB.id, "third", pool_timeout=3)
        assert ((await first).text, third.text) == ("first", "third")


async def test_shut_down_it_refuses_to_send_and_initialized_again_it_works(
    api: FakeBotApi,
) -> None:
    request = AiohttpRequest()
    bot = Bot(TOKEN, base_url=api.base_url, request=request)
    async with bot:
        await request.initialize()  # again: the same session goes on
        assert (await bot.get_me()).id == 4242
    await request.shutdown()  # again: nothing left to close

    with pytest.raises(NetworkError, match="not initialized"):
        await bot.get_me()
    async with bot:
        assert (await bot.get_me()).id == 4242


async def _send_document(request: web.Request) -> web.Response:
    """Checks the upload the way Telegram would read it, then answers with the message."""
    assert request.content_type == "multipart/form-data"
    assert request.headers["User-Agent"].startswith("python-telegram-bot")
    form = await request.post()
    document = form["document"]
    assert isinstance(document, web.FileField)
    assert (document.filename, document.content_type) == ("brief.txt", "text/plain")
    assert (form["chat_id"], form["caption"]) == (str(ALICE.id), "Today's brief")
    content = document.file.read().decode()
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": ALICE.id, "type": "private"},
        "caption": form["caption"],
        "document": {"file_id": content, "file_unique_id": "u", "file_name": "brief.txt"},
    }
    return web.json_response({"ok": True, "result": message})


async def _get_me(_: web.Request) -> web.Response:
    me = {"id": 4242, "is_bot": True, "first_name": "BriefBot", "username": "briefbot_test_bot"}
    return web.json_response({"ok": True, "result": me})


async def test_an_upload_arrives_as_multipart_form_data() -> None:
    app = web.Application()
    app.router.add_post(f"/bot{TOKEN}/getMe", _get_me)
    app.router.add_post(f"/bot{TOKEN}/sendDocument", _send_document)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        async with bot_on(f"http://127.0.0.1:{port}/bot") as bot:
            sent = await bot.send_document(
                ALICE.id, io.BytesIO(b"brief body"), filename="brief.txt", caption="Today's brief"
            )
    finally:
        await runner.cleanup()

    assert sent.document is not None and sent.document.file_id == "brief body"
