"""Webhook delivery as Telegram does it: setWebhook, deleteWebhook, getWebhookInfo, and posting
each pending update to the webhook with the secret header, in order, until one is answered 2xx.

The registered URL is public (https://…) and the bot listens behind a reverse proxy; a test
plays that proxy by setting `forward_to`, the local address the public URL leads to, or plays
a load balancer in front of several bots with `balance_to`: each post goes to the next of
them in turn, and one that fails is retried on the next. While a webhook is set, getUpdates is
refused with 409, as Telegram refuses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp

from tests.fakes.telegram_faults import ApiError
from tests.fakes.telegram_objects import JSONDict
from tests.fakes.telegram_updates import UpdateQueue

WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")
RETRY_SECONDS = 0.1


@dataclass(frozen=True)
class Post:
    update_id: int
    status: int  # the webhook's answer; 0 when the connection failed
    target: str = ""  # where the "proxy" sent it


class WebhookDelivery:
    def __init__(self, updates: UpdateQueue, changed: Callable[[], None]) -> None:
        self._updates = updates
        self._changed = changed
        self.url = ""
        self.secret: str | None = None
        self.forward_to: str | None = None  # what the test's "proxy" maps the public URL to
        self.balance_to: list[str] = []  # or the bots a "load balancer" takes turns among
        self._turn = itertools.count()
        self.posts: list[Post] = []
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._session: aiohttp.ClientSession | None = None

    def handlers(self) -> dict[str, Callable[[JSONDict], object]]:
        return {
            "setwebhook": self.set,
            "deletewebhook": self.delete,
            "getwebhookinfo": self.info,
        }

    def set(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self.delete(params)
        secret = params.get("secret_token")
        if secret is not None and not SECRET_SHAPE.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.drop_pending()
        self.url, self.secret = url, None if secret is None else str(secret)
        self._run()
        return True

    def reopen(self) -> None:
        """The server serves again after a stop: posting resumes if a webhook is set."""
        self._closed = False
        if self.url:
            self._run()

    def _run(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._push())

    def delete(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.drop_pending()
        self.url, self.secret = "", None
        return True

    def info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def refuse_polling(self) -> None:
        if self.url:
            raise ApiError(409, WEBHOOK_ACTIVE)

    async def close(self) -> None:
        """Stop posting. The flag, not only the cancellation: Python 3.11's wait_for can
        swallow a cancel that lands as its wait ends, and the loop would run on."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _push(self) -> None:
        """Post the oldest pending update while a webhook is set and the test forwards it."""
        self._session = aiohttp.ClientSession()
        while not self._closed:
            forwarded = self.forward_to or self.balance_to
            ready = self._updates.ready(1) if self.url and forwarded else []
            if not ready:
                await self._updates.changed(RETRY_SECONDS)
                continue
            update = ready[0]
            target = self._target()
            status = await self._post(target, update)
            self.posts.append(Post(update["update_id"], status, target))
            if 200 <= status < 300:
                self._updates.confirm(update["update_id"] + 1)
            else:
                await asyncio.sleep(RETRY_SECONDS)
            self._changed()

    def _target(self) -> str:
        if self.balance_to:
            return self.balance_to[next(self._turn) % len(self.balance_to)]
        assert self.forward_to is not None
        return self.forward_to

    async def _post(self, target: str, update: JSONDict) -> int:
        assert self._session is not None
        headers = {} if self.secret is None else {"X-Telegram-Bot-Api-Secret-Token": self.secret}
        try:
            async with self._session.post(target, json=update, headers=headers) as answer:
                return answer.status
        except aiohttp.ClientError:
            return 0
