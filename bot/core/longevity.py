"""How long the library lasts, measured by running the real rotation day after day.

Editors cannot see from the files when a faithful reader starts meeting repeats, or how soon a
reader who follows one topic runs out of briefs on it; `check` answers both by composing the
digests a subscriber would receive, so the figure follows whatever the rotation does.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from bot.catalog.model import Library
from bot.core.digest import Digest, compose

HORIZON_DAYS = 366


class DigestRule(Protocol):
    def __call__(
        self,
        library: Library,
        day: date,
        *,
        received: Mapping[str, date] | None = None,
        follows: Iterable[str] = (),
        max_briefs: int = 2,
    ) -> Digest: ...


WARN_UNDER_DAYS = 30


@dataclass(frozen=True)
class Longevity:
    until_repeat: int  # days a continuing subscriber reads before the first repeated brief
    per_topic: dict[str, int]  # days a reader following only that topic gets new briefs on it


def reader_days(
    library: Library,
    start: date,
    days: int,
    follows: tuple[str, ...] = (),
    max_briefs: int = 2,
    rule: DigestRule = compose,
) -> Iterator[tuple[Digest, Mapping[str, date]]]:
    """The digests one subscriber who joins on `start` receives, day by day, each with what
    the reader had received before it (id -> last day): the real rotation, run forward (or
    another `rule`, which a benchmark compares it with)."""
    received: dict[str, date] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        digest = rule(library, day, received=received, follows=follows, max_briefs=max_briefs)
        yield digest, received
        received = {**received, **dict.fromkeys(digest.entry_ids, day)}


def days_until_repeat(
    library: Library, start: date, follows: tuple[str, ...] = (), max_briefs: int = 2
) -> int:
    """Days of digests (from `start`) before one brings a brief the reader already had; for a
    follower, days before a digest brings no new brief on the followed topics."""
    days = reader_days(library, start, HORIZON_DAYS, follows, max_briefs)
    for offset, (digest, received) in enumerate(days):
        briefs = digest.briefs
        if follows:
            briefs = tuple(b for b in briefs if set(b.topics) & set(follows))
            if not briefs:
                return offset
        if any(b.id in received for b in briefs):
            return offset
    return HORIZON_DAYS


def longevity(library: Library, start: date, max_briefs: int = 2) -> Longevity:
    """The two figures `check` prints, for a subscriber who joins on `start`."""
    return Longevity(
        until_repeat=days_until_repeat(library, start, max_briefs=max_briefs),
        per_topic={
            t.slug: days_until_repeat(library, start, (t.slug,), max_briefs)
            for t in library.topics
        },
    )
