"""The cities readers name, with their IANA zones, from `cities.tsv` (GeoNames; `build.py`).

One index of every spelling (accents and case folded, Hangul as written) to the cities it
names, biggest first; loaded once, on the first question about a place (about 0.3 s).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.core.places.countries import country_name
from bot.core.places.spelling import fold


@dataclass(frozen=True)
class City:
    population: int
    name: str
    country: str
    zone: str


def cities_starting(typed: str, limit: int) -> list[tuple[str, str]]:
    """("Busan, South Korea", "Asia/Seoul") for the biggest cities a spelling of which starts
    with `typed` (two letters at least): what a reader sees while typing a place."""
    key = fold(typed)
    if len(key) < 2:
        return []
    keys = _city_keys()
    found: dict[tuple[str, str], City] = {}
    for index in range(bisect.bisect_left(keys, key), len(keys)):
        if not keys[index].startswith(key) or len(found) >= 50 * limit:
            break
        for city in city_index()[keys[index]]:
            found.setdefault((city.name, city.country), city)
    best = sorted(found.values(), key=lambda c: -c.population)[:limit]
    return [(f"{c.name}, {country_name(c.country)}", c.zone) for c in best]


@cache
def _city_keys() -> list[str]:
    return sorted(city_index())


@cache
def city_index() -> dict[str, list[City]]:
    """Every spelling (folded) and Hangul name → the cities it names, biggest first."""
    index: dict[str, list[City]] = {}
    text = resources.files(__package__).joinpath("cities.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        population, name, country, zone, latin, hangul = line.split("\t")
        city = City(int(population), name, country, zone)
        for spelling in {fold(name), *latin.split("|"), *hangul.split("|")} - {""}:
            index.setdefault(fold(spelling), []).append(city)
    for cities in index.values():
        cities.sort(key=lambda c: -c.population)
    return index


@cache
def zones_by_population() -> tuple[str, ...]:
    """Zones in order of the people in their cities, most first."""
    people: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for cities in city_index().values():
        for city in cities:
            if (city.name, city.zone) not in seen:
                seen.add((city.name, city.zone))
                people[city.zone] = people.get(city.zone, 0) + city.population
    return tuple(sorted(people, key=lambda z: -people[z]))


def by_population(zones: Iterable[str]) -> tuple[str, ...]:
    rank = {z: i for i, z in enumerate(zones_by_population())}
    return tuple(sorted(dict.fromkeys(zones), key=lambda z: rank.get(z, len(rank))))
