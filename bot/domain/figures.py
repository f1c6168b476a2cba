"""The operators' numbers, as every store backend reports them: subscribers, prayers, the queue.

Every figure is a count; nothing here identifies a chat. A chat is counted once per platform
as exactly one of subscribed, unsubscribed or deactivated (the platform refused delivery).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PlatformCounts:
    subscribed: int = 0
    unsubscribed: int = 0
    deactivated: int = 0

    @property
    def total(self) -> int:
        return self.subscribed + self.unsubscribed + self.deactivated


@dataclass(frozen=True)
class PrayerStats:
    total: int  # (chat, prayer point, day) counts ever recorded
    today: int
    top_today: tuple[tuple[str, int], ...]  # (prayer id, chats), most prayed first
    top_all_time: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class StoreStats:
    day: date  # the "today" of the prayer figures
    platforms: dict[str, PlatformCounts]
    subscribed_by_timezone: dict[str, int]  # most subscribers first
    subscribed_by_topic: dict[str, int]  # most followers first
    prayers: PrayerStats


@dataclass(frozen=True)
class DeliveryStats:
    by_state: dict[str, dict[str, int]]  # platform -> state -> rows
    failures: list[tuple[str, str, str, int]]  # (platform, state, reason, rows), most first
