"""What the delivery queue's parts share: the database and the clock, in unix seconds."""

from __future__ import annotations

from bot.domain.clock import Clock
from bot.store.db import Database
from bot.store.records import to_unix


class QueueTables:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> int:
        return to_unix(self._clock.now())
