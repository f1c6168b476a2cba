"""Delivering queued messages on Telegram, and what each Bot API error means for delivery.

The engine knows only outcomes; this module is where "Forbidden: bot was blocked by the user"
becomes `Gone`, a 429 becomes `RetryAfter`, and a group's `migrate_to_chat_id` becomes `Moved`.
python-telegram-bot's own retries and rate limiter are not used: the engine paces and retries,
so a retry is recorded in the database instead of hidden in a library loop.

Sends go through `Bot.do_api_request`, which posts the parameters `Bot.send_message` posts
and raises the same errors, but hands back the answer's JSON: `send_message` turns every
answer into a `Message` (0.2 ms of CPU, a third of what a send cost) that delivery never
reads. The keyboard and link-preview parameters are serialised once each, as
python-telegram-bot would serialise them on every send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from bot.adapters.telegram.mapping import PLATFORM, keyboard
from bot.adapters.telegram.replies import NO_PREVIEW, flood_wait_seconds
from bot.core.reply import Button, Reply
from bot.delivery import outcomes
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.render.telegram_html import render

GONE_REASONS = ("chat not found", "user not found", "peer_id_invalid", "group chat was deleted")
# What python-telegram-bot appends to an error's message when the answer was not JSON.
_UNPARSED_BODY = ". Parsing the server response"
# Bot API method names are case-insensitive. Given the name of a method python-telegram-bot
# has ("sendMessage"), `do_api_request` warns on every call to use that method instead.
SEND_MESSAGE = "sendmessage"
NO_PREVIEW_JSON = json.dumps(NO_PREVIEW.to_dict())
EDIT_MESSAGE, DELETE_MESSAGE = "editmessagetext", "deletemessage"
EMPTY_KEYBOARD = json.dumps({"inline_keyboard": []})
NOT_MODIFIED = ("message is not modified",)
CANNOT_EDIT = ("message to edit not found", "message can't be edited", "message_id_invalid")


@dataclass(frozen=True)
class TelegramMessage:
    text: str
    markup: str | None  # reply_markup as sent: the keyboard's JSON
    protect: bool


class TelegramSender:
    platform = PLATFORM

    def __init__(self, bot: Bot, limits: Limits, pacer: Pacer | None = None) -> None:
        """`pacer`: the budget the adapter's answers to readers draw on too."""
        self.bot = bot
        self.limits = limits
        self.pacer = pacer or Pacer(limits)

    def render(self, reply: Reply) -> list[TelegramMessage]:
        texts = render(reply)
        last = len(texts) - 1
        markup = keyboard_json(reply.buttons)
        return [
            TelegramMessage(text, markup if i == last else None, reply.protect)
            for i, text in enumerate(texts)
        ]

    async def send(self, chat_id: str, message: object) -> outcomes.Outcome:
        assert isinstance(message, TelegramMessage)
        params = {
            "chat_id": int(chat_id),
            "text": message.text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": message.markup,  # None is left out, as send_message leaves it
            "link_preview_options": NO_PREVIEW_JSON,
            "protect_content": message.protect,
        }
        return await self._request(SEND_MESSAGE, params)

    async def edit(self, chat_id: str, message_id: str, message: object) -> outcomes.Outcome:
        """`editMessageText` with the keyboard sent again: an edit without `reply_markup`
        takes the buttons away."""
        assert isinstance(message, TelegramMessage)
        params = {
            "chat_id": int(chat_id),
            "message_id": int(message_id),
            "text": message.text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": message.markup or EMPTY_KEYBOARD,
            "link_preview_options": NO_PREVIEW_JSON,
        }
        outcome = await self._request(EDIT_MESSAGE, params, message_id)
        if isinstance(outcome, outcomes.Failed) and _says(outcome, NOT_MODIFIED):
            return outcomes.Delivered(message_id)  # a repeated edit: already as it should be
        return _unreachable_if_gone(outcome)

    async def delete(self, chat_id: str, message_id: str) -> outcomes.Outcome:
        """`deleteMessage`; a bot may delete its own message within 48 hours of sending."""
        params: dict[str, object] = {"chat_id": int(chat_id), "message_id": int(message_id)}
        outcome = await self._request(DELETE_MESSAGE, params, message_id)
        if isinstance(outcome, outcomes.Failed) and _says(
            outcome, ("message to delete not found",)
        ):
            return outcomes.Unreachable(outcome.reason)
        return outcome

    async def _request(
        self, method: str, params: dict[str, object], message_id: str = ""
    ) -> outcomes.Outcome:
        try:
            sent = await self.bot.do_api_request(method, api_kwargs=params)
        except RetryAfter as error:
            return outcomes.RetryAfter(flood_wait_seconds(error))
        except ChatMigrated as error:
            return outcomes.Moved(str(error.new_chat_id))
        except Forbidden as error:
            return outcomes.Gone(error.message)
        except BadRequest as error:
            if any(reason in error.message.lower() for reason in GONE_REASONS):
                return outcomes.Gone(error.message)
            return outcomes.Failed(error.message)
        except (InvalidToken, EndPointNotFound) as error:  # 401, or 404 for a garbled token
            return outcomes.Unauthorized(_reason(_as_sent(error)))
        except TelegramError as error:  # TimedOut, NetworkError (5xx), anything else: passing
            return outcomes.Retry(_reason(_as_sent(error)))
        return (
            outcomes.delivered(sent, "message_id")
            if isinstance(sent, dict)
            else (outcomes.Delivered(message_id))
        )


def _says(outcome: outcomes.Failed, reasons: tuple[str, ...]) -> bool:
    return any(reason in outcome.reason.lower() for reason in reasons)


def _unreachable_if_gone(outcome: outcomes.Outcome) -> outcomes.Outcome:
    """An edit's "message to edit not found" or "can't be edited": the reader deleted the
    message, or Telegram no longer lets it change. Done, and recorded as such."""
    if isinstance(outcome, outcomes.Failed) and _says(outcome, CANNOT_EDIT):
        return outcomes.Unreachable(outcome.reason)
    return outcome


@lru_cache(maxsize=256)
def keyboard_json(buttons: tuple[tuple[Button, ...], ...]) -> str | None:
    """The keyboard as python-telegram-bot serialises it; a day's digests share a handful."""
    markup = keyboard(buttons)
    return None if markup is None else json.dumps(markup.to_dict())


def _as_sent(error: TelegramError) -> TelegramError:
    """The error `send_message` would have raised.

    `do_api_request` re-raises a 401 or 404 (a revoked token) as `EndPointNotFound`, or as an
    `InvalidToken` with its own message, from the original: which says what Telegram said.
    """
    cause = error.__cause__
    if isinstance(error, EndPointNotFound | InvalidToken) and isinstance(cause, InvalidToken):
        return cause
    return error


def _reason(error: TelegramError) -> str:
    """`NetworkError: Bad Gateway (502)`: the reason operators read in the outbox and stats."""
    return f"{type(error).__name__}: {without_body(error)}"


def without_body(error: TelegramError) -> str:
    """The error's message without the response body python-telegram-bot appends when the
    answer was not JSON (Telegram's nginx front answers 502 with an HTML page; a proxy's page
    may echo the request path, token and all): it says nothing more, and may say too much."""
    return error.message.split(_UNPARSED_BODY, 1)[0]
