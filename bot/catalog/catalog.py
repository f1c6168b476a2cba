"""The questions chat commands ask of the content: topics by loose name, entries, search.

A `Catalog` is built once from a loaded `Library` and never changes; a reload builds a new
one and swaps it in, so a command in flight always sees one consistent library. Everything a
query needs is indexed at construction so each command is a dictionary lookup or a short
search, whatever the size of the library.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog.bulk import collection_paused
from bot.catalog.keys import key_of
from bot.catalog.model import Brief, Entry, Library, PartialDate, Prayer, Topic
from bot.catalog.names import TopicNames
from bot.catalog.search import SearchHit, SearchIndex
from bot.catalog.translations import CONTENT_LANGUAGES

TITLE_WEIGHT = 3


class Catalog:
    """Read-only lookups over one library."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._names = TopicNames()
        for topic in library.topics:
            for name in (topic.slug, *topic.aliases):
                self._names.add(name, topic.slug)
        self._entries: dict[str, Entry] = {e.id: e for e in library.entries}
        self._entry_by_key = {key_of(e.id): e for e in library.entries}
        self._topic_by_key = {key_of(t.slug): t for t in library.topics}
        latest_first = sorted(library.briefs, key=_newest_first_key, reverse=True)
        self._briefs_by_topic = _by_topic(library.topics, latest_first)
        self._prayers_by_topic = _by_topic(library.topics, library.prayers)
        with collection_paused():
            self._index = SearchIndex(tuple(self._entries.values()), self._texts)

    @property
    def library(self) -> Library:
        return self._library

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self._library.topics

    @property
    def briefs(self) -> tuple[Brief, ...]:
        return self._library.briefs

    @property
    def prayers(self) -> tuple[Prayer, ...]:
        return self._library.prayers

    def topic(self, name: str) -> Topic | None:
        """The topic with this slug or alias, however it is cased or spaced."""
        slug = self._names.slug_for(name)
        return self._library.topic_by_slug[slug] if slug else None

    def suggest_topics(self, name: str, n: int = 3) -> list[Topic]:
        """Topics whose names look like a mistyped `name`, best first."""
        return [self._library.topic_by_slug[slug] for slug in self._names.suggest(name, n)]

    def briefs_for(self, name: str) -> list[Brief]:
        """The topic's briefs, latest first (by date, then id); [] for an unknown topic."""
        return list(self._briefs_by_topic.get(self._names.slug_for(name) or "", ()))

    def prayers_for(self, name: str) -> list[Prayer]:
        """The topic's prayer points in the order the editors wrote them."""
        return list(self._prayers_by_topic.get(self._names.slug_for(name) or "", ()))

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    def prayer_by_key(self, key: str) -> Prayer | None:
        """The prayer point a button's key (`keys.key_of` of its id) names."""
        entry = self._entry_by_key.get(key)
        return entry if isinstance(entry, Prayer) else None

    def entry_by_key(self, key: str) -> Entry | None:
        """The brief or prayer point a button's key (`keys.key_of` of its id) names."""
        return self._entry_by_key.get(key)

    def topic_by_key(self, key: str) -> Topic | None:
        """The topic a button's key (`keys.key_of` of its slug) names."""
        return self._topic_by_key.get(key)

    def search(self, query: str, limit: int = 10) -> list[SearchHit[Entry]]:
        """Briefs and prayer points matching any word of `query`, best first."""
        return self._index.search(query, limit)

    def _texts(self, entry: Entry) -> Iterable[tuple[str, int]]:
        """What search sees of an entry, in every language it has (so a search in Korean
        finds it too); words in a title count triple."""
        translated = [
            (text, TITLE_WEIGHT if name == "title" else 1)
            for translation in entry.translations
            for name, text in translation.texts
        ]
        if isinstance(entry, Prayer):
            return [(entry.title or "", TITLE_WEIGHT), (entry.text, 1), *translated]
        topics = [self._library.topic_by_slug[slug] for slug in entry.topics]
        topic_titles = [
            t.title_in(language) for t in topics for language in ("en", *CONTENT_LANGUAGES)
        ]
        body = " ".join([entry.summary, *entry.sources, *dict.fromkeys(topic_titles)])
        return [(entry.title, TITLE_WEIGHT), (body, 1), *translated]


def _by_topic(topics: Iterable[Topic], entries: Iterable[Entry]) -> dict[str, tuple]:
    grouped: dict[str, list[Entry]] = {topic.slug: [] for topic in topics}
    for entry in entries:
        for slug in entry.topics:
            grouped[slug].append(entry)
    return {slug: tuple(found) for slug, found in grouped.items()}


def _newest_first_key(brief: Brief) -> tuple[PartialDate, str]:
    """Sort key for "latest first": undated briefs go last, since nothing says they are new."""
    return (brief.date or PartialDate(0), brief.id)
