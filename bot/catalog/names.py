"""How topic names and ids are written, compared and guessed at.

Editors and chat users type topic names loosely ("Human rights", "human_rights",
" DEFECTOR "); one normal form lets the loader's duplicate check and the catalog's lookup
agree on what counts as the same name. The "did you mean" guesses live here too, so the
loader's messages and the chat command's suggestions come from the same rule.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

SLUG_RE = re.compile(r"[a-z0-9-]+")
_SEPARATORS = re.compile(r"[\s_-]+")


def normalise_name(name: str) -> str:
    """Fold case and treat runs of spaces, underscores and hyphens as one hyphen."""
    return _SEPARATORS.sub("-", name.strip().casefold()).strip("-")


def is_slug(text: str) -> bool:
    return SLUG_RE.fullmatch(text) is not None


NEAR_BEST = 0.1  # a suggestion this much less alike than the best one is noise


def closest(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The choices most like `word`, best first; empty when nothing is close enough."""
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A message suffix such as " (did you mean 'summary'?)", or "" when there is no guess."""
    best = closest(word, choices)
    return f" (did you mean '{best[0]}'?)" if best else ""


class TopicNames:
    """Every slug and alias of the topics, normalised, each pointing at its topic's slug."""

    def __init__(self) -> None:
        self._slugs: dict[str, str] = {}

    def add(self, name: str, slug: str) -> str | None:
        """Claim `name` for `slug`; return the other topic's slug if it already holds it."""
        holder = self._slugs.setdefault(normalise_name(name), slug)
        return holder if holder != slug else None

    def slug_for(self, name: str) -> str | None:
        return self._slugs.get(normalise_name(name))

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """Slugs of the topics whose names look most like `name`, best first, no repeats;
        only those nearly as close as the best ("defecters": defectors, not nuclear)."""
        wanted = normalise_name(name)
        matches = closest(wanted, self._slugs, n=n * 4)
        if not matches:
            return []
        best = _likeness(wanted, matches[0])
        near = [m for m in matches if _likeness(wanted, m) >= best - NEAR_BEST]
        return list(dict.fromkeys(self._slugs[match] for match in near))[:n]


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()
