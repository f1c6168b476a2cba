"""Where a reader is, as they would say it, turned into an IANA time zone.

Readers answer "where are you?" with a city ("Seoul", "부산", "new york"), a country
("Japan", "korea"), an abbreviation ("KST", "EST") or an offset ("UTC+9", "+09:00"), far
more often than with "Asia/Seoul". The IANA database stays the truth (zoneinfo + tzdata):
every answer is one of its zone names. The rest is data: cities and their zones from
GeoNames (`cities.tsv`, see `build.py`), countries and their zones from tzdata's own
`zone.tab`, country names in English and Korean from Babel (CLDR), and the abbreviations
below, which no standard defines (CST is China's and America's Central time).

`lookup` says what it found and how sure it is: one zone, or several to choose from, most
likely first (by the population of the places they cover).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo

from bot.core.places.cities import City, by_population, city_index, zones_by_population
from bot.core.places.countries import countries, country_name, country_zones
from bot.core.places.spelling import fold

MAX_CHOICES: Final = 4

# Abbreviations readers type, to the zones they mean (daylight-saving ones: a reader who says
# "EST" in New York wants EDT in summer). Several zones: the reader is asked.
ABBREVIATIONS: Final[dict[str, tuple[str, ...]]] = {
    "utc": ("UTC",),
    "kst": ("Asia/Seoul", "Asia/Pyongyang"),
    "jst": ("Asia/Tokyo",),
    "hkt": ("Asia/Hong_Kong",),
    "sgt": ("Asia/Singapore",),
    "pht": ("Asia/Manila",),
    "ict": ("Asia/Bangkok", "Asia/Ho_Chi_Minh"),
    "wib": ("Asia/Jakarta",),
    "ist": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "cst": ("Asia/Shanghai", "America/Chicago", "Asia/Taipei"),
    "cdt": ("America/Chicago",),
    "ct": ("America/Chicago",),
    "est": ("America/New_York", "America/Toronto"),
    "edt": ("America/New_York", "America/Toronto"),
    "et": ("America/New_York", "America/Toronto"),
    "mst": ("America/Denver", "America/Phoenix", "America/Edmonton"),
    "mdt": ("America/Denver", "America/Edmonton"),
    "mt": ("America/Denver", "America/Edmonton"),
    "pst": ("America/Los_Angeles", "America/Vancouver"),
    "pdt": ("America/Los_Angeles", "America/Vancouver"),
    "pt": ("America/Los_Angeles", "America/Vancouver"),
    "akst": ("America/Anchorage",),
    "hst": ("Pacific/Honolulu",),
    "gmt": ("Europe/London", "UTC"),
    "bst": ("Europe/London",),
    "wet": ("Europe/Lisbon",),
    "cet": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome"),
    "cest": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome"),
    "eet": ("Europe/Athens", "Europe/Kyiv", "Europe/Bucharest", "Africa/Cairo"),
    "eest": ("Europe/Athens", "Europe/Kyiv", "Europe/Bucharest"),
    "msk": ("Europe/Moscow",),
    "aest": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "aedt": ("Australia/Sydney", "Australia/Melbourne"),
    "acst": ("Australia/Adelaide", "Australia/Darwin"),
    "awst": ("Australia/Perth",),
    "nzst": ("Pacific/Auckland",),
    "nzdt": ("Pacific/Auckland",),
}
_OFFSET: Final = re.compile(
    r"(?:utc|gmt)?\s*(?P<sign>[+\-−])\s*(?P<hours>[0-9]{1,2})(?::?(?P<minutes>[0-9]{2}))?"
)


@dataclass(frozen=True)
class Found:
    """What a reader's answer names: `zones`, most likely first; `how` says what it was read
    as ("zone", "city", "country", "abbreviation", "offset"); `place` is the name to show
    ("Busan, South Korea")."""

    zones: tuple[str, ...]
    how: str
    place: str = ""

    @property
    def sure(self) -> bool:
        return len(self.zones) == 1


def lookup(text: str, zones: Iterable[str]) -> Found | None:
    """Read `text` as a zone name (from `zones`, the names a reader may choose), an
    abbreviation, an offset, a country or a city, in that order; None if it is none."""
    key = fold(text)
    by_name = _folded(frozenset(zones))
    if key in by_name and by_name[key].count("/") >= 1 and not by_name[key].startswith("Etc/"):
        return Found((by_name[key],), "zone")
    if key.startswith("etc/") and key in by_name:
        return _fixed(by_name[key])
    if key in ABBREVIATIONS:
        return Found(ABBREVIATIONS[key], "abbreviation", text.strip().upper())
    offset = _offset("".join(text.casefold().split()))
    if offset is not None:
        return Found(zones_at(offset), "offset", _offset_label(offset))
    codes = countries().get(key)
    if codes:
        found = tuple(z for code in codes for z in country_zones().get(code, ()))
        names = " / ".join(country_name(code) for code in codes)
        return Found(by_population(found)[:MAX_CHOICES], "country", names)
    cities = city_index().get(key)
    if cities:
        return _from_cities(cities)
    return None


def _fixed(zone: str) -> Found:
    """A fixed zone typed by name: Etc/GMT+9 is UTC−9 all year, which a reader typing it
    rarely means. Offer the zones of the offset they probably meant, and the zone itself."""
    offset = ZoneInfo(zone).utcoffset(datetime(2026, 1, 1)) or timedelta(0)
    meant = tuple(z for z in zones_at(-offset) if not z.startswith("Etc/"))[:2] if offset else ()
    return Found((*meant, zone), "fixed", zone)


def _from_cities(cities: list[City]) -> Found:
    """The biggest city of that name decides unless another, in another zone, is at least a
    tenth of its size: then the reader chooses ("Springfield")."""
    biggest = cities[0]
    rivals = [
        c for c in cities[1:] if c.zone != biggest.zone and c.population * 10 >= biggest.population
    ]
    place = f"{biggest.name}, {country_name(biggest.country)}"
    if not rivals:
        return Found((biggest.zone,), "city", place)
    zones = tuple(dict.fromkeys(c.zone for c in (biggest, *rivals)))
    return Found(zones[:MAX_CHOICES], "city", biggest.name)


def _offset(key: str) -> timedelta | None:
    match = _OFFSET.fullmatch(key)
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes >= 60:
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if match["sign"] in "-−" else offset


def utc_offset(zone: str) -> str:
    """A fixed zone's offset as readers write it: "UTC−09:00" for Etc/GMT+9."""
    return _offset_label(ZoneInfo(zone).utcoffset(datetime(2026, 1, 1)) or timedelta(0))


def _offset_label(offset: timedelta) -> str:
    sign = "−" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@cache
def _folded(zones: frozenset[str]) -> dict[str, str]:
    return {fold(z): z for z in zones}


@cache
def zones_at(offset: timedelta, year: int = 2026) -> tuple[str, ...]:
    """The zones whose standard offset in `year` is `offset`, most populous first, and the
    fixed zone for that offset last (for a reader who truly wants no daylight saving)."""
    january = datetime(year, 1, 15, tzinfo=ZoneInfo("UTC"))
    july = datetime(year, 7, 15, tzinfo=ZoneInfo("UTC"))
    found = []
    for zone in zones_by_population():
        tz = ZoneInfo(zone)
        standard = min(january.astimezone(tz).utcoffset(), july.astimezone(tz).utcoffset())  # type: ignore[type-var]
        if standard == offset:
            found.append(zone)
    fixed = fixed_zone(offset)
    return (*found[: MAX_CHOICES - 1], *([fixed] if fixed else []))


def fixed_zone(offset: timedelta) -> str | None:
    """tzdata's fixed zone for a whole-hour offset: Etc/GMT-9 is UTC+9 (POSIX signs run
    backwards, which is why such a name is never offered without saying so)."""
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest:
        return None
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
