"""Choosing what goes into one chat's digest for one local date.

Composition is a pure function of (library, date, what the chat already received before that
date, the topics it follows), so the digest a subscriber gets at 07:00 is the one `/today`
showed at 06:00, and a resend after a crash is the same digest, not a new one.

Briefs come from the shared rotation (`bot.core.rotation`, which states its promise); the
prayer point is the day's dated one if there is one, else the next in a rotation of their own
that prefers the topics of the day's briefs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.catalog.model import Brief, Library, Prayer
from bot.core.rotation import Rotation

_rotations: dict[tuple[int, int], tuple[object, Rotation]] = {}
ROTATIONS_KEPT = 8


@dataclass(frozen=True)
class Digest:
    day: date
    briefs: tuple[Brief, ...]
    prayer: Prayer | None

    @property
    def entries(self) -> tuple[Brief | Prayer, ...]:
        return (*self.briefs, *((self.prayer,) if self.prayer is not None else ()))

    @property
    def entry_ids(self) -> tuple[str, ...]:
        return tuple(entry.id for entry in self.entries)


def compose(
    library: Library,
    day: date,
    *,
    received: Mapping[str, date] | None = None,
    follows: Iterable[str] = (),
    max_briefs: int = 2,
) -> Digest:
    """Pick up to `max_briefs` briefs and one prayer point for `day`.

    `received` maps entry ids to the last day the chat got them, and must only hold days
    before `day` (the store's `received_before`), which is what keeps this deterministic.
    """
    seen = dict(received or {})
    followed = frozenset(follows)
    dated = [b for b in library.briefs if b.send_on is not None and b.send_on.matches(day)]
    theme = frozenset(
        t
        for p in library.prayers
        if p.send_on is not None and p.send_on.matches(day)
        for t in p.topics
    )
    briefs = (
        rotation_of(library, max_briefs).choose(
            day, seen, followed, first=dated[:max_briefs], theme=theme
        )
        if max_briefs > 0
        else []
    )
    wanted = [t for b in briefs for t in b.topics]
    prayers = _pick(
        library.prayers, day, seen, frozenset(wanted) or followed, 1, prefer_order=wanted
    )
    return Digest(day=day, briefs=tuple(briefs), prayer=prayers[0] if prayers else None)


def rotation_of(library: Library, per_day: int) -> Rotation:
    """The library's rotation, laid out once per loaded library (a reload makes a new one)."""
    key = (id(library.briefs), per_day)
    cached = _rotations.get(key)
    if cached is not None and cached[0] is library.briefs:
        return cached[1]
    if len(_rotations) >= ROTATIONS_KEPT:
        _rotations.clear()
    rotation = Rotation(library.briefs, per_day)
    _rotations[key] = (library.briefs, rotation)
    return rotation


def _pick(
    entries: Sequence[Prayer],
    day: date,
    seen: Mapping[str, date],
    preferred_topics: frozenset[str],
    count: int,
    prefer_order: Sequence[str] = (),
) -> list[Prayer]:
    """Dated entries first, then the day's rotation: unseen before seen, preferred before not."""
    if count <= 0 or not entries:
        return []
    dated = [e for e in entries if e.send_on is not None and e.send_on.matches(day)]
    chosen = dated[:count]
    if len(chosen) == count:
        return chosen
    undated = [e for e in entries if e.send_on is None]
    rotation = _rotate(undated, day)
    taken = {e.id for e in chosen}
    topic_rank = {t: i for i, t in enumerate(dict.fromkeys(prefer_order))}

    def rank(item: tuple[int, Prayer]) -> tuple[int, date, int, int]:
        position, entry = item
        # Least recently seen first once everything has been seen: date.min for "never".
        last_seen = seen.get(entry.id, date.min)
        matches = [
            topic_rank.get(t, len(topic_rank)) for t in entry.topics if t in preferred_topics
        ]
        preference = min(matches) if matches else len(topic_rank) + 1
        return (0 if entry.id not in seen else 1, last_seen, preference, position)

    ordered = sorted(enumerate(rotation), key=rank)
    for _, entry in ordered:
        if len(chosen) == count:
            break
        if entry.id not in taken:
            chosen.append(entry)
            taken.add(entry.id)
    return chosen


def _rotate(entries: Sequence[Prayer], day: date) -> list[Prayer]:
    """The library as seen from `day`: it starts one step further along each day."""
    if not entries:
        return []
    start = day.toordinal() % len(entries)
    return list(entries[start:]) + list(entries[:start])
