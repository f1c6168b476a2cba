"""The send budget that processes sending on one token share (`bot.store.send_budget`), on a
real database: two stores opened on it stand for two processes, each with its own pacer.

The pacers run on the real clock (the budget's times are wall-clock seconds, which a virtual
loop clock cannot share), a few seconds per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.domain.clock import FakeClock
from bot.store import Store
from bot.store.send_budget import SHARED_MARGIN, SharedSendBudget
from tests.unit.test_send_slots import most_in_one_second

pytestmark = pytest.mark.timing

LIMITS = Limits(per_second=30.0)


def target_of(store: Store) -> Path | str:
    """What `store` was opened on, to open it again as another process would."""
    return getattr(store.db, "url", None) or store.db.path


async def turns(pacer: Pacer, count: int, *, urgent: bool, prefix: str) -> list[float]:
    """Take `count` turns, each for a chat of its own; the wall-clock time of each."""

    async def one(index: int) -> float:
        chat = f"{prefix}{index}"
        await pacer.wait_chat(chat, False)
        await pacer.take_turn(chat, False, urgent=urgent)
        return time.time()

    return list(await asyncio.gather(*(one(i) for i in range(count))))


@contextlib.asynccontextmanager
async def two_processes(store: Store, clock: FakeClock) -> AsyncIterator[tuple[Pacer, Pacer]]:
    """Two pacers on Telegram's shared budget, each through a store of its own on the
    database, as two processes would have."""
    async with await Store.open(target_of(store), clock) as other:
        yield (
            Pacer(LIMITS, SharedSendBudget(store.db, "telegram", LIMITS.per_second)),
            Pacer(LIMITS, SharedSendBudget(other.db, "telegram", LIMITS.per_second)),
        )


async def test_two_processes_sharing_the_budget_keep_one_limit(
    store: Store, clock: FakeClock
) -> None:
    async with two_processes(store, clock) as (sender, answering):
        deliveries, answers = await asyncio.gather(
            turns(sender, 60, urgent=False, prefix="d"),
            turns(answering, 30, urgent=True, prefix="a"),
        )
    assert most_in_one_second(deliveries + answers) <= 30
    every = sorted(deliveries + answers)
    assert 90 / (every[-1] - every[0]) > 26  # and the budget is used, not wasted


async def test_pacers_without_the_shared_budget_break_the_limit(store: Store) -> None:
    """The check above can fail: two pacers planning alone send at twice the rate."""
    deliveries, answers = await asyncio.gather(
        turns(Pacer(LIMITS), 30, urgent=False, prefix="d"),
        turns(Pacer(LIMITS), 30, urgent=True, prefix="a"),
    )
    assert most_in_one_second(deliveries + answers) > 30


async def test_a_flood_wait_one_process_was_told_holds_the_other(
    store: Store, clock: FakeClock
) -> None:
    async with two_processes(store, clock) as (told, unaware):
        started = time.time()
        told.pause(1.5)
        await asyncio.sleep(0.2)  # the pause reaches the database
        [answered] = await turns(unaware, 1, urgent=True, prefix="a")
    assert answered - started >= 1.4


async def test_a_chat_gets_one_message_a_second_whichever_process_sends_it(
    store: Store, clock: FakeClock
) -> None:
    """A reader's answers from one process and their digest from the other keep the gap."""
    async with two_processes(store, clock) as (sender, answering):
        times = sorted(
            await asyncio.gather(
                *(turns(sender, 1, urgent=False, prefix="same") for _ in range(2)),
                *(turns(answering, 1, urgent=True, prefix="same") for _ in range(2)),
            )
        )
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.98  # the chat's one message a second, across both


async def test_budgets_of_two_platforms_are_apart(store: Store) -> None:
    telegram = SharedSendBudget(store.db, "telegram", 2.0)
    discord = SharedSendBudget(store.db, "discord", 2.0)
    first = await telegram.reserve("a", 1.0)
    other = await discord.reserve("a", 1.0)
    assert first.granted and other.granted
    assert abs(other.at - first.at) < 0.1  # not behind telegram's turn
    again = await telegram.reserve("a", 1.0)
    assert not again.granted  # the chat had its message just now: no slot is taken
    assert again.at == pytest.approx(first.at + 1.0 + SHARED_MARGIN)
    second, third = await telegram.reserve("b", 1.0), await telegram.reserve("c", 1.0)
    assert second.at == pytest.approx(first.at + 0.5)  # 2 a second, evenly spaced
    assert third.at >= first.at + 1.0  # telegram's own second is full
