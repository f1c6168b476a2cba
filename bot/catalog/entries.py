"""Reading briefs and prayer points: which fields each kind has and what makes one valid.

The loader hands each entry's fields here once its id has been read (ids are the loader's
business, being unique across all files); these functions check the rest and build the
frozen value object, or return None when anything was reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.catalog.fields import Fields
from bot.catalog.model import Brief, Entry, Prayer, Translation
from bot.catalog.names import TopicNames
from bot.catalog.rules import (
    MAX_ACT_WORDS,
    MAX_BRIEF_TOPICS,
    MAX_NOTE_WORDS,
    MAX_PRAYER_SENTENCES,
    plain_text_problem,
    sentence_count,
    verse_problem,
    word_limit_problem,
)
from bot.catalog.translations import (
    CONTENT_LANGUAGES,
    SOURCE_LANGUAGE,
    in_language,
    read_translations,
)

E = TypeVar("E", Brief, Prayer)

SUMMARY_WORDS = (40, 120)
MAX_LEAD_WORDS = 45  # a lead is read in a glance: one or two sentences
_FIELD_IN_TEXT = re.compile(
    r"(?:^|\s)(id|title|date|date_note|topics|sources|link|send_on|content_note): (?:\[|\")"
)


def read_brief(fields: Fields, entry_id: str | None, topics: TopicNames | None) -> Brief | None:
    title = fields.text("title", one_line=True)
    summary = fields.text("summary")
    if summary is not None:
        _check_words(fields, summary)
        _check_plain(fields, "summary", summary)
        _check_swallowed_field(fields, summary)
    date = fields.date("date")
    slugs = _topic_slugs(fields, topics)
    if slugs is not None and len(slugs) > MAX_BRIEF_TOPICS:
        fields.problem(
            fields.node("topics", required=False),
            f"a brief has {len(slugs)} topics; the house rule is at most {MAX_BRIEF_TOPICS}: "
            "keep the ones it is mainly about",
        )
    sources = fields.texts("sources")
    link = fields.link("link")
    send_on = fields.send_on("send_on")
    date_note = fields.text("date_note", required=False, one_line=True)
    content_note = fields.text("content_note", required=False, one_line=True)
    for name, value in (("date_note", date_note), ("content_note", content_note)):
        if value is not None:
            _check_plain(fields, name, value)
    if content_note is not None:
        _check_limit(fields, "content_note", content_note, MAX_NOTE_WORDS)
    lead = fields.text("lead", required=False)
    if lead is not None:
        _check_plain(fields, "lead", lead)
        _check_limit(fields, "lead", lead, MAX_LEAD_WORDS)
    english = {"title": title, "summary": summary, "lead": lead, "content_note": content_note}
    translations = _translations(fields, english, tuple(s for s, _ in sources or ()))
    # A required field is None only after it reported its problem; the checks say so to mypy.
    if fields.failed or entry_id is None or title is None or summary is None:
        return None
    if slugs is None or sources is None:
        return None
    return Brief(
        entry_id,
        title,
        summary,
        date,
        slugs,
        tuple(s for s, _ in sources),
        link,
        send_on,
        date_note=date_note,
        content_note=content_note,
        lead=lead,
        translations=translations,
    )


def _translations(
    fields: Fields, english: dict[str, str | None], sources: tuple[str, ...] = ()
) -> tuple[Translation, ...]:
    """The entry's translations, of every field its English has (an optional field the
    English leaves out is not translated either)."""
    given = {name: text for name, text in english.items() if text is not None}
    return read_translations(
        fields, tuple(given), tuple(given.values()), one_line=False, sources=sources
    )


def read_prayer(fields: Fields, entry_id: str | None, topics: TopicNames | None) -> Prayer | None:
    title = fields.text("title", required=False, one_line=True)
    text = fields.text("text")
    if text is not None:
        _check_plain(fields, "text", text)
        sentences = sentence_count(text)
        if sentences > MAX_PRAYER_SENTENCES:
            fields.problem(
                fields.node("text", required=False),
                f"the prayer has {sentences} sentences; keep it to one to "
                f"{MAX_PRAYER_SENTENCES} (split it into two prayer points if it needs more)",
            )
    slugs = _topic_slugs(fields, topics)
    send_on = fields.send_on("send_on")
    verse = fields.text("verse", required=False, one_line=True)
    if verse is not None and (problem := verse_problem(verse)):
        fields.problem(fields.node("verse", required=False), problem)
    act = fields.text("act", required=False)
    if act is not None:
        _check_plain(fields, "act", act)
        _check_limit(fields, "act", act, MAX_ACT_WORDS)
    translations = _translations(fields, {"title": title, "text": text, "act": act})
    if fields.failed or entry_id is None or text is None or slugs is None:
        return None
    return Prayer(
        entry_id, text, slugs, title, send_on, verse=verse, act=act, translations=translations
    )


@dataclass(frozen=True)
class EntryKind(Generic[E]):
    """What the loader needs to know to read one kind of entry from its folder."""

    name: str
    folder: str
    fields: tuple[str, ...]
    read: Callable[[Fields, str | None, TopicNames | None], E | None]


BRIEF: EntryKind[Brief] = EntryKind(
    "brief",
    "briefs",
    (
        "id",
        "title",
        "summary",
        "date",
        "date_note",
        "topics",
        "sources",
        "link",
        "send_on",
        "content_note",
        "lead",
        *CONTENT_LANGUAGES,
    ),
    read_brief,
)
PRAYER: EntryKind[Prayer] = EntryKind(
    "prayer",
    "prayers",
    ("id", "title", "text", "topics", "send_on", "verse", "act", *CONTENT_LANGUAGES),
    read_prayer,
)


def plain_length(entry: Entry, language: str = SOURCE_LANGUAGE) -> int:
    """A rough size of an entry as sent in `language`, for when no renderer is given to
    measure it exactly."""
    entry, _ = in_language(entry, language)
    if isinstance(entry, Brief):
        parts = [entry.title, entry.summary, *entry.sources, entry.link or ""]
        parts += [entry.content_note or "", entry.lead or ""]
    else:
        parts = [entry.title or "", entry.text, entry.verse or "", entry.act or ""]
    return sum(map(len, parts))


def _check_swallowed_field(fields: Fields, summary: str) -> None:
    """A field indented like the summary's text becomes part of the summary: say so."""
    match = _FIELD_IN_TEXT.search(summary)
    if match:
        fields.problem(
            fields.node("summary", required=False),
            f"the summary contains '{match.group(1)}:' — that line is indented as part of the "
            f"summary; move '{match.group(1)}:' back to the left, in line with 'summary:'",
        )


def _check_plain(fields: Fields, name: str, text: str) -> None:
    problem = plain_text_problem(text)
    if problem:
        fields.problem(fields.node(name, required=False), f"{name} {problem}")


def _check_limit(fields: Fields, name: str, text: str, limit: int) -> None:
    problem = word_limit_problem(name, text, limit)
    if problem:
        fields.problem(fields.node(name, required=False), problem)


def _check_words(fields: Fields, summary: str) -> None:
    low, high = SUMMARY_WORDS
    count = len(summary.split())
    if not low <= count <= high:
        node = fields.node("summary", required=False)
        fields.problem(node, f"summary has {count} words; it must have {low}–{high}")


def _topic_slugs(fields: Fields, topics: TopicNames | None) -> tuple[str, ...] | None:
    """The entry's topics as slugs (aliases accepted), each unknown one reported with a guess."""
    items = fields.texts("topics")
    if items is None:
        return None
    if topics is None:
        return tuple(dict.fromkeys(name for name, _ in items))
    slugs = []
    for name, node in items:
        slug = topics.slug_for(name)
        if slug is None:
            guesses = topics.suggest(name, n=1)
            hint = f" (did you mean '{guesses[0]}'?)" if guesses else ""
            fields.problem(node, f"unknown topic '{name}'{hint}")
        else:
            slugs.append(slug)
    return tuple(dict.fromkeys(slugs))
