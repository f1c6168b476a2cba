"""The delivery engine's protocols: what a platform's sender and the job composer provide.

Adapters implement `PlatformSender` (and describe their platform with `Limits`), the core
implements `JobComposer`; the engine knows them only by these, and each side imports this
module (and `bot.delivery.outcomes`), never the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.core.reply import Reply
from bot.delivery.outcomes import Outcome
from bot.domain.queue import Inputs, Job, Prepared

if TYPE_CHECKING:
    from bot.delivery.pacer import Pacer


@dataclass(frozen=True)
class Limits:
    """A platform's sending limits, which the engine's pacer keeps below."""

    per_second: float = 30.0  # all chats together
    chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20  # messages to one group chat in any 60 seconds


class PlatformSender(Protocol):
    """What an adapter provides so the engine can deliver on its platform."""

    platform: str
    limits: Limits
    pacer: Pacer  # the platform's whole budget, shared with the adapter's answers to readers

    def render(self, reply: Reply) -> Sequence[object]:
        """The platform messages for a reply, in order (buttons on the last)."""
        ...

    async def send(self, chat_id: str, message: object) -> Outcome:
        """Send one message and say what happened; never raises for platform errors."""
        ...

    async def edit(self, chat_id: str, message_id: str, message: object) -> Outcome:
        """Replace a message sent before with `message` (a correction), its buttons too.
        An edit that changes nothing is `Delivered`; a message that is gone, `Unreachable`."""
        ...

    async def delete(self, chat_id: str, message_id: str) -> Outcome:
        """Delete a message sent before (a withdrawal); `Failed` when the platform does not
        allow it any more, so the caller can edit it instead."""
        ...


class JobComposer(Protocol):
    """Turns a claimed job into its platform messages (the core's `Composer`)."""

    def prepare(
        self, job: Job, inputs: Inputs | None, render: Callable[[Reply], Sequence[object]]
    ) -> Prepared:
        """Compose `job` and render it with the platform's `render`; never raises."""
        ...
