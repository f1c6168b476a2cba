"""The chats and messages the fake Telegram server remembers, and the text rules it enforces.

Both sides write here: the bot through sendMessage and the edit methods, tests through the
update builders (a user's message, a user's edit, a button press). Message ids count up per
chat for both sides, as in Telegram. Outgoing text is checked the way Telegram checks it (HTML
parse mode, trimming, the 4,096-character limit, inline keyboard button rules) so a rendering
mistake fails in an end-to-end test with the error the bot would meet in production.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import defaultdict
from typing import Any

from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_faults import ApiError
from tests.fakes.telegram_html import EntityParseError, parse_html
from tests.fakes.telegram_objects import Chat, JSONDict, User, command_entities, utf16_len

MAX_TEXT_LENGTH = 4096
_BUTTON_URL = re.compile(r"^(?:https?|tg)://\S+$", re.IGNORECASE)
_BUTTON_ACTIONS = frozenset(
    {"url", "callback_data", "web_app", "login_url", "switch_inline_query", "pay"}
    | {"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text"}
    | {"callback_game"}
)
_TEXT_ONLY_BUTTON = (
    "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline "
    "keyboard"
)


def formatted_text(params: JSONDict) -> tuple[str, list[JSONDict]]:
    """The visible text and entities Telegram stores for a text and its parse mode."""
    text = params.get("text")
    if not isinstance(text, str) or not text:
        raise ApiError(400, errors.MESSAGE_TEXT_EMPTY)
    entities: list[JSONDict] = list(params.get("entities") or [])
    mode = str(params.get("parse_mode") or "").lower()
    if mode == "html" and not entities:
        try:
            text, entities = parse_html(text)
        except EntityParseError as exc:
            raise ApiError(400, errors.CANT_PARSE_ENTITIES + str(exc)) from None
    elif mode not in ("", "html", "markdown", "markdownv2"):
        raise ApiError(400, errors.UNSUPPORTED_PARSE_MODE)
    text, entities = _trimmed(text, entities)
    if not text:
        raise ApiError(400, errors.MESSAGE_TEXT_EMPTY)
    if len(text) > MAX_TEXT_LENGTH:
        raise ApiError(400, errors.MESSAGE_TOO_LONG)
    return text, entities


def _trimmed(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Telegram strips surrounding whitespace and clips entities to what is left."""
    body = text.lstrip()
    lead = utf16_len(text) - utf16_len(body)
    body = body.rstrip()
    size = utf16_len(body)
    clipped = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(size, entity["offset"] + entity["length"] - lead)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return body, clipped


def inline_keyboard(markup: Any) -> JSONDict | None:
    """Validate an inline keyboard; other reply markups are never echoed on a message."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    for button in itertools.chain.from_iterable(markup["inline_keyboard"]):
        if not _BUTTON_ACTIONS & button.keys():
            raise ApiError(400, _TEXT_ONLY_BUTTON)
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise ApiError(400, errors.BUTTON_DATA_INVALID)
        if "url" in button and not _BUTTON_URL.match(str(button["url"])):
            raise ApiError(400, errors.BUTTON_URL_INVALID)
    return markup


def button_data(message: JSONDict) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [
        b["callback_data"] for b in itertools.chain.from_iterable(rows) if "callback_data" in b
    ]


class MessageStore:
    """Chats by id and username, every message by (chat, message id), and who wrote it."""

    def __init__(self, bot: User, strict_chats: bool) -> None:
        self.bot = bot
        self.strict_chats = strict_chats
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, User] = {bot.id: bot}
        self._messages: dict[int, dict[int, JSONDict]] = defaultdict(dict)
        self._next_id: dict[int, itertools.count[int]] = {}
        self._by_bot: set[tuple[int, int]] = set()

    def remember(self, chat: Chat, user: User | None = None) -> None:
        self.chats[chat.id] = chat
        if user is not None:
            self.users[user.id] = user

    def user(self, user_id: int) -> User:
        return self.users.get(user_id) or User(user_id, f"User {user_id}")

    def chat(self, chat_id: Any) -> Chat:
        """Resolve a chat_id parameter as Telegram does, or fail with "chat not found"."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            found = [c for c in self.chats.values() if (c.username or "").lower() == name]
            if found:
                return found[0]
        elif isinstance(chat_id, int):
            if chat_id in self.chats:
                return self.chats[chat_id]
            if not self.strict_chats and chat_id != 0:
                self.chats[chat_id] = Chat.from_id(chat_id)
                return self.chats[chat_id]
        raise ApiError(400, errors.CHAT_NOT_FOUND)

    def get(self, chat_id: int, message_id: int) -> JSONDict | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def add(
        self, chat: Chat, author: User | None, text: str, entities: list[JSONDict], **extra: Any
    ) -> JSONDict:
        """Store a new message; a None author is the channel itself posting."""
        ids = self._next_id.setdefault(chat.id, itertools.count(1))
        message: JSONDict = {"message_id": next(ids), "date": int(time.time())}
        if author is not None and chat.type != "channel":
            message["from"] = author.to_dict()
        else:
            message["sender_chat"] = chat.to_dict()
        message.update(chat=chat.to_dict(), text=text, **extra)
        if entities:
            message["entities"] = entities
        self._messages[chat.id][message["message_id"]] = message
        if author is self.bot:
            self._by_bot.add((chat.id, message["message_id"]))
        return message

    def by_bot(self, chat_id: int, message_id: int) -> bool:
        return (chat_id, message_id) in self._by_bot

    def delete(self, chat_id: int, message_id: int) -> bool:
        self._by_bot.discard((chat_id, message_id))
        return self._messages.get(chat_id, {}).pop(message_id, None) is not None

    def revise(
        self, message: JSONDict, text: str, entities: list[JSONDict], markup: JSONDict | None
    ) -> JSONDict:
        """Change a message in place; Telegram refuses an edit that changes nothing."""
        if (message["text"], message.get("entities", []), message.get("reply_markup")) == (
            text,
            entities,
            markup,
        ):
            raise ApiError(400, errors.MESSAGE_NOT_MODIFIED)
        message.update(text=text, edit_date=int(time.time()))
        for key, value in (("entities", entities), ("reply_markup", markup)):
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        return message

    def from_user(self, chat: Chat, user: User | None, text: str, **extra: Any) -> JSONDict:
        self.remember(chat, user)
        return self.add(chat, user, text, command_entities(text), **extra)
