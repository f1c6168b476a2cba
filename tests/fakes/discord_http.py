"""The REST pipeline of the fake Discord server: what happens to every API request before and
after its route handler.

In Discord's order: unknown routes get Discord's JSON 404/405; bot-authenticated routes check
`Authorization: Bot <token>` (401) and the global per-bot budget; every route spends from its
bucket; then the test's injected faults and delays for the request's channel apply. Interaction
and webhook-token routes authenticate by their token and are exempt from the global limit, as on
Discord. Every request is recorded and every response carries `X-RateLimit-*` and `Via` headers.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.fakes.discord_limits import limited_body, limited_headers
from tests.fakes.discord_payloads import error_body

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from tests.fakes.discord_api import FakeDiscord

API_PREFIX = "/api/v10"
FAKE_KEY: web.AppKey[FakeDiscord] = web.AppKey("fake_discord")
BODY_KEY: web.RequestKey[Any] = web.RequestKey("json_body")
_TOKEN_ROUTES = ("/interactions/", "/webhooks/{webhook_id}/{webhook_token}")
_MAJOR_PARAMETERS = (
    "channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id", "interaction_token"
)


@dataclass
class RecordedRequest:
    """One API request as the fake saw it; `path` is relative to the REST base."""

    method: str
    path: str
    route: str | None  # e.g. "POST /channels/{channel_id}/messages"; None when no route matched
    query: dict[str, str]
    json: Any
    at: float  # time.monotonic() on arrival
    status: int = 0


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON exactly as Discord labels it: discord.py parses only `application/json` verbatim,
    without a charset parameter."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers=headers,
                        content_type="application/json")


def api_error(status: int, message: str, code: int) -> web.Response:
    return json_response(error_body(message, code), status=status)


def _rate_limited(retry_after: float, scope: str) -> web.Response:
    """A 429 as Discord sends it for `scope` "global", "user" (a bucket) or "shared"."""
    body = limited_body(retry_after, is_global=scope == "global")
    return json_response(body, status=429, headers=limited_headers(retry_after, scope))


async def _read_json(request: web.Request) -> Any:
    """The JSON body, also from a multipart upload's `payload_json` part."""
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        return json.loads(raw) if isinstance(raw, str) else None
    text = await request.text()
    return json.loads(text) if text else None


def _route_of(request: web.Request) -> str | None:
    if request.match_info.http_exception is not None:
        return None
    canonical = request.match_info.route.resource.canonical  # type: ignore[union-attr]
    return f"{request.method} {canonical.removeprefix(API_PREFIX)}"


@web.middleware
async def api_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    fake = request.app[FAKE_KEY]
    route = _route_of(request)
    request[BODY_KEY] = await _read_json(request)
    record = RecordedRequest(
        request.method, request.path.removeprefix(API_PREFIX), route, dict(request.query),
        request[BODY_KEY], time.monotonic(),
    )
    fake.requests.append(record)
    response = await _respond(fake, request, route, handler)
    response.headers["Via"] = "1.1 google"
    record.status = response.status
    fake.stats[_outcome(response.status)] += 1
    await fake.notify()
    return response


def _outcome(status: int) -> str:
    return "accepted" if status < 300 else "rate_limited" if status == 429 else "errors"


async def _respond(
    fake: FakeDiscord,
    request: web.Request,
    route: str | None,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    if route is None:
        status = request.match_info.http_exception.status  # type: ignore[union-attr]
        reason = "Not Found" if status == 404 else "Method Not Allowed"
        return api_error(status, f"{status}: {reason}", 0)
    now = time.monotonic()
    if not any(marker in route for marker in _TOKEN_ROUTES):
        if request.headers.get("Authorization") != f"Bot {fake.token}":
            return api_error(401, "401: Unauthorized", 0)
        if (wait := fake.limits.check_global(now)) is not None:
            fake.stats["global_rate_limited"] += 1
            return _rate_limited(wait, "global")
    info = request.match_info
    major = "+".join(info[k] for k in _MAJOR_PARAMETERS if k in info)
    verdict = fake.limits.check_route(route, major, now)
    if verdict.retry_after is not None:
        response: web.StreamResponse = _rate_limited(verdict.retry_after, "user")
    else:
        channel_id = int(info["channel_id"]) if "channel_id" in info else None
        response = await _answer(fake, request, channel_id, handler)
    response.headers.update(verdict.headers)
    return response


async def _answer(
    fake: FakeDiscord,
    request: web.Request,
    channel_id: int | None,
    handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    """The route's own answer, unless the test made this request's channel slow or failing."""
    if channel_id is None:
        return await handler(request)
    if delay := fake.delays.get(channel_id):
        await asyncio.sleep(delay)
    fault = fake.take_fault(channel_id)
    if fault is None:
        return await handler(request)
    if fault.status == 429:
        return _rate_limited(fault.retry_after, "shared")
    return api_error(fault.status, fault.message, fault.code)
