"""Webhook mode: Telegram posts each update to the bot instead of the bot polling for it.

A reverse proxy terminates TLS at the public URL registered with Telegram and forwards to the
address here. Telegram sends back the `secret_token` it was given in the header
`X-Telegram-Bot-Api-Secret-Token`; a request without that exact secret is refused with 403 and
changes nothing, so knowing the URL is not enough to speak for Telegram. Accepted updates go to
python-telegram-bot's update queue, where the same handlers as in polling mode answer them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True)
class Webhook:
    public_url: str  # what Telegram posts to
    listen: str  # where the bot listens for the proxy
    port: int
    path: str
    secret: str


def derived_secret(token: str) -> str:
    """A secret for the webhook when the operator sets none: derived from the bot token, so
    it is as secret as the token, stays the same across restarts, and every instance that
    shares the token agrees on it."""
    return hmac.new(token.encode(), b"briefbot webhook secret", hashlib.sha256).hexdigest()


class WebhookListener:
    """The HTTP endpoint Telegram's updates arrive at (through the proxy)."""

    def __init__(self, application: Application, webhook: Webhook) -> None:
        self._application = application
        self.webhook = webhook
        self._secret = webhook.secret.encode()
        self._runner: web.AppRunner | None = None
        self.port = 0  # bound, once listening

    @property
    def listening(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        """Listen before the webhook is registered, so Telegram's first post finds us;
        OSError (the port taken, a wrong address) is the caller's to explain."""
        app = web.Application()
        app.router.add_post(self.webhook.path, self._receive)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.webhook.listen, self.webhook.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        log.info("webhook listening on %s:%d%s", self.webhook.listen, self.port, self.webhook.path)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning(
                "refused a webhook request from %s: %s secret token",
                request.remote,
                "a wrong" if given else "no",
            )
            return web.Response(status=403, text="forbidden\n")
        try:
            data = await request.json()
            update = Update.de_json(data, self._application.bot)
        except Exception as error:  # not JSON, or not an update: Telegram never sends that
            log.warning(
                "refused a webhook request that is not an update: %s", type(error).__name__
            )
            return web.Response(status=400, text="not an update\n")
        if update is None:
            return web.Response(status=400, text="not an update\n")
        await self._application.update_queue.put(update)
        return web.Response(text="ok\n")
