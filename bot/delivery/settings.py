"""The delivery engine's settings, as `bootstrap` reads them from the config's `delivery:`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class EngineSettings:
    catch_up: timedelta = timedelta(hours=6)
    max_attempts: int = 6
    backoff_seconds: float = 2.0
    concurrency: int = 8
    batch: int = 200
    claim_timeout: timedelta = timedelta(seconds=120)
    poll_seconds: float = 1.0
    # A step that keeps failing this long makes the bot unhealthy (`Health`).
    unhealthy_after: timedelta = timedelta(minutes=5)

    def backoff(self, attempts: int) -> float:
        """Seconds before the next try of a job that failed `attempts` times: exponential,
        with full jitter, so failed chats do not retry in lockstep."""
        ceiling = self.backoff_seconds * (2**attempts)
        return ceiling / 2 + random.uniform(0, ceiling / 2)
