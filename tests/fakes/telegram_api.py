"""FakeBotApi: a stand-in for api.telegram.org that the real python-telegram-bot talks to.

End-to-end tests and benchmarks start it on 127.0.0.1 (any free port) and point an
Application at `api.base_url` / `api.base_file_url`. It answers the Bot API methods the bot
uses the way Telegram does (same JSON, same error texts and status codes, long polling with
offset confirmation), lets a test play users (`send_text`, `edit_text`, `press`), records every
request, injects faults per chat (`fail`, `delay`, `migrate`) and can enforce Telegram's flood
limits. Waiting helpers wake on each request instead of sleeping.

    async with FakeBotApi() as api:
        app = Application.builder().token(api.token).base_url(api.base_url) ... .build()
        api.send_text(alice.chat, alice, "/start")
        [reply] = await api.wait_for_messages(alice.id, 1)
"""

from __future__ import annotations

import time
from typing import Literal

from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_faults import Fault, FloodControl, make_error
from tests.fakes.telegram_messages import MessageStore
from tests.fakes.telegram_methods import BotMethods, menu_key
from tests.fakes.telegram_objects import (
    Chat,
    JSONDict,
    User,
    bot_user,
    chat_member,
    command_entities,
)
from tests.fakes.telegram_server import ApiCall, BotApiServer, SendStats

__all__ = ["ApiCall", "Chat", "FakeBotApi", "SendStats", "User"]


class FakeBotApi(BotApiServer):
    """The Bot API server plus the vocabulary tests speak: users, chats, faults, transcripts.

    Server side (from BotApiServer): start/stop or `async with`, base_url, base_file_url,
    token, port, requests, calls(), wait_for_calls(), unhandled, stats, wait_for(),
    pending_updates.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_id: int = 4242,
        bot_username: str = "briefbot_test_bot",
        bot_name: str = "BriefBot",
        global_rate: float | None = None,
        per_chat_rate: float | None = None,
        group_per_minute: float | None = None,
        strict_chats: bool = False,
    ) -> None:
        """Rates are sends per second (sliding one-second window), None = unlimited.

        With `per_chat_rate` set, group chats (negative ids) are also held to
        `group_per_minute`, 20 unless given. `strict_chats` answers "chat not found" for chats
        no test introduced; otherwise an unseen numeric id becomes a chat of the kind its id
        implies.
        """
        self.bot: User = bot_user(bot_id, bot_name, bot_username)
        self._store = MessageStore(self.bot, strict_chats)
        self._methods = BotMethods(self._store)
        if group_per_minute is None and per_chat_rate is not None:
            group_per_minute = 20
        limits = (global_rate, per_chat_rate, group_per_minute)
        flood = FloodControl(*limits) if any(rate is not None for rate in limits) else None
        super().__init__(token, self._methods.handlers(), flood)

    # --- playing the users ---------------------------------------------------------------

    def send_text(
        self, chat: Chat, user: User | None, text: str, *, reply_to: int | None = None
    ) -> JSONDict:
        """Queue a user's text message (a `channel_post` in a channel; user may be None)."""
        extra = {}
        if reply_to is not None:
            replied = self._store.get(chat.id, reply_to)
            if replied is None:
                raise ValueError(f"chat {chat.id} has no message {reply_to} to reply to")
            extra["reply_to_message"] = replied
        message = self._store.from_user(chat, user, text, **extra)
        self.queue_update("channel_post" if chat.type == "channel" else "message", dict(message))
        return message

    def edit_text(self, chat: Chat, user: User | None, message_id: int, text: str) -> JSONDict:
        """Queue an `edited_message` (or `edited_channel_post`) for a message the user sent."""
        message = self._store.get(chat.id, message_id)
        if message is None or self._store.by_bot(chat.id, message_id):
            raise ValueError(f"no user message {message_id} in chat {chat.id}")
        if user is not None and message.get("from", {}).get("id") != user.id:
            raise ValueError(f"message {message_id} in chat {chat.id} is not from {user}")
        self._store.revise(message, text, command_entities(text), None)
        kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
        self.queue_update(kind, dict(message))
        return message

    def press(self, chat: Chat, user: User, message_id: int, data: str) -> str:
        """Queue a `callback_query` for a button on a bot message; returns the query id."""
        query = self._methods.open_callback_query(chat, user, message_id, data)
        self.queue_update("callback_query", {**query, "message": dict(query["message"])})
        return query["id"]

    def member_update(
        self, chat: Chat, by: User, status: str, old_status: str = "member"
    ) -> JSONDict:
        """Queue `my_chat_member`: the bot's own membership changed (e.g. blocked: "kicked")."""
        self._store.remember(chat, by)
        return self.queue_update(
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": by.to_dict(),
                "date": int(time.time()),
                "old_chat_member": chat_member(self.bot, old_status),
                "new_chat_member": chat_member(self.bot, status),
            },
        )

    def queue_update(self, kind: str, payload: JSONDict) -> JSONDict:
        """Queue any other update as raw Bot API JSON; returns it with its update_id."""
        update = self._updates.push(kind, payload)
        self._changed()
        return update

    # --- arranging the world -------------------------------------------------------------

    def add_chat(self, chat: Chat) -> Chat:
        self._store.remember(chat)
        return chat

    def set_admins(self, chat: Chat, *admins: User | int, owner: User | int | None = None) -> None:
        """Who getChatMember / getChatAdministrators report as administrators of a chat."""
        self.add_chat(chat)
        for person in (*admins, owner):
            if isinstance(person, User):
                self._store.remember(chat, person)
        ids = [a.id if isinstance(a, User) else a for a in admins]
        self._methods.set_admins(chat.id, ids, owner.id if isinstance(owner, User) else owner)

    # --- faults --------------------------------------------------------------------------

    def fail(
        self,
        chat_id: int | str | None = None,
        *,
        status: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        method: str | None = None,
        times: int | Literal["auto"] | None = "auto",
        html: bool = False,
        echo_path: bool = False,
    ) -> None:
        """Answer requests about `chat_id` (None: any request) with an error.

        The description defaults to Telegram's text for the status (429 gets
        `retry_after`, 1 unless given). `times="auto"` means once for transient errors (429,
        5xx) and for ever for the others; None is for ever. `html=True` answers nginx's HTML
        page instead of JSON, as Telegram's front does on 502. `method` narrows to one method.
        `echo_path=True` quotes the request path, token included, in the answer.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if times == "auto":
            times = 1 if status == 429 or status >= 500 else None
        error = make_error(status, description, retry_after, migrate_to_chat_id)
        fault = Fault(_lower(method), times, error=error, html_body=html, echo_path=echo_path)
        self._faults.add(chat_id, fault)

    def delay(
        self,
        chat_id: int | str | None,
        seconds: float,
        *,
        method: str | None = None,
        times: int | None = None,
    ) -> None:
        """Answer requests about `chat_id` (None: any request) only after `seconds`."""
        self._faults.add(chat_id, Fault(_lower(method), times, delay=seconds))

    def heal(self) -> None:
        """Every fault added so far is gone: requests are answered normally again."""
        self._faults.clear()

    def delete_by_reader(self, chat_id: int, message_id: int) -> None:
        """The reader deletes a message from their chat: the bot can no longer edit it."""
        assert self._store.delete(chat_id, message_id)

    def block(self, chat_id: int, description: str = errors.BLOCKED_BY_USER) -> None:
        """From now on every request about the chat is refused with 403."""
        self.fail(chat_id, status=403, description=description)

    def migrate(self, chat_id: int, new_chat_id: int) -> Chat:
        """The group became a supergroup: the old id answers "upgraded" with the new id."""
        old = self._store.chats.get(chat_id)
        new = Chat.supergroup(new_chat_id, old.title if old and old.title else "Church")
        self.add_chat(new)
        self.fail(chat_id, migrate_to_chat_id=new_chat_id)
        return new

    # --- what happened -------------------------------------------------------------------

    def sent_to(self, chat_id: int, *, edits: bool = True) -> list[JSONDict]:
        """Text the bot delivered to a chat, in order; edits appear with `"edited": True`.

        Each entry: message_id, text (as the user sees it), entities, reply_markup,
        parse_mode, source (the text parameter as sent), edited, at (monotonic time).
        """
        sent = self._methods.transcripts.get(chat_id, [])
        return list(sent) if edits else [entry for entry in sent if not entry["edited"]]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """A message as it stands now (Bot API JSON); None if never sent or deleted."""
        return self._store.get(chat_id, message_id)

    @property
    def callback_answers(self) -> dict[str, JSONDict]:
        """answerCallbackQuery parameters by callback query id, in answer order."""
        return self._methods.callback_answers

    def commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[JSONDict]:
        """The command menu set with setMyCommands for a scope (default scope if None)."""
        return self._methods.commands.get(
            menu_key({"scope": scope, "language_code": language_code}), []
        )

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[JSONDict]:
        """Wait until the bot has sent `count` new messages (edits not counted) to a chat."""
        await self.wait_for(lambda: self._methods.new_message_counts[chat_id] >= count, timeout)
        return self.sent_to(chat_id, edits=False)


def _lower(method: str | None) -> str | None:
    return method.lower() if method else None
