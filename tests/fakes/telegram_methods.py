"""The Bot API methods the fake answers, each returning what Telegram would return.

Handlers take the decoded parameters and return the `result` or raise ApiError. They also keep
what tests assert on: a transcript of text sent to each chat (edits included and marked), the
answers given to button presses, the command menus, and who administers each group.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_faults import ApiError
from tests.fakes.telegram_messages import (
    MessageStore,
    button_data,
    formatted_text,
    inline_keyboard,
)
from tests.fakes.telegram_objects import Chat, JSONDict, User, chat_member, get_me

Handler = Callable[[JSONDict], Any]

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_BOT_COMMAND_INVALID = "Bad Request: BOT_COMMAND_INVALID"


class BotMethods:
    def __init__(self, store: MessageStore) -> None:
        self.store = store
        self.transcripts: dict[int, list[JSONDict]] = defaultdict(list)
        self.new_message_counts: dict[int, int] = defaultdict(int)
        self.callback_answers: dict[str, JSONDict] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._open_queries: dict[str, JSONDict] = {}
        self._query_ids = itertools.count(7_000_000_000_001)
        self._owners: dict[int, int] = {}
        self._admins: dict[int, list[int]] = {}

    def handlers(self) -> dict[str, Handler]:
        """Handlers by lower-case method name: Telegram matches method names case-insensitively."""
        return {
            "getme": lambda _: get_me(self.store.bot),
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "answercallbackquery": self.answer_callback_query,
            "getchat": lambda p: self.store.chat(p.get("chat_id")).full_info(),
            "getchatmember": self.get_chat_member,
            "getchatadministrators": self.get_chat_administrators,
            "setmycommands": self.set_my_commands,
            "getmycommands": lambda p: self.commands.get(menu_key(p), []),
            "deletemycommands": self.delete_my_commands,
        }

    # --- sending and editing -------------------------------------------------------------

    def send_message(self, params: JSONDict) -> JSONDict:
        chat = self.store.chat(params.get("chat_id"))
        text, entities = formatted_text(params)
        extra: JSONDict = {}
        if markup := inline_keyboard(params.get("reply_markup")):
            extra["reply_markup"] = markup
        if replied := self._replied(chat, params.get("reply_parameters")):
            extra["reply_to_message"] = replied
        message = self.store.add(chat, self.store.bot, text, entities, **extra)
        self.new_message_counts[chat.id] += 1
        self._note(chat.id, message, params, edited=False)
        return message

    def edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        chat, message = self._editable(params)
        text, entities = formatted_text(params)
        markup = inline_keyboard(params.get("reply_markup"))
        self.store.revise(message, text, entities, markup)
        self._note(chat.id, message, params, edited=True)
        return message

    def edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        if "inline_message_id" in params:
            return True
        chat, message = self._editable(params)
        markup = inline_keyboard(params.get("reply_markup"))
        self.store.revise(message, message["text"], message.get("entities", []), markup)
        self._note(chat.id, message, params, edited=True)
        return message

    def delete_message(self, params: JSONDict) -> bool:
        chat = self.store.chat(params.get("chat_id"))
        if not self.store.delete(chat.id, params.get("message_id", 0)):
            raise ApiError(400, errors.MESSAGE_TO_DELETE_NOT_FOUND)
        return True

    def _editable(self, params: JSONDict) -> tuple[Chat, JSONDict]:
        chat = self.store.chat(params.get("chat_id"))
        message_id = params.get("message_id", 0)
        message = self.store.get(chat.id, message_id)
        if message is None:
            raise ApiError(400, errors.MESSAGE_TO_EDIT_NOT_FOUND)
        if not self.store.by_bot(chat.id, message_id):
            raise ApiError(400, errors.MESSAGE_CANT_BE_EDITED)
        return chat, message

    def _replied(self, chat: Chat, reply: JSONDict | None) -> JSONDict | None:
        if not reply:
            return None
        replied = self.store.get(reply.get("chat_id", chat.id), reply.get("message_id", 0))
        if replied is None and not reply.get("allow_sending_without_reply"):
            raise ApiError(400, errors.REPLIED_MESSAGE_NOT_FOUND)
        return replied

    def _note(self, chat_id: int, message: JSONDict, params: JSONDict, edited: bool) -> None:
        self.transcripts[chat_id].append(
            {
                "message_id": message["message_id"],
                "text": message["text"],
                "entities": message.get("entities", []),
                "reply_markup": message.get("reply_markup"),
                "parse_mode": params.get("parse_mode"),
                "source": params.get("text", message["text"]),
                "edited": edited,
                "at": time.monotonic(),
            }
        )

    # --- buttons -------------------------------------------------------------------------

    def open_callback_query(self, chat: Chat, user: User, message_id: int, data: str) -> JSONDict:
        """A press on a button of a message the bot sent; refuses buttons that do not exist."""
        message = self.store.get(chat.id, message_id)
        if message is None or not self.store.by_bot(chat.id, message_id):
            raise ValueError(f"the bot sent no message {message_id} to chat {chat.id}")
        if data not in button_data(message):
            raise ValueError(
                f"message {message_id} has no button {data!r}: {button_data(message)}"
            )
        self.store.remember(chat, user)
        query = {
            "id": str(next(self._query_ids)),
            "from": user.to_dict(),
            "message": message,
            "chat_instance": str(abs(chat.id) * 7919),
            "data": data,
        }
        self._open_queries[query["id"]] = query
        return query

    def answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if self._open_queries.pop(query_id, None) is None:
            raise ApiError(400, errors.QUERY_TOO_OLD)
        fields = ("text", "show_alert", "url", "cache_time")
        self.callback_answers[query_id] = {key: params[key] for key in fields if key in params}
        return True

    # --- members and commands ------------------------------------------------------------

    def set_admins(self, chat_id: int, admins: Iterable[int], owner: int | None) -> None:
        self._admins[chat_id] = list(admins)
        if owner is None:
            self._owners.pop(chat_id, None)
        else:
            self._owners[chat_id] = owner

    def _status(self, chat: Chat, user_id: int) -> str:
        if self._owners.get(chat.id) == user_id:
            return "creator"
        return "administrator" if user_id in self._admins.get(chat.id, ()) else "member"

    def get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self.store.chat(params.get("chat_id"))
        user_id = params.get("user_id", 0)
        return chat_member(self.store.user(user_id), self._status(chat, user_id))

    def get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self.store.chat(params.get("chat_id"))
        if chat.type == "private":
            raise ApiError(400, errors.NO_ADMINS_IN_PRIVATE_CHAT)
        owner = self._owners.get(chat.id)
        ids = ([owner] if owner is not None else []) + self._admins.get(chat.id, [])
        return [chat_member(self.store.user(i), self._status(chat, i)) for i in ids]

    def set_my_commands(self, params: JSONDict) -> bool:
        commands = list(params.get("commands") or [])
        if any(not _COMMAND_NAME.match(str(c.get("command", ""))) for c in commands):
            raise ApiError(400, _BOT_COMMAND_INVALID)
        self.commands[menu_key(params)] = commands
        return True

    def delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(menu_key(params), None)
        return True


def menu_key(params: JSONDict) -> tuple[str, str]:
    """Command menus are kept per scope and language, as Telegram keeps them."""
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")
