"""A chat as the bot keeps it: its settings, what it follows, where its schedule stands.

Every store backend hands out `ChatRecord`s and takes `UNSET` for "leave as it is", so the core
and the delivery engine read chats the same way whichever database holds them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.domain.address import Address, ChatKind


class Unset(enum.Enum):
    """Marks "leave as it is" where None already means "clear"."""

    UNSET = enum.auto()


UNSET = Unset.UNSET


@dataclass(frozen=True)
class ChatRecord:
    pk: int
    address: Address
    kind: ChatKind
    subscribed: bool
    delivery_time: time
    timezone: str
    topics: tuple[str, ...]  # followed slugs, sorted
    next_due_utc: datetime | None
    last_day: date | None
    deactivated_reason: str | None
    created_at: datetime
    updated_at: datetime
    language: str | None = None  # "en", "ko"; None until the platform or the reader says
