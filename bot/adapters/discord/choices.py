"""Autocomplete for /timezone and /topic: what Discord shows while a reader types.

Discord shows at most 25 choices and asks again on every keystroke, so these are cheap
in-memory rankings: an exact name first, then names that start with what was typed (the whole
name, or its city or a word of it), then names that merely contain it. A choice's value is
what the command then receives, so it is always a name the core accepts (an IANA zone, a topic
slug); its label may be friendlier (a topic's title).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog.catalog import Catalog
from bot.core.places.cities import cities_starting
from bot.core.timeparse import known_timezones

MAX_CHOICES = 25
MAX_CITIES = 10
CHOICE_LIMIT = 100  # characters in a choice's name and value


def _fold(text: str) -> str:
    """Case- and spacing-insensitive form: "new york" and "New_York" look alike."""
    return "/".join("_".join(part.split()) for part in text.casefold().split("/"))


def _rank(typed: str, names: Iterable[str]) -> int | None:
    """How well `typed` matches any of `names`: 0 exact, 1 starts a word, 2 inside; None no."""
    best: int | None = None
    for name in names:
        folded = _fold(name)
        if folded == typed:
            return 0
        words = folded.replace("/", "_").split("_")
        if folded.startswith(typed) or any(w.startswith(typed) for w in words):
            rank = 1
        elif typed in folded:
            rank = 2
        else:
            continue
        best = rank if best is None else min(best, rank)
    return best


def timezone_choices(typed: str) -> list[tuple[str, str]]:
    """(label, zone) for what a reader types: the zone of that exact name first, then cities
    starting with it ("Busan, South Korea · Asia/Seoul"), then zone names matching it; the
    first 25 zones alphabetically if nothing is typed. Every value is an IANA zone."""
    wanted = _fold(typed)
    ranked = sorted(
        (rank, zone)
        for zone in known_timezones()
        if (rank := _rank(wanted, (zone, zone.rsplit("/", 1)[-1]))) is not None
    )
    zones = [(zone, zone) for rank, zone in ranked if rank == 0]
    cities = [
        (f"{place} · {zone}"[:CHOICE_LIMIT], zone)
        for place, zone in cities_starting(typed[:CHOICE_LIMIT], MAX_CITIES)
    ]
    rest = [(zone, zone) for rank, zone in ranked if rank > 0]
    return (zones + cities + rest)[:MAX_CHOICES]


def topic_choices(catalog: Catalog, typed: str, language: str = "en") -> list[tuple[str, str]]:
    """(title, slug) of the topics whose slug, title (in English or `language`) or alias
    matches `typed`, best first, titled in `language`."""
    wanted = _fold(typed)
    ranked: list[tuple[int, int, str, str]] = []
    for order, topic in enumerate(catalog.topics):
        title = topic.title_in(language)
        rank = _rank(wanted, (topic.slug, topic.title, title, *topic.aliases))
        if rank is not None:
            ranked.append((rank, order, title[:CHOICE_LIMIT], topic.slug))
    ranked.sort()
    return [(title, slug) for _, _, title, slug in ranked[:MAX_CHOICES]]
