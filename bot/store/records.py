"""The one place values cross into SQL and back, and rows become `ChatRecord`s.

In the API times are aware UTC datetimes, local days are `date`s and delivery times are `time`s;
in SQL they are unix seconds, 'YYYY-MM-DD' and 'HH:MM' text. Converting only here keeps a naive
datetime or a stray seconds field from ever reaching the file.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.address import Address, ChatKind
from bot.domain.chat import ChatRecord

T = TypeVar("T")
R = TypeVar("R")


def to_unix(instant: datetime) -> int:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"the store keeps aware datetimes only, got naive {instant!r}")
    return math.floor(instant.timestamp())


def from_unix(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_text(day: date) -> str:
    return day.isoformat()


def time_text(moment: time) -> str:
    if moment.second or moment.microsecond or moment.tzinfo is not None:
        raise ValueError(f"a delivery time is a local hour and minute, got {moment!r}")
    return moment.strftime("%H:%M")


def checked_zone(name: str) -> str:
    """A zone the scheduler cannot load would stop that chat's delivery for good."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error
    return name


def chat_from_row(row: sqlite3.Row) -> ChatRecord:
    """Build a record from a `chats` row plus a `topics` column holding a JSON array."""
    return ChatRecord(
        pk=row["id"],
        address=Address(row["platform"], row["chat_id"]),
        kind=ChatKind(row["kind"]),
        subscribed=bool(row["subscribed"]),
        delivery_time=time.fromisoformat(row["delivery_time"]),
        timezone=row["timezone"],
        topics=tuple(sorted(json.loads(row["topics"]))),
        next_due_utc=_maybe(from_unix, row["next_due_utc"]),
        last_day=_maybe(date.fromisoformat, row["last_day"]),
        deactivated_reason=row["deactivated_reason"],
        created_at=from_unix(row["created_at"]),
        updated_at=from_unix(row["updated_at"]),
        language=row["language"],
    )


def _maybe(convert: Callable[[T], R], value: T | None) -> R | None:
    return None if value is None else convert(value)
