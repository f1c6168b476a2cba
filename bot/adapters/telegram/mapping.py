"""Turning Telegram updates into core requests, and core buttons into inline keyboards.

This is the only place that knows Telegram's chat types, who counts as an administrator, and
that anonymous group admins post as the group itself.
"""

from __future__ import annotations

from telegram import (
    Bot,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.core.reply import Button
from bot.core.request import Request
from bot.domain.address import Address, ChatKind

PLATFORM = "telegram"
ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
CHAT_KINDS = {
    Chat.PRIVATE: ChatKind.PRIVATE,
    Chat.GROUP: ChatKind.GROUP,
    Chat.SUPERGROUP: ChatKind.SUPERGROUP,
    Chat.CHANNEL: ChatKind.CHANNEL,
}


def address_of(chat_id: int) -> Address:
    return Address(PLATFORM, str(chat_id))


def request_for(update: Update, bot: Bot) -> Request | None:
    """The core request behind an update; None for updates without a chat."""
    chat = update.effective_chat
    if chat is None:
        return None
    kind = CHAT_KINDS.get(chat.type, ChatKind.GROUP)
    user = update.effective_user
    posted_by_admin = update.callback_query is None and (
        kind is ChatKind.CHANNEL or _posted_as_chat(update.effective_message, chat)
    )

    async def can_manage() -> bool:
        # Only a channel's admins can post in it, and anonymous admins post as the group. A
        # button press comes from whoever pressed it (any reader of a channel post can), and
        # its message is the bot's own, which in a channel is signed by the channel too.
        if posted_by_admin:
            return True
        if user is None:
            return False
        try:
            member = await bot.get_chat_member(chat.id, user.id)
        except TelegramError:
            return False
        return member.status in ADMIN_STATUSES

    replied_to = update.message.reply_to_message if update.message else None
    return Request(
        address=address_of(chat.id),
        kind=kind,
        user_id=str(user.id) if user else None,
        can_manage=can_manage,
        answers_bot=bool(
            replied_to and replied_to.from_user and replied_to.from_user.id == bot.id
        ),
        language=user.language_code if user else None,  # absent for channel posts
    )


def _posted_as_chat(message: Message | None, chat: Chat) -> bool:
    return bool(message and message.sender_chat and message.sender_chat.id == chat.id)


def thread_of(message: MaybeInaccessibleMessage | None) -> int | None:
    """The forum topic a message is in, so answers land there and not in "General"."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


def keyboard(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.action) for b in row] for row in buttons]
    )


def replace_button(
    markup: InlineKeyboardMarkup | None, new: Button
) -> InlineKeyboardMarkup | None:
    """The message's keyboard with the button carrying `new.action` relabelled."""
    if markup is None:
        return None
    rows = [
        [
            InlineKeyboardButton(new.label, callback_data=new.action)
            if b.callback_data == new.action
            else b
            for b in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(rows)
