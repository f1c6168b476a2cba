"""The send budget that processes sending on one token share (`bot.store.send_budget`), on a
real database: two stores opened on it stand for two processes, each with its own pacer.

The pacers run on the real clock (the budget's times are wall-clock seconds, which a virtual
loop clock cannot share), a few seconds per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.delivery.pacer import Pacer
from bot.delivery.ports import Limits
from bot.domain.clock import FakeClock
from bot.store import Store
from bot.store.send_budget import SharedSendBudget
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


async def test_budgets_of_two_platforms_are_apart(store: Store) -> None:
    telegram = SharedSendBudget(store.db, "telegram", 2.0)
    discord = SharedSendBudget(store.db, "discord", 2.0)
    first = await telegram.reserve(2)
    other = await discord.reserve(2)
    assert other[0] - first[0] < 0.1  # not behind telegram's turns
    [third] = await telegram.reserve(1)
    assert third >= first[0] + 1.0  # telegram's own second is full
