"""The shared rotation: which briefs each day features, and how a chat fills its digest.

The promise: on any day, readers who have not read the day's briefs yet read the same ones,
whatever day they joined, so a church group can talk about them; nobody meets a repeat before
the library (or the topics they follow) is used up; neighbouring days differ in topic and
source; within each pass through the library the most recent briefs come first.

How it keeps it. The library is laid out once as a running order (`running_order`: newest
first, neighbours differing in topic and source) and cut into days of `per_day` briefs; day
`d` of the calendar features slice `d mod days` (`Schedule.featured`). A reader who joined on
any day has read exactly the slices from their join day up to yesterday, so today's slice is
unread for everyone until they have been through the whole library: everyone reads it. A pass
whose last day has fewer briefs than `per_day` sends fewer that day rather than borrow from
the next pass, which would shift every later day by one for those who borrowed.

When today's slice was partly read (the library changed, or a themed day sent other briefs),
the digest is filled from the slices *before* today, most recent first (`Schedule.fill`): the
briefs readers who joined later will meet stay where the rotation puts them, so sharing
resumes the next day instead of drifting. Only a reader with nothing unread gets repeats, the
least recently read first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.catalog.model import Brief, PartialDate

LOOKAHEAD = 8  # how far down the recency list `running_order` looks for a varied neighbour
UNDATED = PartialDate(0)  # sorts after every real date: undated briefs close each pass


def running_order(briefs: Sequence[Brief], per_day: int) -> tuple[Brief, ...]:
    """Newest first, reordered so that each brief shares no topic and no source with the
    `2 * per_day - 1` before it (the same day's and the previous day's) where the library
    allows; failing that no source, then no topic; else simply the next newest."""
    pending = sorted(briefs, key=lambda b: b.date or UNDATED, reverse=True)  # stable: ties
    window = max(1, 2 * per_day - 1)  # keep the editors' order
    order: list[Brief] = []
    while pending:
        recent = order[-window:]
        topics = {t for b in recent for t in b.topics}
        sources = {s for b in recent for s in b.sources}
        pick, best = 0, 3  # rank 0: shares neither, 1: no source, 2: no topic, 3: both
        for index, brief in enumerate(pending[:LOOKAHEAD]):
            new_topic = not topics.intersection(brief.topics)
            new_source = not sources.intersection(brief.sources)
            rank = 0 if new_topic and new_source else 1 if new_source else 2 if new_topic else 3
            if rank < best:
                pick, best = index, rank
                if rank == 0:
                    break
        order.append(pending.pop(pick))
    return tuple(order)


@dataclass(frozen=True)
class Schedule:
    """One running order cut into days of `per_day` briefs."""

    order: tuple[Brief, ...]
    per_day: int

    @property
    def days(self) -> int:
        """Days in one pass through the order."""
        return -(-len(self.order) // self.per_day) if self.order else 0

    def span(self, day: date) -> tuple[int, int]:
        """Where `day`'s slice starts and ends in the order."""
        if not self.order:
            return 0, 0
        start = day.toordinal() % self.days * self.per_day
        return start, min(start + self.per_day, len(self.order))

    def featured(self, day: date) -> tuple[Brief, ...]:
        start, end = self.span(day)
        return self.order[start:end]

    def fill(self, day: date, unread: Callable[[Brief], bool], count: int) -> list[Brief]:
        """Up to `count` unread briefs: `day`'s slice, then the slices before it, most recent
        first (wrapping round to the end of the pass last)."""
        start, end = self.span(day)
        size = len(self.order)
        taken = [b for b in self.order[start:end] if unread(b)][:count]
        for offset in range(1, size - (end - start) + 1):
            if len(taken) >= count:
                break
            brief = self.order[(start - offset) % size]
            if unread(brief):
                taken.append(brief)
        return taken


class Rotation:
    """The schedules of one library: the shared one and one per set of followed topics."""

    def __init__(self, briefs: Iterable[Brief], per_day: int) -> None:
        self.briefs = tuple(b for b in briefs if b.send_on is None)  # dated ones go on their day
        self.per_day = max(1, per_day)
        self.shared = Schedule(running_order(self.briefs, self.per_day), self.per_day)
        self._followed: dict[frozenset[str], Schedule] = {}

    def following(self, topics: frozenset[str]) -> Schedule:
        """The schedule of the briefs on any of `topics`: followers of the same topics share
        it, as everyone shares the whole library's."""
        schedule = self._followed.get(topics)
        if schedule is None:
            on_topic = [b for b in self.shared.order if topics.intersection(b.topics)]
            schedule = self._followed[topics] = Schedule(tuple(on_topic), self.per_day)
        return schedule

    def choose(
        self,
        day: date,
        seen: Mapping[str, date],
        follows: frozenset[str],
        first: Sequence[Brief] = (),
        theme: frozenset[str] = frozenset(),
    ) -> list[Brief]:
        """The day's briefs for a chat that read `seen` (id -> last day), after `first` (the
        briefs dated for the day). A themed day takes unread briefs on its `theme` next; then
        a follower's own schedule; then the shared one; repeats only when nothing is unread."""
        lead = self.following(follows) if follows else self.shared
        if not lead.order:
            lead = self.shared
        wanted = max(len(first), len(lead.featured(day)))
        chosen = list(first[:wanted])
        taken = {b.id for b in chosen}

        def unread(brief: Brief) -> bool:
            return brief.id not in seen and brief.id not in taken

        def add(briefs: Iterable[Brief]) -> None:
            for brief in briefs:
                if len(chosen) < wanted and brief.id not in taken:
                    chosen.append(brief)
                    taken.add(brief.id)

        if theme:
            add(self.following(theme).fill(day, unread, wanted - len(chosen)))
        if follows:
            add(self.following(follows).fill(day, unread, wanted - len(chosen)))
        add(self.shared.fill(day, unread, wanted - len(chosen)))
        if len(chosen) < wanted:  # everything read: the least recently read come back first
            position = {b.id: i for i, b in enumerate(self.shared.order)}
            start, _ = self.shared.span(day)
            size = len(self.shared.order)
            add(
                sorted(
                    self.shared.order,
                    key=lambda b: (seen.get(b.id, date.min), (position[b.id] - start) % size),
                )
            )
        return chosen
