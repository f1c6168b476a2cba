"""Validation of the times and time zones subscribers type into commands.

Both parsers are strict and predictable rather than clever: a wrong delivery time means a digest
at 3 a.m., so anything doubtful is refused with a message that says what to type instead. Errors
carry a message key and parameters, not just text, so the message catalog (and a Korean edition)
can word them its own way; the texts are the catalog's "input.*" messages.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from datetime import time
from functools import cache
from typing import ClassVar, Final
from zoneinfo import available_timezones

from bot.core.messages import english, t
from bot.core.places.lookup import Found, lookup

MAX_INPUT_CHARS: Final = 100
MAX_SUGGESTIONS: Final = 3
CATALOG_PREFIX: Final = "input."

# The English texts by error key (the catalog holds them as "input.<key>"), for callers that
# want the template rather than a filled-in sentence.
MESSAGES: Final[Mapping[str, str]] = english(CATALOG_PREFIX)

# Not zones a subscriber can live in: the host's own zone, tzdata's placeholder, and the
# alternative leap-second / POSIX trees some systems install next to the real names.
_EXCLUDED_NAMES: Final = frozenset({"localtime", "posixrules", "Factory"})
_EXCLUDED_PREFIXES: Final = ("posix/", "right/")
# Etc/GMT+9 is UTC−9 (POSIX signs run backwards): never offer one to someone who typed "GMT+9".
_NEVER_SUGGESTED: Final = re.compile(r"GMT[+-]", re.IGNORECASE)
_OFFSET_RE: Final = re.compile(r"(?:utc|gmt)?\s*[+\-−]\s*[0-9]{1,2}(?::?[0-9]{2})?", re.IGNORECASE)

# H, H:MM or HH:MM with an optional am/pm, or four digits HHMM (24-hour clock only).
_CLOCK_RE: Final = re.compile(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2}))?\s*(?P<meridiem>[ap]\.?m\.?)?"
    r"|(?P<hour4>[0-9]{2})(?P<minute4>[0-9]{2})",
    re.IGNORECASE,
)
# Korean as it is typed: "7시", "7시 30분", "7시 반", "오전 7시 30분", "오후 7:30", "저녁 7시".
_KOREAN_CLOCK_RE: Final = re.compile(
    r"(?:(?P<part>오전|오후|아침|저녁|밤|새벽|낮)\s*)?(?P<hour>[0-9]{1,2})"
    r"(?:\s*시(?:\s*(?:(?P<minute>[0-9]{1,2})\s*분|(?P<half>반)))?|:(?P<minute2>[0-9]{2}))"
)
_MORNING, _EVENING = ("오전", "아침", "새벽"), ("오후", "저녁", "밤")


class TimeInputError(ValueError):
    """A user's time or zone could not be accepted; `str()` is the message in the current
    language (English unless an adapter chose another)."""

    EMPTY: ClassVar[str]
    TOO_LONG: ClassVar[str]

    def __init__(self, key: str, **params: str) -> None:
        self.key = key
        self.params = params
        super().__init__(t(CATALOG_PREFIX + key, **params))


class TimeFormatError(TimeInputError):
    EMPTY = "time.empty"
    TOO_LONG = "time.too_long"


class TimezoneError(TimeInputError):
    EMPTY = "zone.empty"
    TOO_LONG = "zone.too_long"

    def __init__(self, key: str, suggestions: tuple[str, ...] = (), **params: str) -> None:
        self.suggestions = suggestions
        super().__init__(key, suggestions=", ".join(suggestions), **params)


def _clean(text: str, error: type[TimeInputError]) -> str:
    """Trim the input and fold full-width digits and colons (CJK keyboards) to ASCII.

    Overlong input is refused before any work is done on it and never echoed back; it is
    measured again after folding, which can lengthen a string.
    """
    if len(text) > MAX_INPUT_CHARS:
        raise error(error.TOO_LONG)
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if len(cleaned) > MAX_INPUT_CHARS:
        raise error(error.TOO_LONG)
    if not cleaned:
        raise error(error.EMPTY)
    return cleaned


def parse_hhmm(text: str) -> time:
    """A local delivery time from "7:30", "07:30", "0730", "7pm" or "7:30 am", or as Korean
    readers write it ("7시 30분", "오후 7시", "오전 7:30")."""
    cleaned = _clean(text, TimeFormatError)
    korean = _KOREAN_CLOCK_RE.fullmatch(cleaned)
    if korean is not None:
        return _korean_time(korean, cleaned)
    match = _CLOCK_RE.fullmatch(cleaned)
    if match is None:
        raise TimeFormatError("time.format", text=cleaned)
    hour = int(match["hour"] or match["hour4"])
    minute = int(match["minute"] or match["minute4"] or 0)
    meridiem = (match["meridiem"] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise TimeFormatError("time.range", text=cleaned)
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise TimeFormatError("time.range", text=cleaned)
    return time(hour, minute)


def _korean_time(match: re.Match[str], cleaned: str) -> time:
    hour = int(match["hour"])
    minute = 30 if match["half"] else int(match["minute"] or match["minute2"] or 0)
    part = match["part"]
    if part is not None:
        if not 1 <= hour <= 12:
            raise TimeFormatError("time.range", text=cleaned)
        if part in _MORNING:
            hour %= 12
        elif part in _EVENING or hour < 6:  # 낮 (daytime) 2시 is 14:00, 낮 12시 is noon
            hour = hour % 12 + 12
    if hour > 23 or minute > 59:
        raise TimeFormatError("time.range", text=cleaned)
    return time(hour, minute)


@cache
def known_timezones() -> frozenset[str]:
    """Every IANA name a subscriber may choose (aliases such as Asia/Calcutta included)."""
    return frozenset(
        name
        for name in available_timezones()
        if name not in _EXCLUDED_NAMES and not name.startswith(_EXCLUDED_PREFIXES)
    )


@cache
def _by_lower() -> dict[str, str]:
    return {name.lower(): name for name in known_timezones()}


@cache
def _by_city() -> dict[str, tuple[str, ...]]:
    """Last name component ("seoul", "new_york") → the zones named after it."""
    cities: dict[str, list[str]] = {}
    for name in sorted(known_timezones()):
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    return {city: tuple(names) for city, names in cities.items()}


def _normalise_zone(text: str) -> str:
    """Spaces become "_" ("america / new york" → "america/new_york"), as IANA spells them."""
    return "/".join("_".join(part.split()) for part in text.split("/"))


def resolve_timezone(text: str) -> str:
    """The canonical IANA name for what a subscriber typed, matched case-insensitively."""
    cleaned = _clean(text, TimezoneError)
    wanted = _normalise_zone(cleaned).lower()
    name = _by_lower().get(wanted)
    if name is not None:
        return name
    if _OFFSET_RE.fullmatch(cleaned):
        raise TimezoneError("zone.offset", text=cleaned)
    suggestions = _suggest(wanted)
    if suggestions:
        raise TimezoneError("zone.suggest", suggestions, text=cleaned)
    raise TimezoneError("zone.unknown", text=cleaned)


def read_place(text: str) -> Found:
    """Where a reader says they are, as zones (`bot.core.places`): a city, a country, an
    abbreviation, an offset or a zone name; raises TimezoneError (with suggestions) if none."""
    cleaned = _clean(text, TimezoneError)
    found = lookup(cleaned, known_timezones())
    return found or Found((resolve_timezone(cleaned),), "zone")


def _suggest(wanted: str) -> tuple[str, ...]:
    """Up to three zones the subscriber probably meant, most likely first.

    In order: the same name without a "posix/" or "right/" prefix, zones named after the city
    typed ("Seoul"), then close spellings of the whole name ("asia/seol") or of the city.
    """
    zones, cities = _by_lower(), _by_city()
    unprefixed = wanted.split("/", 1)[1] if wanted.startswith(_EXCLUDED_PREFIXES) else ""
    city = wanted.rsplit("/", 1)[-1]
    candidates = [zones[unprefixed]] if unprefixed in zones else []
    candidates += cities.get(city, ())
    candidates += (zones[n] for n in difflib.get_close_matches(wanted, zones, cutoff=0.8))
    for near in difflib.get_close_matches(city, cities, cutoff=0.8):
        candidates += cities[near]
    safe = (name for name in candidates if not _NEVER_SUGGESTED.search(name))
    return tuple(dict.fromkeys(safe))[:MAX_SUGGESTIONS]
