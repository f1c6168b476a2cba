"""Delivering queued messages on Discord, and what each Discord error means for delivery.

The engine knows only outcomes; this module is where "403 / 50007 Cannot send messages to this
user" becomes `Gone` and a 502 becomes `Retry`. Messages go out through discord.py's REST layer
(`discord.http.HTTPClient`): the interactive client's `client.http`, or a standalone client
logged in with `discord_sender(token, api_base)`, which needs no gateway.

Rate limits are shared out between the engine and discord.py on purpose:
- the engine's `Pacer` keeps under Discord's global budget (50 requests/s per bot; we pace at
  `DISCORD_LIMITS.per_second`) and one message a second per channel (5 per 5 s on Discord);
- discord.py reads the `X-RateLimit-*` headers of every answer, waits pre-emptively when a
  channel's bucket is spent, and waits out a 429's `retry_after` itself — per bucket, or for
  every request of the client when Discord says the limit is global — then sends again. That
  loop is kept: it holds the same global lock as the interactive client when both share one
  `HTTPClient`, and a 429 waited out there costs the engine nothing but time;
- waits longer than `max_ratelimit_timeout` (30 s, discord.py's minimum; `discord_sender` sets
  it, a shared client should be built with it), a 429 still there after discord.py's five
  tries, or a 429 without Discord's `Via` header (Cloudflare) come back as `RetryAfter`: the
  engine then pauses all Discord sends and tries the message again.
discord.py also resends 500/502/504/524 answers itself (five tries, 1-9 s apart) before it
raises; what still fails reaches the engine as `Retry` and is backed off and recorded there.

Every message carries a `nonce` derived from the channel and the embeds, with `enforce_nonce`:
Discord then answers a resend of the same message within a few minutes (after a timeout, or
a crash in mid-send) with the message it already created instead of posting it twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any

import aiohttp
import discord
from discord.http import HTTPClient, Route

from bot.adapters.discord.endpoints import DISCORD_API
from bot.adapters.discord.mapping import PLATFORM
from bot.adapters.errors import StartupError
from bot.core.reply import Reply
from bot.delivery import outcomes
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.render.discord_embeds import DiscordMessage, render

# 48/s leaves a little of the 50/s global budget to the interactive client's own requests
# (interaction callbacks do not count); a channel gets one message a second, within 5 per 5 s.
DISCORD_LIMITS = Limits(per_second=48.0, chat_interval=1.0, group_per_minute=60)
MAX_LIBRARY_WAIT = 30.0  # seconds discord.py may wait out a 429 before it tells the engine
REQUEST_TIMEOUT = 30.0  # seconds for one HTTP request before it counts as a network fault
NO_PINGS: dict[str, list[str]] = {"parse": []}
NONCE_LENGTH = 25  # Discord's maximum
GONE = {
    (403, 50001): "missing access",  # the bot was removed from the server or channel
    (403, 50007): "cannot message this user",  # DMs closed, or the user blocked the bot
    (404, 10003): "unknown channel",  # the channel was deleted
}
UNKNOWN_MESSAGE = 10008  # the message was deleted: a correction has nothing to edit
NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError)


class RestClient(HTTPClient):
    """discord.py's HTTP client against `api_base`, whatever the process-wide `Route.BASE` says.

    discord.py reads its API address from a class attribute; re-basing each request here lets
    a sender talk to a proxy or a test server without changing it for every client in the
    process.
    """

    def __init__(self, api_base: str, **options: Any) -> None:
        super().__init__(asyncio.get_running_loop(), **options)
        self.api_base = api_base.rstrip("/")

    async def request(self, route: Route, **kwargs: Any) -> Any:
        if route.url.startswith(Route.BASE):
            route.url = self.api_base + route.url.removeprefix(Route.BASE)
        return await super().request(route, **kwargs)


class DiscordSender:
    """The engine's `PlatformSender` for Discord: channel messages with embeds and buttons."""

    platform = PLATFORM

    def __init__(
        self,
        http: HTTPClient,
        limits: Limits = DISCORD_LIMITS,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        owns_http: bool = False,
    ) -> None:
        """`owns_http`: `close()` closes `http` too (not when it is a running client's)."""
        self.http = http
        self.limits = limits
        self.pacer = Pacer(limits)  # answers are interaction responses: outside this budget
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._owns_http = owns_http

    def render(self, reply: Reply) -> list[DiscordMessage]:
        return render(reply)

    async def send(self, chat_id: str, message: object) -> outcomes.Outcome:
        assert isinstance(message, DiscordMessage)
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=int(chat_id))
        try:
            sent = await self.http.request(
                route, json=message_body(chat_id, message), timeout=self._timeout
            )
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as error:
            return outcome_of(error)
        return outcomes.delivered(sent, "id")

    async def edit(self, chat_id: str, message_id: str, message: object) -> outcomes.Outcome:
        """PATCH the message with its embeds and buttons (both are replaced)."""
        assert isinstance(message, DiscordMessage)
        route = Route(
            "PATCH",
            "/channels/{channel_id}/messages/{message_id}",
            channel_id=int(chat_id),
            message_id=int(message_id),
        )
        body = {
            "embeds": message.embeds,
            "components": message.components() or [],
            "allowed_mentions": NO_PINGS,
        }
        return await self._changed(route, message_id, json=body)

    async def delete(self, chat_id: str, message_id: str) -> outcomes.Outcome:
        route = Route(
            "DELETE",
            "/channels/{channel_id}/messages/{message_id}",
            channel_id=int(chat_id),
            message_id=int(message_id),
        )
        return await self._changed(route, message_id)

    async def _changed(self, route: Route, message_id: str, **body: Any) -> outcomes.Outcome:
        try:
            await self.http.request(route, timeout=self._timeout, **body)
        except (discord.HTTPException, discord.RateLimited, *NETWORK_ERRORS) as error:
            if isinstance(error, discord.HTTPException) and error.code == UNKNOWN_MESSAGE:
                return outcomes.Unreachable(f"discord {_described(error)}")
            return outcome_of(error)
        return outcomes.Delivered(message_id)

    async def close(self) -> None:
        if self._owns_http:
            await self.http.close()


async def discord_sender(
    token: str,
    api_base: str = DISCORD_API,
    limits: Limits = DISCORD_LIMITS,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
) -> DiscordSender:
    """A sender with its own REST client, logged in (one `GET /users/@me`, no gateway).

    Raises `StartupError` when Discord refuses the token or cannot be reached.
    """
    http = RestClient(api_base, max_ratelimit_timeout=MAX_LIBRARY_WAIT)
    try:
        await http.static_login(token)
    except discord.LoginFailure as error:
        await http.close()
        raise StartupError(
            "Discord refused the bot token. Copy the token from the Bot page of your "
            "application in the Discord developer portal into the environment variable "
            "named by discord.token_env."
        ) from error
    except (discord.HTTPException, *NETWORK_ERRORS) as error:
        await http.close()
        raise StartupError(
            f"Cannot reach the Discord API at {api_base} ({type(error).__name__}). "
            "Check the network, or discord.api_base in the config."
        ) from error
    return DiscordSender(http, limits, request_timeout=request_timeout, owns_http=True)


def message_body(chat_id: str, message: DiscordMessage) -> dict[str, Any]:
    """The JSON of `POST /channels/{id}/messages`: embeds, buttons, and nobody pinged."""
    body: dict[str, Any] = {
        "embeds": message.embeds,
        "allowed_mentions": NO_PINGS,
        "nonce": nonce(chat_id, message),
        "enforce_nonce": True,
    }
    if components := message.components():
        body["components"] = components
    return body


def nonce(chat_id: str, message: DiscordMessage) -> str:
    """The same for every resend of one message to one channel, in any process.

    Buttons are left out: their label carries a live prayer count that may change between
    two tries of the same message.
    """
    text = json.dumps([chat_id, message.embeds], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:NONCE_LENGTH]


MAX_QUOTED = 200  # characters of Discord's error message kept in a failure reason


def outcome_of(error: Exception) -> outcomes.Outcome:
    """What a discord.py or network error means for this message and its channel."""
    if isinstance(error, discord.RateLimited):
        return outcomes.RetryAfter(error.retry_after)
    if not isinstance(error, discord.HTTPException):
        return outcomes.Retry(f"{type(error).__name__}: {error}".rstrip(": "))
    described = _described(error)
    if error.status == 429:
        return outcomes.RetryAfter(_retry_after(error.response))
    if error.status == 401:
        return outcomes.Unauthorized(f"discord {described}")
    if gone := GONE.get((error.status, error.code)):
        return outcomes.Gone(f"discord {gone} ({described})")
    if error.status >= 500:
        return outcomes.Retry(f"discord server error {described}")
    return outcomes.Failed(f"discord refused the message: {described}")


def _described(error: discord.HTTPException) -> str:
    """`404 10003: Unknown Channel`. Discord's own message only when it answered JSON (then
    `code` is set); a body that was not (a proxy's error page) is never quoted: it says
    nothing the status does not, and may echo the request."""
    if not error.code:
        return str(error.status)
    return f"{error.status} {error.code}: {error.text[:MAX_QUOTED]}".strip().rstrip(":")


def _retry_after(response: aiohttp.ClientResponse | Any) -> float:
    """Seconds from a 429 that discord.py gave up on (its `Retry-After` header; 1 s if none)."""
    headers = getattr(response, "headers", None) or {}
    try:
        return max(float(headers.get("Retry-After", 1.0)), 0.0)
    except ValueError:
        return 1.0
