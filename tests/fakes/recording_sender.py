"""An in-memory platform sender: records what it sends and answers with scripted outcomes.

Used by the delivery engine's unit tests, where the subject is the engine's bookkeeping; the
end-to-end tests use python-telegram-bot against the fake Bot API instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.core.reply import Reply
from bot.delivery.outcomes import Delivered, Outcome
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.render.telegram_html import render

FAST = Limits(per_second=10_000.0, chat_interval=0.0, group_per_minute=1_000_000)


@dataclass
class RecordingSender:
    platform: str = "telegram"
    limits: Limits = FAST
    sent: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    script: dict[str, list[Outcome]] = field(default_factory=dict)
    pacer: Pacer = field(init=False)

    def __post_init__(self) -> None:
        self.pacer = Pacer(self.limits)

    def render(self, reply: Reply) -> list[str]:
        return render(reply)

    def answer(self, chat_id: str, *outcomes: Outcome) -> None:
        """Make the next sends to `chat_id` end with these outcomes, then succeed."""
        self.script.setdefault(chat_id, []).extend(outcomes)

    async def send(self, chat_id: str, message: object) -> Outcome:
        self.attempts[chat_id] += 1
        queued = self.script.get(chat_id)
        outcome = queued.pop(0) if queued else Delivered()
        if isinstance(outcome, Delivered):
            self.sent[chat_id].append(str(message))
        return outcome

    def digests(self, chat_id: str) -> list[str]:
        return [m for m in self.sent[chat_id] if "Daily brief" in m]
