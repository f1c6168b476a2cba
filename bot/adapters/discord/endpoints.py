"""Pointing discord.py at the REST API and gateway named in the config.

discord.py has no public setting for either address, and a plain `Client` connects to its
default gateway directly (it never asks `GET /gateway/bot`), so the REST base alone would not
redirect it. Both live in process-wide class attributes: `discord.http.Route.BASE` (read
whenever a request is built, interaction callbacks and webhooks included) and
`discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`. They are only touched when the config
names something other than Discord's own addresses, and `redirect` returns the way back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg"


def _same(a: str, b: str) -> bool:
    return a.rstrip("/") == b.rstrip("/")


def redirect(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Send discord.py's requests to `api_base` and its gateway to `gateway_url`.

    Returns a function that puts back what was there before, for a clean stop.
    """
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if not _same(api_base, DISCORD_API):
        Route.BASE = api_base.rstrip("/")
        log.info("Discord REST API redirected to %s", Route.BASE)
    if not _same(gateway_url, DISCORD_GATEWAY):
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        log.info("Discord gateway redirected to %s", gateway_url)

    def restore() -> None:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved

    return restore
