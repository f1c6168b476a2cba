"""What can happen to one message, in words every platform's errors map onto.

Each adapter's sender turns its library's exceptions into one of these; the engine decides
what to do with them without knowing which platform answered.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Delivered:
    """The platform accepted the message; `message_id` is its id there ("" if it has none:
    the console), which corrections edit later."""

    message_id: str = ""


@dataclass(frozen=True)
class RetryAfter:
    """Flood control: the platform asks the whole sender to wait `seconds` (Telegram 429)."""

    seconds: float


@dataclass(frozen=True)
class Retry:
    """A passing fault (network, timeout, 5xx): try again later with backoff."""

    reason: str


@dataclass(frozen=True)
class Gone:
    """The chat cannot receive messages any more (blocked, kicked, deleted): deactivate it."""

    reason: str


@dataclass(frozen=True)
class Moved:
    """The chat has a new id (a group became a supergroup): follow it and send there."""

    new_chat_id: str


@dataclass(frozen=True)
class Failed:
    """This message can never be delivered as it is (e.g. rejected as malformed)."""

    reason: str


@dataclass(frozen=True)
class Unauthorized:
    """The platform refused the bot's token (Telegram 401): no message is at fault. Delivery
    on that platform pauses without spending attempts, and tries again now and then."""

    reason: str


@dataclass(frozen=True)
class Unreachable:
    """A correction's message cannot be edited or deleted any more (the reader deleted it,
    or the platform no longer allows it): nothing to do there, and that is recorded."""

    reason: str


Outcome = Delivered | RetryAfter | Retry | Gone | Moved | Failed | Unauthorized | Unreachable


def delivered(answer: object, id_field: str) -> Delivered:
    """The platform's answer to a send, as Delivered with the new message's id (found under
    `id_field` of the answer's JSON; "" if the answer has none)."""
    found = answer.get(id_field) if isinstance(answer, dict) else None
    return Delivered("" if found is None else str(found))
