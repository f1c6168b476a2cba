"""How long the library lasts, measured by running the real rotation day after day.

Editors cannot see from the files when a faithful reader starts meeting repeats, or how soon a
reader who follows one topic runs out of briefs on it; `check` answers both by composing the
digests a subscriber would receive, so the figure follows whatever the rotation does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.catalog.model import Library
from bot.core.digest import compose

HORIZON_DAYS = 366
WARN_UNDER_DAYS = 30


@dataclass(frozen=True)
class Longevity:
    until_repeat: int  # days a continuing subscriber reads before the first repeated brief
    per_topic: dict[str, int]  # days a reader following only that topic gets new briefs on it


def days_until_repeat(
    library: Library, start: date, follows: tuple[str, ...] = (), max_briefs: int = 2
) -> int:
    """Days of digests (from `start`) before one brings a brief the reader already had; for a
    follower, days before a digest brings no new brief on the followed topics."""
    received: dict[str, date] = {}
    for offset in range(HORIZON_DAYS):
        day = start + timedelta(days=offset)
        digest = compose(library, day, received=received, follows=follows, max_briefs=max_briefs)
        briefs = digest.briefs
        if follows:
            briefs = tuple(b for b in briefs if set(b.topics) & set(follows))
            if not briefs or any(b.id in received for b in briefs):
                return offset
        elif any(b.id in received for b in briefs):
            return offset
        for entry_id in digest.entry_ids:
            received[entry_id] = day
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
