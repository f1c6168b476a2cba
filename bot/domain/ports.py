"""What the core and the delivery engine need from the outside, as small protocols.

The core and the engine name only these; the wiring (`bot.bootstrap`) hands them concrete
ones (today `bot.store.Store` and `bot.store.outbox.Outbox` on SQLite). A second store backend
implements the same protocols and nothing above it changes; `tests/unit/test_ports.py` checks
that each concrete class offers every method with the same signature.

Split by who needs what: a handler that follows topics needs `Follows`, not the queue's leases.
`ChatStore` and `Queue` are the whole of each side, what a backend provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Protocol

from bot.domain.address import Address, ChatKind
from bot.domain.chat import UNSET, ChatRecord, Unset
from bot.domain.corrections import CorrectionProgress, SentRevision
from bot.domain.figures import DeliveryStats, PlatformCounts, StoreStats
from bot.domain.queue import Correction, DueSlot, EnqueueResult, Inputs, Job, Plan, Progress
from bot.domain.send_slots import Reservation

# The store: chats and what is kept about them


class Chats(Protocol):
    async def get_chat(self, address: Address) -> ChatRecord | None: ...

    async def ensure_chat(
        self, address: Address, kind: ChatKind, *, delivery_time: time, timezone: str
    ) -> ChatRecord:
        """The chat's record, inserted unsubscribed with these settings if it is new."""
        ...

    async def update_chat(
        self,
        address: Address,
        *,
        subscribed: bool | None = None,
        delivery_time: time | None = None,
        timezone: str | None = None,
        next_due_utc: datetime | Unset | None = UNSET,
        last_day: date | Unset | None = UNSET,
        deactivated_reason: str | Unset | None = UNSET,
        language: str | None = None,
    ) -> ChatRecord:
        """Change the fields given; deactivating unsubscribes, subscribing clears it."""
        ...

    async def forget(self, address: Address) -> bool:
        """Delete the chat and everything about it; True if anything was stored."""
        ...

    async def move_chat(self, old: Address, new: Address) -> ChatRecord | None:
        """Follow a chat to its new address, merging if both exist."""
        ...


class Follows(Protocol):
    async def follow(self, address: Address, slug: str) -> bool: ...

    async def unfollow(self, address: Address, slug: str) -> bool: ...


class ReceivedEntries(Protocol):
    async def received_before(self, pk: int, day: date) -> dict[str, date]:
        """Entry id -> the latest day before `day` that the chat was sent it."""
        ...

    async def mark_received(self, pk: int, entry_ids: Iterable[str], day: date) -> None: ...


class Prayers(Protocol):
    async def record_prayer(
        self, address: Address, prayer_id: str, day: date, person: str = ""
    ) -> tuple[bool, int]:
        """(newly counted, how many people prayed this prayer point on that day); `person`
        is a keyed hash of who pressed (`bot.core.people`), "" where nobody is named."""
        ...

    async def prayer_count(self, prayer_id: str, day: date) -> int: ...

    async def prune_prayers(self, before: date) -> int: ...


class ChatStore(Chats, Follows, ReceivedEntries, Prayers, Protocol):
    """Everything the bot keeps about chats: what a store backend provides."""

    async def stats(self, today: date | None = None, *, top: int = 5) -> StoreStats: ...

    async def platform_counts(self) -> dict[str, PlatformCounts]:
        """Chats by platform and state only (what /metrics reads on every scrape)."""
        ...

    async def ping(self) -> None:
        """Raise unless the database can be reached and read right now (for /readyz)."""
        ...


# The delivery queue


class Broadcasts(Protocol):
    async def draft_broadcast(self, text: str, platforms: Iterable[str]) -> tuple[int, int]:
        """Save an operator's message to confirm; (id, subscribers it would reach on the
        running `platforms`)."""
        ...

    async def confirm_broadcast(self, broadcast_id: int, platforms: Iterable[str]) -> int | None:
        """Queue a drafted broadcast for every subscriber; None if it was not a draft."""
        ...

    async def cancel_broadcast(self, broadcast_id: int) -> bool: ...


class QueueFigures(Protocol):
    async def pending_count(
        self, platform: str | None = None, ready_only: bool = False
    ) -> int: ...

    async def stats(self, since: datetime) -> DeliveryStats: ...


class SentRecords(Protocol):
    async def copies_of(self, entries: Mapping[str, str]) -> dict[str, int]:
        """For each entry id, how many recorded messages carry it in a revision other than
        the one given ("" for any): the copies a change leaves showing the old text."""
        ...

    async def sent_revisions(self, entry_id: str) -> list[SentRevision]:
        """The recorded copies of an entry, by revision and language."""
        ...

    async def sent_entry_ids(self) -> list[str]:
        """Every entry some recorded message carries, removed from the library or not."""
        ...

    async def queue_correction(
        self, correction: Correction, body: str, targets: Iterable[tuple[str, str]]
    ) -> tuple[int, int]:
        """Queue an edit of every recorded message carrying the entry in one of the
        (revision, language) `targets`, superseding a running correction of the same entry;
        `body` is the corrected entry as JSON. Returns the correction's id and its count."""
        ...

    async def correction_progress(self, correction_id: int) -> CorrectionProgress | None: ...

    async def running_corrections(self) -> list[CorrectionProgress]: ...


class OperatorQueue(Broadcasts, QueueFigures, SentRecords, Protocol):
    """What the core's operator commands use of the queue."""


class ProgressLog(Protocol):
    async def record(self, worker: str, items: Sequence[Progress]) -> list[bool]:
        """Record accepted messages in one transaction; False where the claim was lost."""
        ...


class Sending(ProgressLog, Protocol):
    """The senders' side: leases on rows, what composing them reads, and their outcomes."""

    async def claim(self, platform: str, worker: str, limit: int) -> list[Job]: ...

    async def inputs(self, jobs: Sequence[Job]) -> Inputs: ...

    async def renew(self, worker: str) -> None: ...

    async def join(self, worker: str) -> None: ...

    async def release_expired(self, timeout: timedelta, keep: str) -> int: ...

    async def release(self, worker: str) -> int: ...

    async def retry_later(
        self, job: Job, worker: str, delay: float, reason: str, count: bool = True
    ) -> bool: ...

    async def close(
        self, job: Job, worker: str, state: str, reason: str, attempt: bool = False
    ) -> bool: ...

    async def deactivate_chat(self, job: Job, worker: str, reason: str) -> None: ...


class Scheduling(Protocol):
    """The tick's side: due chats into rows, and old finished rows out."""

    async def enqueue_due(
        self, platforms: Iterable[str], plan: Callable[[DueSlot], Plan], batch: int = 5000
    ) -> EnqueueResult: ...

    async def prune_finished(self, before: datetime, batch: int = 5000) -> int: ...

    async def prune_sent(self, before: datetime, batch: int = 5000) -> int: ...


class Queue(OperatorQueue, Sending, Scheduling, Protocol):
    """The whole delivery queue: what a store backend provides."""


# Sending: the budget of a bot token that several processes share


class SendBudget(Protocol):
    """Turns of one platform's sending rate, kept where every process that sends on the same
    token sees them (`bot.store.send_budget`). Times are Unix seconds (`time.time()`)."""

    async def reserve(self, chat: str, chat_interval: float) -> Reservation:
        """Plan one send to `chat` from now on, keeping `chat_interval` seconds after the
        chat's last one from any process. "Now" is read once the budget is locked, so a
        wait for the lock does not age the slot."""
        ...

    async def pause_until(self, until: float) -> None:
        """Hold every process's sends until `until` (a flood-control answer)."""
        ...
