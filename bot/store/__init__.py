"""Persistent state in one SQLite file: chats, followed topics, received entries, prayer counts,
and the delivery queue (`bot.store.outbox`).

Start at `Store` (store.py); the SQL lives in one small module per table family. What the store
hands out (`ChatRecord`, the figures) are domain values, in `bot.domain`.
"""

from bot.store.errors import ChatNotFoundError, SchemaTooNewError, StoreError
from bot.store.store import Store

__all__ = [
    "ChatNotFoundError",
    "SchemaTooNewError",
    "Store",
    "StoreError",
]
