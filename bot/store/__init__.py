"""Persistent state in one SQLite file: chats, followed topics, received entries, prayer counts.

Start at `Store` (store.py); the SQL lives in one small module per table family.
"""

from bot.store.errors import ChatNotFoundError, SchemaTooNewError, StoreError
from bot.store.records import UNSET, ChatRecord, Unset
from bot.store.stats import PlatformCounts, PrayerStats, StoreStats
from bot.store.store import Store

__all__ = [
    "UNSET",
    "ChatNotFoundError",
    "ChatRecord",
    "PlatformCounts",
    "PrayerStats",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "StoreStats",
    "Unset",
]
