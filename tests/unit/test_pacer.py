"""The pacer's gates measured on a virtual clock, so a minute's budget takes no real minute.

The loop below jumps its clock to the next timer instead of sleeping: `asyncio.sleep(60)`
returns at once with `loop.time()` 60 s later, and the pacer (which reads only the loop's
clock) cannot tell the difference.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Awaitable, Callable
from typing import Any

from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits


class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self, clock: list[float]) -> None:
        super().__init__()
        self._clock = clock

    def select(self, timeout: float | None = None) -> list[Any]:
        if timeout:
            self._clock[0] += timeout
        return super().select(0)


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._clock = [1000.0]
        super().__init__(_JumpingSelector(self._clock))

    def time(self) -> float:
        return self._clock[0]


def run_virtual(main: Callable[[], Awaitable[list[float]]]) -> list[float]:
    loop = VirtualTimeLoop()
    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def send_times(pacer: Pacer, chats: list[str], *, is_group: bool) -> list[float]:
    """When each send to `chats` (in order) is let through, from the first one's moment."""

    async def main() -> list[float]:
        times = []
        for chat in chats:
            await pacer.wait_chat(chat, is_group)
            await pacer.take_turn(chat, is_group)
            times.append(asyncio.get_running_loop().time())
        return [t - times[0] for t in times]

    return run_virtual(main)


def test_a_group_gets_its_minute_budget_then_waits_for_the_oldest_send_to_age() -> None:
    pacer = Pacer(Limits(per_second=30.0, chat_interval=1.0, group_per_minute=20))
    times = send_times(pacer, ["group"] * 25, is_group=True)
    # 20 sends a second apart (the per-chat gap); the 21st waits until the first is 60 s old.
    assert times[19] == 19.0
    assert times[20] == 60.0
    assert times[24] == 64.0
    for start in range(len(times)):
        in_a_minute = [t for t in times[start:] if t < times[start] + 60.0]
        assert len(in_a_minute) <= 20


def test_a_private_chat_has_no_minute_budget() -> None:
    pacer = Pacer(Limits(per_second=30.0, chat_interval=1.0, group_per_minute=20))
    times = send_times(pacer, ["person"] * 25, is_group=False)
    assert times[24] == 24.0


def test_one_groups_budget_does_not_hold_back_another_group() -> None:
    pacer = Pacer(Limits(per_second=30.0, chat_interval=1.0, group_per_minute=2))
    # "full" spends its two sends of the minute; "other" then goes at the next global slot.
    times = send_times(pacer, ["full", "full", "other", "full"], is_group=True)
    assert times[2] - times[1] < 0.05
    assert times[3] == 60.0
