"""Run a real discord.py client against `FakeDiscord` for the length of a test.

How discord.py (2.7) is pointed at another server — it has no public option for either URL:
- REST: `discord.http.Route.BASE` (class attribute, default "https://discord.com/api/v10") is
  read whenever a `Route` is built, so set it, without a trailing slash, before `login()`.
  Interaction callbacks and interaction webhooks build the same `Route`, so it covers them too.
  (`discord.http._set_api_version()` would reset it: do not call it afterwards.)
- Gateway: a plain `Client.connect()` never asks `GET /gateway/bot`; it connects to
  `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY` (a `yarl.URL`, default
  "wss://gateway.discord.gg/") plus `?v=10&encoding=json&compress=zlib-stream`, resumes at
  READY's `resume_gateway_url`, and returns to DEFAULT_GATEWAY after an INVALID_SESSION. So set
  `DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)` before `connect()`.
  (`AutoShardedClient` instead takes the URL from `GET /gateway/bot`, i.e. via the REST base.)
Both are process-wide class attributes: `redirect_discord_py` sets and restores them.

`connected(client, fake)` does what `Client.start()` does (login, then the gateway loop in a
task) with discord.py redirected to the fake, returns once the client is READY, and on exit
closes it and waits for the gateway loop to end — so a test can stop a bot and start a new one
against the same fake (restart tests). A connect that fails (bad token, disallowed intents)
raises here instead of hanging until the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

if TYPE_CHECKING:
    from tests.fakes.discord_api import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.contextmanager
def redirect_discord_py(rest_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and default gateway elsewhere while the block runs."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = rest_base.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved


@contextlib.asynccontextmanager
async def connected(
    client: ClientT, fake: FakeDiscord, *, timeout: float = 5.0, close_timeout: float = 2.0
) -> AsyncIterator[ClientT]:
    """Yield `client` logged in and READY on the fake; close it (within `close_timeout`) after."""
    with redirect_discord_py(fake.rest_base, fake.gateway_url):
        gateway_loop: asyncio.Task[None] | None = None
        try:
            await client.login(fake.token)
            gateway_loop = asyncio.create_task(client.connect())
            await _until_ready(client, gateway_loop, timeout)
            yield client
        finally:
            await asyncio.wait_for(client.close(), close_timeout)
            if gateway_loop is not None:
                await asyncio.wait({gateway_loop}, timeout=close_timeout)
        if not gateway_loop.done():
            gateway_loop.cancel()
            raise TimeoutError(f"discord.py kept its gateway loop {close_timeout}s after close()")
        gateway_loop.result()  # a gateway failure during the test body surfaces here


async def _until_ready(
    client: discord.Client, gateway_loop: asyncio.Task[None], timeout: float
) -> None:
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({gateway_loop, ready}, timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    ready.cancel()
    if gateway_loop in done:
        gateway_loop.result()  # raises why the gateway loop ended
        raise RuntimeError("discord.py's gateway loop ended before READY")
    if not done:
        raise TimeoutError(f"discord.py was not READY within {timeout}s")
