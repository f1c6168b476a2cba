"""Sending core replies through the Bot API: HTML, split in order, buttons on the last part.

Every message and edit takes its turn of the platform's budget, the pacer the delivery engine
sends through too, ahead of deliveries (`Pacer.take_turn(urgent=True)`): a burst of commands
is answered as fast as Telegram's limits allow and never sent into a flood wait. A 429 pauses
that pacer for everyone, and the answer is tried again after its `retry_after` as long as a
reader would still be waiting for it (`FLOOD_WAIT_LIMIT`): flood control refuses before
sending, so trying again cannot show anything twice. Answers to button presses
(answerCallbackQuery) are not messages and are never held back: a press left unanswered
for long expires.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import (
    Bot,
    CallbackQuery,
    Chat,
    ForceReply,
    LinkPreviewOptions,
    MaybeInaccessibleMessage,
    Message,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.telegram.mapping import keyboard, replace_button, thread_of
from bot.core.commands import BY_NAME
from bot.core.messages import t
from bot.core.reply import Reply
from bot.delivery.pacer import Pacer
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


async def paced(pacer: Pacer, chat: Chat, call: Callable[[], Awaitable[T]]) -> T:
    """`call()` in its turn, ahead of deliveries; again after each flood wait (which pauses
    the pacer for every sender) while the waits add up to `FLOOD_WAIT_LIMIT`."""
    key, shared = str(chat.id), chat.type != ChatType.PRIVATE
    waited = 0.0
    while True:
        await pacer.wait_chat(key, shared)
        await pacer.take_turn(key, shared, urgent=True)
        try:
            return await call()
        except RetryAfter as error:
            wait = flood_wait_seconds(error)
            pacer.pause(wait)
            if waited + wait > FLOOD_WAIT_LIMIT:
                raise
            log.warning("Telegram flood control: answering again in %.0f s", wait)
            waited += wait


async def send_reply(
    bot: Bot, pacer: Pacer, chat: Chat, reply: Reply, thread_id: int | None = None
) -> list[Message]:
    """Send every message of `reply` in order, into a forum topic if given; keyboard last."""
    texts = render(reply)
    sent: list[Message] = []
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        send = functools.partial(
            bot.send_message,
            chat.id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.buttons) if last else None,
            link_preview_options=NO_PREVIEW,
            protect_content=reply.protect,
            message_thread_id=thread_id,
        )
        sent.append(await paced(pacer, chat, send))
    if reply.asks and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        # Privacy mode shows the bot only the group messages that reply to it: ask for one.
        ask = functools.partial(
            bot.send_message,
            chat.id,
            t("ask.reply"),
            reply_markup=ForceReply(input_field_placeholder=_placeholder(reply.asks)),
            message_thread_id=thread_id,
        )
        sent.append(await paced(pacer, chat, ask))
    return sent


def _placeholder(command: str) -> str | None:
    """What the reply field shows while empty: the asked command's argument ("city")."""
    arg = BY_NAME[command].arg if command in BY_NAME else None
    return t(arg)[:64] if arg else None


async def answer_button(bot: Bot, pacer: Pacer, query: CallbackQuery, reply: Reply) -> None:
    """Apply a button's reply, then answer the press.

    The press is answered even if applying the reply failed: an unanswered press keeps the
    reader's button spinning and hides the notice, which often says what happened.
    """
    try:
        await _apply(bot, pacer, query.message, reply)
    finally:
        await query.answer(text=reply.notice[:200] if reply.notice else None)


async def _apply(
    bot: Bot, pacer: Pacer, message: MaybeInaccessibleMessage | None, reply: Reply
) -> None:
    """Edit the pressed message if the reply asks to, else (or if it can't be) send anew."""
    if isinstance(message, Message) and (reply.edit or reply.update is not None):
        try:
            await paced(pacer, message.chat, functools.partial(_edit, message, reply))
            return
        except BadRequest as error:
            if "not modified" in error.message.lower():
                return
            # Deleted, or too old to edit: say it in a new message if there is anything to say.
            log.info("could not edit the pressed message: %s", error.message)
    if reply.parts and message is not None:
        await send_reply(bot, pacer, message.chat, reply, thread_of(message))


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
