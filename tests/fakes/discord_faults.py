"""Fault injection for the fake Discord server: make one channel fail, rate-limit or lag.

Delivery code must map each Discord failure to an outcome (gone, retry after N s, back off), so
tests make a channel answer exactly what Discord answers in those cases — e.g. 403 50001
"Missing Access" (bot removed), 403 50007 "Cannot send messages to this user" (DMs closed),
404 10003 "Unknown Channel" (deleted), 500/502, or a 429 with `retry_after` — for every
request whose path names the channel, a given number of times or until healed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    """An injected error answer; `retry_after` only matters for status 429."""

    status: int
    code: int
    message: str
    retry_after: float


class ChannelFaultsMixin:
    """The `fail_channel`/`delay_channel`/`heal_channel` helpers of `FakeDiscord`."""

    _faults: dict[int, tuple[Fault, int | None]]
    delays: dict[int, float]

    def fail_channel(
        self,
        channel_id: int,
        status: int = 403,
        code: int = 50001,
        message: str = "Missing Access",
        times: int | None = None,
        retry_after: float = 1.0,
    ) -> None:
        """Answer requests naming `channel_id` with this error `times` times (None: until
        `heal_channel`). Status 429 answers a shared-scope rate limit of `retry_after` s."""
        self._faults[channel_id] = (Fault(status, code, message, retry_after), times)

    def delay_channel(self, channel_id: int, seconds: float) -> None:
        """Hold requests naming `channel_id` for `seconds` before answering them."""
        self.delays[channel_id] = seconds

    def heal_channel(self, channel_id: int) -> None:
        self._faults.pop(channel_id, None)
        self.delays.pop(channel_id, None)

    def take_fault(self, channel_id: int) -> Fault | None:
        """The fault to answer this request with, counting it down."""
        entry = self._faults.get(channel_id)
        if entry is None:
            return None
        fault, times = entry
        if times is None:
            return fault
        if times <= 1:
            del self._faults[channel_id]
        else:
            self._faults[channel_id] = (fault, times - 1)
        return fault
