"""Who the bot talks to: an opaque (platform, chat id) pair and the kind of chat it is.

Ids are strings so that Telegram's signed integers and Discord's 64-bit snowflakes are stored
and compared the same way; only an adapter knows how to turn one back into a platform id.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"  # a Telegram broadcast channel
    SERVER_CHANNEL = "server_channel"  # a text channel in a Discord server

    @property
    def is_shared(self) -> bool:
        """Whether several people read this chat, so changing it needs an administrator."""
        return self is not ChatKind.PRIVATE


@dataclass(frozen=True, order=True)
class Address:
    platform: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.chat_id}"
