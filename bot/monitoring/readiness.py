"""What "ready" means for a running bot, checked on demand, each check with its reason.

Ready is: the database answers (a fresh read of the file, not the connection held open, so a
file moved, unmounted or made unreadable is noticed), every platform is connected, and the
scheduler's tick has succeeded recently. `/healthz` asks only that the event loop answers and
the database can be read: without its database the bot can do nothing, and a restart is what
a supervisor should try. The platforms and the tick can be down for reasons a restart does
not fix (the network, Telegram itself), which is what makes them readiness, not health.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.domain.ports import ChatStore

TICK_MAX_AGE = 120.0  # seconds: a tick older than this means the scheduler is stuck


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...]  # what is wrong, one phrase each; empty when ok

    def text(self) -> str:
        return "ok\n" if self.ok else "".join(f"{reason}\n" for reason in self.reasons)


class Readiness:
    def __init__(
        self,
        store: ChatStore,
        connected: Mapping[str, Callable[[], bool]],
        last_tick: Callable[[], float | None],
        tick_seconds: float,
        standing_by: bool = False,
    ) -> None:
        """`connected` maps each platform to whether it is connected now; `last_tick` gives
        the monotonic time of the last good tick. A tick interval longer than a minute (a
        setting) moves the age limit with it. A process `standing_by` for the one that
        delivers runs no tick: it is ready when the platforms it answers readers on are
        connected (Telegram's webhook, behind a load balancer), and never when it answers on
        none, since a load balancer must not send it traffic."""
        self._standing_by = standing_by
        self._store = store
        self._connected = connected
        self._last_tick = last_tick
        self._tick_max_age = max(TICK_MAX_AGE, 2 * tick_seconds)

    async def health(self) -> Verdict:
        problem = await self._database()
        return Verdict(problem is None, (problem,) if problem else ())

    async def ready(self) -> Verdict:
        reasons = [problem] if (problem := await self._database()) else []
        if self._standing_by and not self._connected:
            reasons.append("standing by: another process delivers from this database")
            return Verdict(False, tuple(reasons))
        reasons += [f"{name} is not connected" for name, up in self._connected.items() if not up()]
        if self._standing_by:
            return Verdict(not reasons, tuple(reasons))
        last = self._last_tick()
        if last is None:
            reasons.append("no tick has run yet")
        elif (age := time.monotonic() - last) > self._tick_max_age:
            reasons.append(f"the last tick finished {age:.0f} s ago")
        return Verdict(not reasons, tuple(reasons))

    async def _database(self) -> str | None:
        try:
            await self._store.ping()
        except Exception as error:  # any failure to read is "unreachable", said plainly
            return f"database unreachable: {error}"
        return None
