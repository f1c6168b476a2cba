"""How library entries look as reply parts: a brief, a prayer point, a whole digest.

One place decides the layout, so a digest sent by the scheduler, `/today`, `/topic` and
`briefbot preview` all look alike on every platform.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from bot.catalog.keys import key_of
from bot.catalog.model import Brief, Library, PartialDate, Prayer, Topic
from bot.catalog.translations import in_language
from bot.core.archive import DEFAULT_MONTHS, is_archive
from bot.core.digest import Digest
from bot.core.messages import current_locale, day_text, t, tn
from bot.core.reply import Button, Heading, Kicker, Link, Meta, Paragraph, Part, Reply, Separator
from bot.domain.queue import WITHDRAW

PRAYED_ACTION = "prayed:"
OPEN_ACTION = "open:"  # an entry's whole text, as a new message (`handlers.searching`)
DAY_FORMAT = "%Y%m%d"  # the day in a prayer button's data: 8 bytes
READ_MORE_TITLE = 40  # characters of a brief's title on its Read more button
_SENTENCE_END = re.compile(r"[.!?](?=[\"'”’)]?\s+[\"'“‘(]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "no", "u.s", "u.n", "e.g", "i.e"})


def long_date(day: date, locale: str | None = None) -> str:
    """ "Thursday 3 December 2026": Babel's names in the pattern the catalog gives per language.

    `locale` defaults to the current one (English unless an adapter set another), so the
    host's C library locale never changes what readers see.
    """
    return day_text(day, "date.long", locale)


def shown_title(topic: Topic) -> str:
    """A topic's title in the language being spoken (the English where not translated)."""
    return topic.title_in(current_locale.get())


def shown_description(topic: Topic) -> str:
    return topic.description_in(current_locale.get())


def brief_date(brief: Brief) -> str:
    """The brief's date as readers see it; an undated brief says so rather than guess."""
    return partial_date(brief.date) if brief.date is not None else t("brief.undated")


def partial_date(when: PartialDate) -> str:
    """A date as precise as its source, in the reader's language ("June 2019", "2019년 6월")."""
    pattern = "date.day" if when.day else "date.month" if when.month else "date.year"
    return day_text(when.earliest, pattern)


def age_label(brief: Brief, shown_on: date, archive_after: int = DEFAULT_MONTHS) -> str | None:
    """What a reader must know of a brief's age before reading it, or None for recent news."""
    if brief.date is None:
        return t("brief.label.undated")
    if is_archive(brief, shown_on, archive_after):
        return t("brief.label.archive", date=partial_date(brief.date))
    return None


def _brief_head(brief: Brief, shown_on: date, archive_after: int) -> tuple[Brief, list[Part]]:
    """The brief in the reader's language, and what comes before its text: the age label,
    the title, a note when it is not translated yet, any content note."""
    brief, translated = in_language(brief, current_locale.get())
    label = age_label(brief, shown_on, archive_after)
    parts: list[Part] = [Kicker(label)] if label else []
    parts.append(Heading(brief.title))
    if not translated:
        parts.append(Meta(t("entry.untranslated")))
    if brief.content_note:
        parts.append(Meta(t("brief.content_note", note=brief.content_note)))
    return brief, parts


def brief_parts(brief: Brief, shown_on: date, archive_after: int = DEFAULT_MONTHS) -> list[Part]:
    """A brief as shown on `shown_on`: its age label first, then any content note, the text."""
    brief, parts = _brief_head(brief, shown_on, archive_after)
    parts += [Paragraph(brief.summary), _meta(brief)]
    if brief.link:
        parts.append(Link(t("brief.link", source=brief.sources[0]), brief.link))
    return parts


def _meta(brief: Brief) -> Meta:
    sources = ", ".join(brief.sources)
    return Meta(tn("brief.meta", len(brief.sources), date=brief_date(brief), sources=sources))


def prayer_parts(prayer: Prayer, heading: str | None = None) -> list[Part]:
    prayer, translated = in_language(prayer, current_locale.get())
    parts: list[Part] = [Heading(heading or prayer.title or t("digest.prayer"))]
    if heading and prayer.title:
        parts.append(Meta(prayer.title))
    if not translated:
        parts.append(Meta(t("entry.untranslated")))
    parts.append(Paragraph(prayer.text))
    if prayer.verse:
        parts.append(Meta(prayer.verse))
    if prayer.act:
        parts.append(Meta(t("prayer.act", act=prayer.act)))
    return parts


def entry_parts(entry: Brief | Prayer) -> list[Part]:
    """The parts of one entry at its longest (archive label included), to check it fits in one
    message whenever it is shown."""
    if isinstance(entry, Brief):
        return brief_parts(entry, date.max, archive_after=0)
    return prayer_parts(entry)


def prayed_button(prayer: Prayer, count: int, day: date) -> Button:
    """The "I prayed" button of `day`'s prayer point. Its data carries the day and the
    prayer's short key ("prayed:20261203:1a2b3c4d5e", 26 bytes whatever the id): a press
    counts for the day of the message it is on, whatever the chat's time zone is now."""
    label = t("button.prayed.count", count=count) if count else t("button.prayed")
    return Button(label, f"{PRAYED_ACTION}{day.strftime(DAY_FORMAT)}:{key_of(prayer.id)}")


def prayer_buttons(prayer: Prayer | None, count: int, day: date) -> tuple[tuple[Button, ...], ...]:
    return ((prayed_button(prayer, count, day),),) if prayer else ()


def digest_reply(
    digest: Digest,
    prayed_count: int = 0,
    archive_after: int = DEFAULT_MONTHS,
    style: str = "short",
    notes: Mapping[str, tuple[str, str]] | None = None,
) -> Reply:
    """The daily digest: a title, each brief, then the prayer point with its button. In the
    short style (the default, read in about a minute on a phone) a brief is its lead, with
    a Read more button that sends the whole of it. `notes` are the editors' corrections
    since it was sent, by entry: (CORRECT or WITHDRAW, ISO day)."""
    if not digest.briefs and digest.prayer is None:
        return Reply(parts=(Paragraph(t("digest.empty")),))
    notes = notes or {}
    short = style == "short"
    parts: list[Part] = [Heading(t("digest.title", date=long_date(digest.day)))]
    for brief in digest.briefs:
        shown = lead_parts(brief, digest.day, archive_after) if short else None
        shown = shown or brief_parts(brief, digest.day, archive_after)
        parts += [Separator(), *noted(shown, notes.get(brief.id))]
    prayer = digest.prayer
    if prayer is not None:
        shown = prayer_parts(prayer, heading=t("digest.prayer"))
        parts += [Separator(), *noted(shown, notes.get(prayer.id))]
    kept = [brief for brief in digest.briefs if not _withdrawn(notes.get(brief.id))]
    more = tuple((read_more(brief),) for brief in kept) if short else ()
    if prayer is not None and _withdrawn(notes.get(prayer.id)):
        prayer = None
    buttons = more + prayer_buttons(prayer, prayed_count, digest.day)
    return Reply(parts=tuple(parts), buttons=buttons)


def noted(parts: list[Part], note: tuple[str, str] | None) -> list[Part]:
    """An entry's parts as a correction left them: followed by a dated note, or replaced by
    the notice that the editors withdrew it."""
    if note is None:
        return parts
    when = long_date(date.fromisoformat(note[1]))
    if _withdrawn(note):
        return [Paragraph(t("correction.withdrawn", date=when))]
    return [*parts, Meta(t("correction.corrected", date=when))]


def _withdrawn(note: tuple[str, str] | None) -> bool:
    return note is not None and note[0] == WITHDRAW


def lead_parts(brief: Brief, shown_on: date, archive_after: int = DEFAULT_MONTHS) -> list[Part]:
    """A brief as a short digest shows it: age label, title, any content note, the lead (the
    editors' own, else the summary's first sentence), date and sources."""
    brief, parts = _brief_head(brief, shown_on, archive_after)
    return [*parts, Paragraph(brief.lead or first_sentence(brief.summary)), _meta(brief)]


def read_more(brief: Brief) -> Button:
    brief, _ = in_language(brief, current_locale.get())
    title = (
        brief.title
        if len(brief.title) <= READ_MORE_TITLE
        else (brief.title[: READ_MORE_TITLE - 1].rstrip() + "…")
    )
    return Button(t("button.read_more", title=title), OPEN_ACTION + key_of(brief.id))


def first_sentence(text: str) -> str:
    """The first sentence of `text`: up to the first full stop, question or exclamation mark
    followed by a space and a capital letter, not after an initial or a title ("Mr.")."""
    for match in _SENTENCE_END.finditer(text):
        before = text[: match.start() + 1].rsplit(" ", 1)[-1]
        if before.rstrip(".").lower() not in _ABBREVIATIONS and len(before.rstrip(".")) > 1:
            return text[: match.start() + 1]
    return text


def library_counts(library: Library) -> dict[str, str]:
    """The library's size as the {briefs}, {prayers} and {topics} of a sentence, each with its
    own plural ("1 prayer point")."""
    return {
        "briefs": tn("count.briefs", len(library.briefs)),
        "prayers": tn("count.prayers", len(library.prayers)),
        "topics": tn("count.topics", len(library.topics)),
    }
