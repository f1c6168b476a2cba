"""Sending core replies through the Bot API: HTML, split in order, buttons on the last part.

A reply Telegram refuses for flooding (429) is sent again after its `retry_after`, as long as a
reader would still be waiting for it (`FLOOD_WAIT_LIMIT`): flood control refuses before
sending, so trying again cannot show anything twice.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot, CallbackQuery, LinkPreviewOptions, MaybeInaccessibleMessage, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram.mapping import keyboard, replace_button, thread_of
from bot.core.reply import Reply
from bot.render.telegram_html import render

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
FLOOD_WAIT_LIMIT = 15.0  # seconds of flood waits a reader's answer may be held in all
T = TypeVar("T")


def flood_wait_seconds(error: RetryAfter) -> float:
    """retry_after is an int today and a timedelta in python-telegram-bot's future.

    Reading it warns about that change on every 429; the value is handled either way.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, again after each flood wait while the waits add up to `FLOOD_WAIT_LIMIT`."""
    waited = 0.0
    while True:
        try:
            return await call()
        except RetryAfter as error:
            wait = flood_wait_seconds(error)
            if waited + wait > FLOOD_WAIT_LIMIT:
                raise
            log.warning("Telegram flood control: answering again in %.0f s", wait)
            await asyncio.sleep(wait)
            waited += wait


async def send_reply(
    bot: Bot, chat_id: int | str, reply: Reply, thread_id: int | None = None
) -> list[Message]:
    """Send every message of `reply` in order, into a forum topic if given; keyboard last."""
    texts = render(reply)
    sent: list[Message] = []
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        send = functools.partial(
            bot.send_message,
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.buttons) if last else None,
            link_preview_options=NO_PREVIEW,
            protect_content=reply.protect,
            message_thread_id=thread_id,
        )
        sent.append(await patiently(send))
    return sent


async def answer_button(bot: Bot, query: CallbackQuery, reply: Reply) -> None:
    """Apply a button's reply, then answer the press.

    The press is answered even if applying the reply failed: an unanswered press keeps the
    reader's button spinning and hides the notice, which often says what happened.
    """
    try:
        await _apply(bot, query.message, reply)
    finally:
        await query.answer(text=reply.notice[:200] if reply.notice else None)


async def _apply(bot: Bot, message: MaybeInaccessibleMessage | None, reply: Reply) -> None:
    """Edit the pressed message if the reply asks to, else (or if it can't be) send anew."""
    if isinstance(message, Message) and (reply.edit or reply.update is not None):
        try:
            await _edit(message, reply)
            return
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            # Deleted, or too old to edit: say it in a new message if there is anything to say.
            log.info("could not edit the pressed message: %s", error.message)
    if reply.parts and message is not None:
        await send_reply(bot, message.chat.id, reply, thread_of(message))


async def _edit(message: Message, reply: Reply) -> None:
    if reply.edit and reply.parts:
        await message.edit_text(
            render(reply)[0],
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.buttons),
            link_preview_options=NO_PREVIEW,
        )
    elif reply.edit:
        await message.edit_reply_markup(reply_markup=keyboard(reply.buttons))
    elif reply.update is not None:
        markup = replace_button(message.reply_markup, reply.update)
        if markup is not None:
            await message.edit_reply_markup(reply_markup=markup)
