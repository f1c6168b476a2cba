"""Readiness: each reason the bot is not ready is named, and all of them at once."""

from __future__ import annotations

import time

from bot.monitoring.readiness import TICK_MAX_AGE, Readiness


class Store:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    async def ping(self) -> None:
        if self.error is not None:
            raise self.error


async def test_ready_when_everything_answers() -> None:
    readiness = Readiness(Store(), {"telegram": lambda: True}, time.monotonic, 60)
    assert (await readiness.ready()).ok
    assert (await readiness.health()).text() == "ok\n"


async def test_every_reason_is_named() -> None:
    stale = time.monotonic() - TICK_MAX_AGE - 5
    readiness = Readiness(
        Store(OSError("no such file")),
        {"telegram": lambda: True, "discord": lambda: False},
        lambda: stale,
        60,
    )
    verdict = await readiness.ready()
    assert not verdict.ok
    assert verdict.reasons[0] == "database unreachable: no such file"
    assert verdict.reasons[1] == "discord is not connected"
    assert verdict.reasons[2].startswith("the last tick finished 12")
    assert not (await readiness.health()).ok  # the database is health; the rest is not


async def test_a_platform_down_is_not_ill_health() -> None:
    readiness = Readiness(Store(), {"discord": lambda: False}, lambda: None, 60)
    assert (await readiness.health()).ok
    assert (await readiness.ready()).reasons == ("discord is not connected", "no tick has run yet")


async def test_a_long_tick_interval_moves_the_age_limit() -> None:
    an_hour_ago = time.monotonic() - 3000
    readiness = Readiness(Store(), {}, lambda: an_hour_ago, 3600)
    assert (await readiness.ready()).ok


async def test_a_standby_answering_on_a_webhook_is_ready_while_it_listens() -> None:
    """It runs no tick (the sender does), so only its platforms and the database count."""
    listening = [True]
    readiness = Readiness(
        Store(), {"telegram": lambda: listening[0]}, lambda: None, 60, standing_by=True
    )
    assert (await readiness.ready()).ok
    listening[0] = False
    assert (await readiness.ready()).text() == "telegram is not connected\n"


async def test_a_process_standing_by_answering_nothing_is_healthy_but_never_ready() -> None:
    readiness = Readiness(Store(), {}, time.monotonic, 60, standing_by=True)
    assert (await readiness.health()).ok
    verdict = await readiness.ready()
    assert not verdict.ok
    assert verdict.text() == "standing by: another process delivers from this database\n"
