"""The HTTP side of the fake Telegram Bot API: one aiohttp route per Bot API request.

Each request is checked for the bot's token (404 for a malformed token, 401 for a wrong one,
as Telegram answers), decoded, recorded, held back or failed by the programmed faults, checked
against flood limits, then dispatched to a method handler or long-polled for updates. Anything
that changes what a test could be waiting for wakes `wait_for`, so tests never sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Self, TypeVar

from aiohttp import web

from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_faults import ApiError, FaultBook, FloodControl
from tests.fakes.telegram_methods import Handler
from tests.fakes.telegram_objects import JSONDict
from tests.fakes.telegram_updates import UpdateQueue
from tests.fakes.telegram_webhook import WebhookDelivery
from tests.fakes.telegram_wire import TOKEN_SHAPE, failure, nginx_page, ok, read_params

log = logging.getLogger(__name__)
T = TypeVar("T")


class ApiCall(NamedTuple):
    method: str  # as the client spelled it, e.g. "sendMessage"
    params: JSONDict  # decoded: reply_markup, entities, ... are dicts and lists again


@dataclass
class SendStats:
    """Outcome of the send* methods, for benchmarks; `accepted_at` holds monotonic times."""

    accepted: int = 0
    rate_limited: int = 0
    failed: int = 0
    sent_inside_wait: int = 0  # sends that arrived inside a flood wait the bot was told of
    accepted_at: list[float] = field(default_factory=list)
    rate_limited_at: list[tuple[float, object]] = field(default_factory=list)  # (when, chat)


def is_send(method: str) -> bool:
    """The methods Telegram's flood limits count (lower-case name)."""
    return (method.startswith("send") and method != "sendchataction") or method in (
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
        "editmessagetext",  # a correction's edits are held to the same limits as sends
        "deletemessage",
    )


class _NginxPage(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _Echoing(Exception):
    """An error answer that quotes the request path (token and all), as a careless proxy's
    error page does."""

    def __init__(self, status: int, html: bool) -> None:
        self.status, self.html = status, html


class BotApiServer:
    """Serves one bot's token; method handlers come from the caller, updates from its queue."""

    def __init__(self, token: str, handlers: dict[str, Handler], flood: FloodControl | None):
        self.token = token
        self.port = 0
        self.requests: list[ApiCall] = []
        self.unhandled: list[ApiCall] = []
        self.stats = SendStats()
        self._updates = UpdateQueue()
        self._faults = FaultBook()
        self._flood = flood
        self._change = asyncio.Event()
        self.webhook = WebhookDelivery(self._updates, self._changed)
        self._handlers: dict[str, Handler] = {
            **handlers,
            **self.webhook.handlers(),
            "logout": lambda _: True,
            "close": lambda _: True,
        }
        self._calls: dict[str, list[JSONDict]] = defaultdict(list)
        self._waiters = 0
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Serve on 127.0.0.1; after stop(), serve the same state on the same port again."""
        self._closing = asyncio.Event()
        self._updates.reopen()
        self.webhook.reopen()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._no_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]
        log.debug("fake Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        """Release every long poll and delayed answer at once, then close the server.

        Until start() is called again, connections are refused: the bot sees a network error.
        """
        self._closing.set()
        self._updates.close()
        await self.webhook.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    def calls(self, method: str) -> list[JSONDict]:
        """Parameters of every request to one method, in order (name case-insensitive)."""
        return self._calls[method.lower()]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        """Wait until predicate() is truthy and return its value; fail the test on timeout.

        The predicate is re-checked each time the fake receives or answers a request or
        queues an update, so it should look at the fake's own records.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._waiters += 1
        try:
            while not (result := predicate()):
                remaining = deadline - loop.time()
                if remaining <= 0:
                    recent = [(call.method, call.params) for call in self.requests[-8:]]
                    raise AssertionError(f"not met within {timeout}s; last requests: {recent}")
                change = self._change
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(change.wait(), remaining)
            return result
        finally:
            self._waiters -= 1

    async def wait_for_calls(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[JSONDict]:
        """Wait until `method` was requested `count` times; returns all its parameters."""
        calls = self.calls(method)
        await self.wait_for(lambda: len(calls) >= count, timeout)
        return calls

    def _changed(self) -> None:
        if self._waiters:
            change, self._change = self._change, asyncio.Event()
            change.set()

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if token != self.token:
            shaped = TOKEN_SHAPE.match(token)
            return failure(ApiError(401, errors.UNAUTHORIZED) if shaped else _not_found())
        method = request.match_info["method"]
        params = await read_params(request)
        self.requests.append(ApiCall(method, params))
        self._calls[method.lower()].append(params)
        self._changed()
        try:
            return ok(await self._answer(method, params))
        except ApiError as error:
            return failure(error)
        except _NginxPage as page:
            return nginx_page(page.status)
        except _Echoing as echo:
            said = f"Error {echo.status}: no such page {request.path}"
            if echo.html:
                return web.Response(status=echo.status, text=f"<html><body>{said}</body></html>")
            return failure(ApiError(echo.status, said))
        finally:
            self._changed()

    async def _answer(self, method: str, params: JSONDict) -> Any:
        name = method.lower()
        send = is_send(name)
        chat_id = params.get("chat_id")
        if self._faults:
            delay, fault = self._faults.take(name, chat_id)
            if delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), delay)
            if fault is not None and fault.error is not None:
                if send:
                    self.stats.failed += 1
                log.debug("fake Bot API: %s to %s fails with %s", method, chat_id, fault.error)
                if fault.echo_path:
                    raise _Echoing(fault.error.status, fault.html_body)
                raise _NginxPage(fault.error.status) if fault.html_body else fault.error
        if send and self._flood is not None:
            wait = self._flood.admit(chat_id, time.monotonic())
            self.stats.sent_inside_wait = self._flood.sent_inside_wait
            if wait is not None:
                self.stats.rate_limited += 1
                self.stats.rate_limited_at.append((time.monotonic(), chat_id))
                raise errors.flood(wait)
        if name == "getupdates":
            return await self._get_updates(params)
        handler = self._handlers.get(name)
        if handler is None:
            self.unhandled.append(ApiCall(method, params))
            return True
        result = handler(params)
        if send:
            self.stats.accepted += 1
            self.stats.accepted_at.append(time.monotonic())
        return result

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        self.webhook.refuse_polling()
        self._updates.confirm(params.get("offset"))
        self._changed()
        return await self._updates.poll(
            int(params.get("limit", 100)),
            float(params.get("timeout", 0)),
            params.get("allowed_updates"),
        )

    async def _no_file(self, request: web.Request) -> web.Response:
        """The bot under test downloads no files; Telegram answers this for unknown ones."""
        return failure(_not_found())


def _not_found() -> ApiError:
    return ApiError(404, errors.NOT_FOUND)
