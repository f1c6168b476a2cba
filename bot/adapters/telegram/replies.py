"""Sending core replies through the Bot API: HTML, split in order, buttons on the last part."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.adapters.telegram.mapping import keyboard, replace_button
from bot.core.reply import Reply
from bot.render.telegram_html import render

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_reply(bot: Bot, chat_id: int | str, reply: Reply) -> list[Message]:
    """Send every message of `reply` in order; the keyboard goes on the last one."""
    texts = render(reply)
    sent: list[Message] = []
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons) if last else None,
                link_preview_options=NO_PREVIEW,
                protect_content=reply.protect,
            )
        )
    return sent


async def answer_button(bot: Bot, query: CallbackQuery, reply: Reply) -> None:
    """Apply a button's reply: edit the pressed message or send a new one, then answer."""
    message = query.message
    try:
        if reply.edit and isinstance(message, Message):
            if reply.parts:
                text = render(reply)[0]
                await message.edit_text(
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply.buttons),
                    link_preview_options=NO_PREVIEW,
                )
            else:
                await message.edit_reply_markup(reply_markup=keyboard(reply.buttons))
        elif reply.update is not None and isinstance(message, Message):
            markup = replace_button(message.reply_markup, reply.update)
            if markup is not None:
                await message.edit_reply_markup(reply_markup=markup)
        elif not reply.is_empty and message is not None:
            await send_reply(bot, message.chat.id, reply)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
    await query.answer(text=reply.notice[:200] if reply.notice else None)
