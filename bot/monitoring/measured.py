"""Counting what delivery does by wrapping what it is given, so the engine stays unaware.

`MeasuredSender` stands in for a platform's sender: it times each send and counts its outcome
by type (a bounded set of labels; a platform's own error text never becomes a label).
`measured_tick` times the scheduler's tick and notes when one last succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from bot.core.reply import Reply
from bot.delivery.outcomes import (
    Delivered,
    Failed,
    Gone,
    Moved,
    Outcome,
    Retry,
    RetryAfter,
    Unauthorized,
    Unreachable,
)
from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits, PlatformSender
from bot.domain.queue import EnqueueResult
from bot.monitoring.metrics import Metrics

OUTCOME_LABELS: dict[type, str] = {
    Delivered: "delivered",
    RetryAfter: "rate_limited",
    Retry: "retry",
    Gone: "chat_gone",
    Moved: "chat_moved",
    Failed: "rejected",
    Unauthorized: "token_refused",
    Unreachable: "message_gone",
}


class MeasuredSender:
    """A `PlatformSender` that reports every send to `metrics`, then answers as `inner`."""

    def __init__(self, inner: PlatformSender, metrics: Metrics) -> None:
        self.inner = inner
        self.platform = inner.platform
        self.limits: Limits = inner.limits
        self.pacer: Pacer = inner.pacer
        self._metrics = metrics

    def render(self, reply: Reply) -> Sequence[object]:
        return self.inner.render(reply)

    async def send(self, chat_id: str, message: object) -> Outcome:
        return await self._measured(self.inner.send(chat_id, message))

    async def edit(self, chat_id: str, message_id: str, message: object) -> Outcome:
        return await self._measured(self.inner.edit(chat_id, message_id, message))

    async def delete(self, chat_id: str, message_id: str) -> Outcome:
        return await self._measured(self.inner.delete(chat_id, message_id))

    async def _measured(self, request: Awaitable[Outcome]) -> Outcome:
        started = time.perf_counter()
        outcome = await request
        self._metrics.sent(
            self.platform, OUTCOME_LABELS[type(outcome)], time.perf_counter() - started
        )
        if isinstance(outcome, RetryAfter):
            self._metrics.flood_wait(self.platform, outcome.seconds)
        return outcome


def measured_tick(
    tick: Callable[[], Awaitable[EnqueueResult]], metrics: Metrics
) -> Callable[[], Awaitable[EnqueueResult]]:
    """`tick`, timed; a tick that raises is timed too but not counted as the last good one."""

    async def timed() -> EnqueueResult:
        started = time.perf_counter()
        try:
            result = await tick()
        finally:
            metrics.tick_seconds.observe(time.perf_counter() - started)
        metrics.ticked(result)
        return result

    return timed
