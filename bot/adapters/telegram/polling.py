"""Long polling that waits out a refused token instead of dying on it.

python-telegram-bot's polling loop gives up for good on the first 401 (`InvalidToken`): the
bot stayed up, answered nothing again even once the token worked, and SIGTERM then ended in a
traceback. Telegram answers 401 while a token is revoked or the bot is being moved, and the
operator's fix (a new token) means a restart anyway; until then the polling request itself
holds on: it says so once at CRITICAL, asks again every `PROBE_SECONDS`, and hands the loop an
answer only when there is a real one. Delivery pauses the same way (`outcomes.Unauthorized`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from http import HTTPStatus
from typing import Any

from bot.adapters.telegram.http import AiohttpRequest

log = logging.getLogger(__name__)

PROBE_SECONDS = 10.0
# What Telegram answers a refused token: 401, or 404 for a token it cannot even parse.
REFUSED = (HTTPStatus.UNAUTHORIZED, HTTPStatus.NOT_FOUND)


class PollingRequest(AiohttpRequest):
    """The request for getUpdates alone: a refused token is retried, not raised."""

    __slots__ = ("_refused", "answered", "stopping")

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)
        self._refused = False
        self.stopping = False  # set before polling stops: its last call may fail at once
        self.answered: float | None = None  # monotonic time of Telegram's last real answer

    def heard(self) -> None:
        """Telegram just answered another request (start-up's): count it as an answer, so
        the first long poll, which may wait its whole timeout, is not taken for silence."""
        self.answered = time.monotonic()

    def answered_within(self, seconds: float) -> bool:
        """Telegram answered a poll in the last `seconds`, with the token accepted."""
        return (
            not self._refused
            and self.answered is not None
            and time.monotonic() - self.answered <= seconds
        )

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """`AiohttpRequest.do_request`, asked again while the token is refused."""
        while True:
            status, body = await super().do_request(*args, **kwargs)
            if status not in REFUSED:
                self.answered = time.monotonic()
            if status not in REFUSED or self.stopping:
                if self._refused and status not in REFUSED:
                    log.warning("Telegram accepts the bot token again: reading messages")
                    self._refused = False
                return status, body
            if not self._refused:
                log.critical(
                    "Telegram refused the bot token (HTTP %d): no messages are read or "
                    "delivered until it is accepted; asking again every %.0f s. If it was "
                    "revoked, put the new token from @BotFather in the environment and restart.",
                    status,
                    PROBE_SECONDS,
                )
                self._refused = True
            await asyncio.sleep(PROBE_SECONDS)
