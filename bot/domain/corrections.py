"""What the store tells about corrections: the copies of an entry that were sent, and how far
each running correction has come. (The decision itself, `Correction`, travels with the queue's
jobs and lives in `bot.domain.queue`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.queue import Correction


@dataclass(frozen=True)
class SentRevision:
    """Recorded copies of an entry in one revision and one language, with that revision's
    body (the entry as it was sent, as JSON)."""

    revision: str
    body: str
    language: str
    copies: int


@dataclass(frozen=True)
class CorrectionProgress:
    """A correction's queue rows by state, and how many of its messages it could not fit."""

    correction: Correction
    messages: int
    by_state: dict[str, int]
    created_at: datetime
    did_not_fit: int = 0

    @property
    def under_way(self) -> bool:
        """Messages still to edit. Not `finished < messages`: a chat that /forgets, or the
        pruning of old rows, takes rows away, and such a correction would never finish."""
        return self.by_state.get("pending", 0) + self.by_state.get("sending", 0) > 0

    @property
    def finished(self) -> int:
        return sum(n for state, n in self.by_state.items() if state not in ("pending", "sending"))

    @property
    def edited(self) -> int:
        return self.by_state.get("sent", 0)

    @property
    def unreachable(self) -> int:
        """Messages gone (deleted by the reader, too old to edit) or chats that left."""
        return self.by_state.get("skipped", 0) + self.by_state.get("failed", 0)
