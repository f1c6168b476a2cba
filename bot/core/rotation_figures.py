"""How well the rotation keeps its promise, measured by running it for many readers.

Readers join on consecutive days and each receives the real digests (`reader_days`); from
what they received the figures say how often two readers who joined on different days read
the same first brief while it is new to both, when the first repeat came compared with
the earliest it could, and how often neighbouring days share a topic or a source. The
property tests and `bench.rotation` read them; goals are in the tests and bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from bot.catalog.model import Library
from bot.core.digest import Digest, compose
from bot.core.longevity import DigestRule, reader_days


@dataclass(frozen=True)
class Reader:
    joined: date
    digests: tuple[Digest, ...]
    first_read: dict[str, date]  # entry id -> the day it first arrived

    def read_before(self, entry_id: str, day: date) -> bool:
        first = self.first_read.get(entry_id)
        return first is not None and first < day

    def on(self, day: date) -> Digest | None:
        offset = (day - self.joined).days
        return self.digests[offset] if 0 <= offset < len(self.digests) else None

    @property
    def first_repeat(self) -> int | None:
        """Days after joining of the first digest holding a brief read before, if any."""
        for offset, digest in enumerate(self.digests):
            if any(self.read_before(b.id, digest.day) for b in digest.briefs):
                return offset
        return None


@dataclass(frozen=True)
class RotationFigures:
    shared_first: float  # of reader-pair-days where neither reader's first brief is a repeat
    compared: int  # how many such pair-days there were
    first_repeat: int | None  # the earliest first repeat of any reader, in days after joining
    earliest_possible: int  # days a reader can read without a repeat: briefs / per day
    same_topic_next_day: float  # of consecutive days whose briefs share a topic
    same_source_next_day: float  # ... or a source

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "shared_first": round(self.shared_first, 4),
            "compared": self.compared,
            "first_repeat": self.first_repeat,
            "earliest_possible": self.earliest_possible,
            "same_topic_next_day": round(self.same_topic_next_day, 4),
            "same_source_next_day": round(self.same_source_next_day, 4),
        }


def follow_readers(
    library: Library,
    first_join: date,
    joins: int,
    days: int,
    follows: tuple[str, ...] = (),
    max_briefs: int = 2,
    rule: DigestRule = compose,
) -> list[Reader]:
    """`joins` readers, one joining on each day from `first_join`, each followed `days`."""
    readers = []
    for n in range(joins):
        joined = first_join + timedelta(days=n)
        run = reader_days(library, joined, days, follows, max_briefs, rule)
        digests = tuple(digest for digest, _ in run)
        first_read: dict[str, date] = {}
        for digest in digests:
            for entry_id in digest.entry_ids:
                first_read.setdefault(entry_id, digest.day)
        readers.append(Reader(joined, digests, first_read))
    return readers


def figures(readers: list[Reader], library: Library, max_briefs: int = 2) -> RotationFigures:
    shared = compared = 0
    for a, b in combinations(readers, 2):
        for digest in a.digests:
            other = b.on(digest.day)
            if other is None or not digest.briefs or not other.briefs:
                continue
            firsts = (digest.briefs[0].id, other.briefs[0].id)
            if a.read_before(firsts[0], digest.day) or b.read_before(firsts[1], digest.day):
                continue  # a repeat for one of them: sharing is only promised before that
            compared += 1
            shared += firsts[0] == firsts[1]
    repeats = [r.first_repeat for r in readers if r.first_repeat is not None]
    pairs = topic_runs = source_runs = 0
    for reader in readers:
        for today, tomorrow in zip(reader.digests, reader.digests[1:], strict=False):
            pairs += 1
            topic_runs += bool(
                {t for x in today.briefs for t in x.topics}
                & {t for x in tomorrow.briefs for t in x.topics}
            )
            source_runs += bool(
                {s for x in today.briefs for s in x.sources}
                & {s for x in tomorrow.briefs for s in x.sources}
            )
    undated = sum(1 for b in library.briefs if b.send_on is None)
    return RotationFigures(
        shared_first=shared / compared if compared else 1.0,
        compared=compared,
        first_repeat=min(repeats) if repeats else None,
        earliest_possible=undated // max_briefs,
        same_topic_next_day=topic_runs / pairs if pairs else 0.0,
        same_source_next_day=source_runs / pairs if pairs else 0.0,
    )
