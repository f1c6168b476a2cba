"""People, chats and the Bot API JSON shapes the fake Telegram server hands out.

Tests describe who talks to the bot with two small frozen dataclasses; the builders here turn
them into the exact JSON objects of https://core.telegram.org/bots/api#available-types so that
the real python-telegram-bot de-serialises them as it would in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

JSONDict = dict[str, Any]

CHAT_TYPES = frozenset({"private", "group", "supergroup", "channel"})

# Telegram's own rule for a command at the start of a text (tdlib match_bot_commands).
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")


def utf16_len(text: str) -> int:
    """Entity offsets and lengths are counted in UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def without_none(**fields: Any) -> JSONDict:
    """The Bot API omits optional fields rather than sending null."""
    return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class User:
    """A Telegram account; `chat` is the private chat between it and the bot."""

    id: int
    first_name: str = "Test"
    is_bot: bool = False
    username: str | None = None
    language_code: str | None = None

    @property
    def chat(self) -> Chat:
        return Chat(self.id, "private", first_name=self.first_name, username=self.username)

    def to_dict(self) -> JSONDict:
        return without_none(
            id=self.id,
            is_bot=self.is_bot,
            first_name=self.first_name,
            username=self.username,
            language_code=self.language_code,
        )


@dataclass(frozen=True)
class Chat:
    """A chat as Telegram names it: private chats carry a first name, the others a title."""

    id: int
    type: str = "private"
    title: str | None = None
    username: str | None = None
    first_name: str | None = None

    def __post_init__(self) -> None:
        if self.type not in CHAT_TYPES:
            raise ValueError(f"unknown chat type {self.type!r}; expected one of {CHAT_TYPES}")

    @classmethod
    def group(cls, id: int, title: str = "Prayer group") -> Chat:
        return cls(id, "group", title=title)

    @classmethod
    def supergroup(cls, id: int, title: str = "Church") -> Chat:
        return cls(id, "supergroup", title=title)

    @classmethod
    def channel(cls, id: int, title: str = "Daily brief", username: str | None = None) -> Chat:
        return cls(id, "channel", title=title, username=username)

    @classmethod
    def from_id(cls, chat_id: int) -> Chat:
        """Guess a chat from its id the way Telegram numbers them (used for unseen chats)."""
        if chat_id > 0:
            return cls(chat_id, "private", first_name=f"User {chat_id}")
        if str(chat_id).startswith("-100"):
            return cls(chat_id, "supergroup", title=f"Chat {chat_id}")
        return cls(chat_id, "group", title=f"Chat {chat_id}")

    @property
    def is_shared(self) -> bool:
        return self.type != "private"

    def to_dict(self) -> JSONDict:
        title = None if self.type == "private" else (self.title or f"Chat {self.id}")
        first_name = (self.first_name or "User") if self.type == "private" else None
        return without_none(
            id=self.id, type=self.type, title=title, username=self.username, first_name=first_name
        )

    def full_info(self) -> JSONDict:
        """getChat answers a ChatFullInfo, which has a few mandatory extras."""
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **self.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }


def command_entities(text: str) -> list[JSONDict]:
    """Telegram marks a leading /command (with an optional @botname) as a bot_command entity."""
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def bot_user(bot_id: int, first_name: str, username: str) -> User:
    return User(bot_id, first_name, is_bot=True, username=username)


def get_me(bot: User) -> JSONDict:
    """getMe answers the bot's User with the capability flags only bots carry."""
    return {
        **bot.to_dict(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_member(user: User, status: str) -> JSONDict:
    """A ChatMember of the given status with every field python-telegram-bot requires."""
    member: JSONDict = {"status": status, "user": user.to_dict()}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
            can_pin_messages=True,
        )
    elif status == "kicked":
        member["until_date"] = 0
    return member
