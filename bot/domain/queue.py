"""The delivery queue's records: due slots and plans, claimed jobs, what composing them reads,
the prepared messages, and recorded progress.

A row of the queue is one message job for one chat: a 'digest' keyed by the chat's local day,
or a 'broadcast' keyed by the broadcast's id. These values are what every store backend and the
delivery engine exchange, so neither needs to know the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from bot.domain.address import Address, ChatKind
from bot.domain.chat import ChatRecord

DIGEST, BROADCAST = "digest", "broadcast"
# Where a row can be: waiting, claimed by a sender, or finished one of three ways.
STATES = ("pending", "sending", "sent", "failed", "skipped")


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
class Composition:
    """What a job's messages were made of, recorded with each of them so that a correction
    can find every copy of an entry and render it again as it was sent: the entries with
    their revisions (and, per revision, the entry as it was), the language and the style."""

    entries: tuple[tuple[str, str], ...] = ()  # (entry id, revision)
    language: str = ""
    style: str = ""
    snapshots: tuple[tuple[str, str, str], ...] = ()  # (revision, entry id, entry as JSON)


@dataclass(frozen=True)
class Sent:
    """One accepted message of a job: the platform's id for it and which part it was."""

    message_id: str
    part: int  # from 1
    parts: int
    composition: Composition


@dataclass(frozen=True)
class Progress:
    """Messages of a job the platform accepted; when `done`, its digest's `entries` are
    remembered as received by the chat now at the job's address. `sent` is the message just
    accepted, recorded for corrections when the platform gave its id."""

    job: Job
    parts_sent: int
    done: bool
    entries: tuple[str, ...] = ()
    sent: Sent | None = None


@dataclass(frozen=True)
class EnqueueResult:
    enqueued: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Prepared:
    """A job ready for the wire: its platform messages and the digest entries to remember once
    they are all delivered; or `unwanted` (the chat no longer wants it); or what went wrong."""

    messages: tuple[object, ...] = ()
    entries: tuple[str, ...] = ()
    unwanted: bool = False
    error: Exception | None = None
    composition: Composition = Composition()
