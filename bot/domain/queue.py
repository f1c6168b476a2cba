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

DIGEST, BROADCAST, CORRECTION = "digest", "broadcast", "correction"
# Which ready rows a sender takes first: withdrawals (a detail may endanger someone), then the
# day's digests and broadcasts, then corrections. Readers' replies bypass the queue.
FIRST, USUAL, LAST = 0, 1, 2
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
class Correction:
    """The editors' decision about an entry already sent: it now reads as `revision`, or it
    is withdrawn (and, with `remove`, deleted where the platform allows). `noted_on` is the
    day its note shows, fixed when it was made."""

    id: int
    entry_id: str
    action: str  # CORRECT or WITHDRAW
    revision: str
    remove: bool
    noted_on: date


CORRECT, WITHDRAW = "correct", "withdraw"


@dataclass(frozen=True)
class SentMessage:
    """A message the queue delivered, as recorded: what a correction re-renders."""

    pk: int
    message_id: str
    job: str
    key: str
    part: int
    parts: int
    language: str
    style: str
    sent_at: datetime
    entries: tuple[tuple[str, str], ...]  # (entry id, revision), in the order sent
    notes: dict[str, tuple[str, str]]  # entry id -> (action, ISO day) of earlier corrections

    @property
    def day(self) -> date | None:
        return date.fromisoformat(self.key) if self.job == DIGEST else None


@dataclass(frozen=True)
class Edit:
    """What a correction job reads: the decision, the message, and the entries' bodies by
    revision (those it was sent with, and the correction's own)."""

    correction: Correction
    message: SentMessage
    bodies: dict[str, str]


@dataclass(frozen=True)
class Inputs:
    """What composing a batch of claimed jobs reads from the database, from one snapshot."""

    received: dict[int, dict[str, date]] = field(default_factory=dict)  # job id -> history
    prayed: dict[tuple[str, date], int] = field(default_factory=dict)  # (prayer, day) -> chats
    broadcasts: dict[int, str] = field(default_factory=dict)  # broadcast id -> text
    edits: dict[int, Edit] = field(default_factory=dict)  # job id -> what a correction edits


@dataclass(frozen=True)
class Corrected:
    """What an applied correction changes in its message's record: the entry's revision
    (none once withdrawn) and the notes the message now shows."""

    message_pk: int
    entry_id: str
    revision: str
    notes: dict[str, tuple[str, str]]
    deleted: bool = False  # the message itself was deleted
    fitted: bool = True  # False: the correction did not fit; the withdrawal notice stands


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
    corrected: Corrected | None = None


@dataclass(frozen=True)
class EnqueueResult:
    enqueued: int = 0
    skipped: int = 0


@dataclass(frozen=True)
class Prepared:
    """A job ready for the wire: its platform messages and the digest entries to remember once
    they are all delivered; or `unwanted` (the chat no longer wants it); or what went wrong.
    A correction's job holds the one message that replaces the message `edit`."""

    messages: tuple[object, ...] = ()
    entries: tuple[str, ...] = ()
    unwanted: bool = False
    error: Exception | None = None
    composition: Composition = Composition()
    edit: str = ""  # a correction: the platform id of the message it edits
    remove: bool = False  # a withdrawal that deletes the message instead
    corrected: Corrected | None = None  # a correction: what to record once it is applied
    unchanged: bool = False  # a correction with nothing to change in this message
