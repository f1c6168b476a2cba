"""Discord-style rate limiting for the fake Discord server.

Discord tells clients their limits in every response (`X-RateLimit-*` headers per bucket) and
answers 429 with a JSON `retry_after` when a bucket or the global per-bot budget is exceeded.
discord.py reads those headers to pace itself pre-emptively, so the fake must advertise them
exactly; and it must answer 429s in the exact shape (including the `Via` header discord.py uses
to tell Discord's 429s from a Cloudflare ban) for discord.py to retry instead of raising.
Windows are fixed, starting at the first request, as Discord's are.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

RATE_LIMITED_MESSAGE = "You are being rate limited."


@dataclass
class Bucket:
    """`limit` requests per `per` seconds, in a window that opens at its first request."""

    limit: int
    per: float
    remaining: int = 0
    resets_at: float = 0.0

    def take(self, now: float) -> float | None:
        """Spend one request; the seconds to wait instead when the window is used up."""
        if now >= self.resets_at:
            self.remaining, self.resets_at = self.limit, now + self.per
        if self.remaining == 0:
            return max(round(self.resets_at - now, 3), 0.001)
        self.remaining -= 1
        return None

    def headers(self, now: float, bucket_hash: str) -> dict[str, str]:
        reset_after = max(self.resets_at - now, 0.0)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket_hash,
        }


def limited_body(retry_after: float, *, is_global: bool) -> dict[str, Any]:
    return {"message": RATE_LIMITED_MESSAGE, "retry_after": retry_after, "global": is_global}


def limited_headers(retry_after: float, scope: str) -> dict[str, str]:
    headers = {"Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": scope}
    if scope == "global":
        headers["X-RateLimit-Global"] = "true"
    return headers


MESSAGES_ROUTE = "POST /channels/{channel_id}/messages"
# Routes whose requests spend from another route's bucket (one `X-RateLimit-Bucket` for all):
# the bot's edits and deletions of a channel's messages count with its sends there, so a
# correction's edits are held to the channel's 5 per 5 s as the day's digests are.
SHARED_BUCKETS = {
    "PATCH /channels/{channel_id}/messages/{message_id}": MESSAGES_ROUTE,
    "DELETE /channels/{channel_id}/messages/{message_id}": MESSAGES_ROUTE,
}


def bucket_hash(route: str) -> str:
    """An opaque, stable bucket id per route template, like Discord's."""
    return hashlib.sha1(route.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Verdict:
    """What the limiter decided: headers to send and, when limited, the 429 to send instead."""

    headers: dict[str, str]
    retry_after: float | None = None


class RateLimits:
    """Per-route buckets keyed by major parameter, plus the global per-bot budget."""

    def __init__(
        self,
        *,
        channel_rate: tuple[int, float],
        route_rate: tuple[int, float],
        global_rate: int | None,
    ) -> None:
        self.channel_rate = channel_rate
        self.route_rate = route_rate
        self.global_rate = global_rate
        self._global = Bucket(global_rate or 1, 1.0)
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def set_global_rate(self, per_second: int | None) -> None:
        self.global_rate = per_second
        self._global = Bucket(per_second or 1, 1.0)

    def check_global(self, now: float) -> float | None:
        """Seconds to wait when the bot used up its global per-second budget, else None."""
        return None if self.global_rate is None else self._global.take(now)

    def check_route(self, route: str, major: str, now: float) -> Verdict:
        route = SHARED_BUCKETS.get(route, route)
        key = (route, major)
        bucket = self._buckets.get(key)
        if bucket is None:
            rate = self.channel_rate if route == MESSAGES_ROUTE else self.route_rate
            bucket = self._buckets[key] = Bucket(*rate)
        retry_after = bucket.take(now)
        return Verdict(bucket.headers(now, bucket_hash(route)), retry_after)
