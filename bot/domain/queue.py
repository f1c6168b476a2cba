"""The delivery queue's value objects: due slots and plans, claimed jobs and their inputs,
recorded progress, and the figures operators see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.domain.address import Address, ChatKind
from bot.store.records import ChatRecord

DIGEST, BROADCAST = "digest", "broadcast"


@dataclass(frozen=True)
class DueSlot:
    """What the chats due at one instant with the same delivery time and zone share: all a
    plan may depend on, so that it is made once for all of them."""

    delivery_time: time
    timezone: str
    next_due_utc: datetime


@dataclass(frozen=True)
class Plan:
    """What the scheduler decided for one due chat: its day, whether to send, its next time."""

    day: date
    send: bool
    next_due_utc: datetime


@dataclass(frozen=True)
class Job:
    """One claimed row: a message job for one chat."""

    id: int
    chat_pk: int
    address: Address
    chat_kind: ChatKind
    job: str
    key: str
    parts_sent: int
    attempts: int
    chat: ChatRecord | None = None  # the chat as it was when the job was claimed

    @property
    def day(self) -> date | None:
        return date.fromisoformat(self.key) if self.job == DIGEST else None


@dataclass(frozen=True)
class Inputs:
    """What composing a batch of claimed jobs reads from the database, from one snapshot."""

    received: dict[int, dict[str, date]] = field(default_factory=dict)  # job id -> history
    prayed: dict[tuple[str, date], int] = field(default_factory=dict)  # (prayer, day) -> chats
    broadcasts: dict[int, str] = field(default_factory=dict)  # broadcast id -> text


@dataclass(frozen=True)
class Progress:
    """Messages of a job the platform accepted; when `done`, its digest's `entries` are
    remembered as received by the chat now at the job's address."""

    job: Job
    parts_sent: int
    done: bool
    entries: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnqueueResult:
    enqueued: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class DeliveryStats:
    by_state: dict[str, dict[str, int]]  # platform -> state -> rows
    failures: list[tuple[str, str, str, int]]  # (platform, state, reason, rows), most first
