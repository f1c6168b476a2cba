"""Countries readers name, in English or Korean, and their zones.

Names come from CLDR through Babel (English and Korean), the zones of each country from
tzdata's own `zone.tab`, so both follow their upstream data.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Final

from babel import Locale

from bot.core.places.spelling import fold

# Country names readers use that CLDR does not list as such.
COUNTRY_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "korea": ("KR", "KP"),
    "한국": ("KR",),
    "남한": ("KR",),
    "조선": ("KP",),
    "usa": ("US",),
    "america": ("US",),
    "uk": ("GB",),
    "england": ("GB",),
    "britain": ("GB",),
    "great britain": ("GB",),
    "holland": ("NL",),
}


@cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """ISO country code → its zones, from tzdata's zone.tab."""
    text = resources.files("tzdata").joinpath("zoneinfo/zone.tab").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, zone, *_ = line.split("\t")
            found.setdefault(code, []).append(zone)
    return {code: tuple(zones) for code, zones in found.items()}


@cache
def countries() -> dict[str, tuple[str, ...]]:
    """Country names in English and Korean (CLDR) and common aliases → ISO codes."""
    names: dict[str, tuple[str, ...]] = {}
    for language in ("en", "ko"):
        for code, name in Locale(language).territories.items():
            if code in country_zones():
                names.setdefault(fold(name), (code,))
    for alias, codes in COUNTRY_ALIASES.items():
        names[fold(alias)] = codes
    return names


def country_name(code: str) -> str:
    return Locale("en").territories.get(code, code)
