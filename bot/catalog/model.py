"""The content library's value objects: topics, briefs, prayer points.

They are frozen so a loaded library can be shared between the chat handlers, the digest
composer and the delivery engine without anyone mutating it under the others' feet; a reload
builds a whole new `Library` and swaps it in at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day, as precise as the source allows.

    Ordering puts less precise dates before more precise ones in the same period, which is what
    "latest first" wants: "June 2019" sorts before "14 June 2019".
    """

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def earliest(self) -> date:
        """The first day this date allows: "2025" is 1 January 2025, "2019-06" is 1 June."""
        return date(self.year, self.month or 1, self.day or 1)

    def human(self) -> str:
        """Render for readers, e.g. '14 June 2019', 'June 2019', '2019'."""
        if self.day:
            return f"{self.day} {calendar.month_name[self.month]} {self.year}"
        if self.month:
            return f"{calendar.month_name[self.month]} {self.year}"
        return str(self.year)


@dataclass(frozen=True)
class SendOn:
    """The day an entry is due: one calendar date, or the same month-day every year."""

    month: int
    day: int
    year: int | None = None

    def matches(self, day: date) -> bool:
        if self.year is not None and self.year != day.year:
            return False
        return (self.month, self.day) == (day.month, day.day)

    def __str__(self) -> str:
        if self.year is None:
            return f"{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Translation:
    """An entry's fields in another language (`bot.catalog.translations` reads them)."""

    language: str
    texts: tuple[tuple[str, str], ...]  # (field, translated text)
    written_for: str | None  # the fingerprint the editor set; None when not given
    current: str  # the fingerprint of the English as it is now
    line: int
    missing_facts: tuple[str, ...] = ()  # figures and source names the translation lacks
    sources: tuple[str, ...] = ()  # a brief's sources as its readers see them, if translated

    @property
    def stale(self) -> bool:
        return self.written_for != self.current

    def text(self, name: str) -> str | None:
        return dict(self.texts).get(name)


def translation_in(translations: tuple[Translation, ...], language: str) -> Translation | None:
    """The translation to `language` among an entry's, if it has one."""
    return next((t for t in translations if t.language == language), None)


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    description: str
    aliases: tuple[str, ...] = ()
    translations: tuple[Translation, ...] = ()

    def title_in(self, language: str) -> str:
        """The title in `language`, or the English where there is no translation."""
        return self._in(language, "title") or self.title

    def description_in(self, language: str) -> str:
        return self._in(language, "description") or self.description

    def _in(self, language: str, name: str) -> str | None:
        translation = translation_in(self.translations, language)
        return translation.text(name) if translation else None


@dataclass(frozen=True)
class Brief:
    """One news brief.

    `date` is None when the source gives no date at all (`date: undated`): an editor must never
    be forced to guess one. `date_note` says how a date was inferred when the source implies it
    without stating it. `content_note` warns readers (e.g. groups with children) before the text.
    `lead` is what a short digest shows of it, the whole summary one tap away.
    """

    id: str
    title: str
    summary: str
    date: PartialDate | None
    topics: tuple[str, ...]
    sources: tuple[str, ...]
    link: str | None = None
    send_on: SendOn | None = None
    date_note: str | None = None
    content_note: str | None = None
    lead: str | None = None  # the digest's one or two sentences; else the summary's first
    translations: tuple[Translation, ...] = ()


@dataclass(frozen=True)
class Prayer:
    """One prayer point.

    `verse` is a Scripture reference only ("Psalm 146:7"), never a copied verse text; `act` is
    one concrete next step (learn, share, give, write to a representative) shown after the prayer.
    """

    id: str
    text: str
    topics: tuple[str, ...]
    title: str | None = None
    send_on: SendOn | None = None
    verse: str | None = None
    act: str | None = None
    translations: tuple[Translation, ...] = ()


Entry = Brief | Prayer


@dataclass(frozen=True)
class Library:
    """Everything the bot can say about North Korea, in the order the editors wrote it."""

    topics: tuple[Topic, ...] = ()
    briefs: tuple[Brief, ...] = ()
    prayers: tuple[Prayer, ...] = ()
    topic_by_slug: dict[str, Topic] = field(default_factory=dict, compare=False)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Briefs then prayers: the checks that look at every entry read one sequence."""
        return (*self.briefs, *self.prayers)

    def __post_init__(self) -> None:
        if not self.topic_by_slug:
            object.__setattr__(self, "topic_by_slug", {t.slug: t for t in self.topics})
