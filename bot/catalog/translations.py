"""The content in other languages than English: a translation beside the English it renders.

An entry may carry a mapping per language (`ko:`) holding its translated fields and
`english:`, the fingerprint of the English text the translation was written from. English is
the source: when an editor changes it, the fingerprint no longer matches and `briefbot check`
lists the translation as out of date, with the fingerprint to set once it is brought up to
date. Readers meanwhile still get the translation; where there is none, the English.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from bot.catalog.fields import Fields
from bot.catalog.model import Library, Translation
from bot.catalog.problems import Problem

CONTENT_LANGUAGES = ("ko",)  # besides English
NAMES = {"ko": "Korean"}  # as `check` names them
FINGERPRINT = "english"


def fingerprint(*english: str) -> str:
    """What a translation was written from: eight hex digits of a hash of the English."""
    return hashlib.sha256("\x1f".join(english).encode()).hexdigest()[:8]


def read_translations(
    fields: Fields, translatable: Sequence[str], english: Sequence[str]
) -> tuple[Translation, ...]:
    """Every language's translation of the fields `translatable` (whose English is
    `english`, in the same order): each must translate all of them."""
    found = []
    for language in CONTENT_LANGUAGES:
        inner = fields.section(language, (*translatable, FINGERPRINT))
        if inner is None:
            continue
        texts = [(name, inner.text(name, one_line=True)) for name in translatable]
        written_for = inner.text(FINGERPRINT, required=False, one_line=True)
        if inner.failed:
            continue
        found.append(
            Translation(
                language,
                tuple((name, text) for name, text in texts if text is not None),
                written_for,
                fingerprint(*english),
                inner.line,
            )
        )
    return tuple(found)


def translation_warnings(library: Library, topics_file: Path) -> list[Problem]:
    """What `check` says of the translations: each out of date (with the fingerprint to set
    once it matches the English again), and what has none yet."""
    warnings = []
    untranslated: dict[str, list[str]] = {language: [] for language in CONTENT_LANGUAGES}
    for topic in library.topics:
        done = {t.language: t for t in topic.translations}
        for language in CONTENT_LANGUAGES:
            translation = done.get(language)
            if translation is None:
                untranslated[language].append(topic.slug)
            elif translation.stale:
                warnings.append(
                    Problem(
                        topics_file,
                        translation.line,
                        f"the {NAMES[language]} text of topic '{topic.slug}' was written for "
                        f"another English text: bring it up to date, then set {FINGERPRINT}: "
                        f"{translation.current}",
                    )
                )
    for language, slugs in untranslated.items():
        if slugs:
            warnings.append(
                Problem(
                    topics_file,
                    0,
                    f"no {NAMES[language]} text yet for {len(slugs)} topic(s): {', '.join(slugs)}",
                )
            )
    entries = len(library.briefs) + len(library.prayers)
    for language in CONTENT_LANGUAGES:
        warnings.append(
            Problem(
                topics_file.parent,
                0,
                f"no {NAMES[language]} text yet for the {entries} briefs and prayer points: "
                f"readers in {NAMES[language]} get them in English",
            )
        )
    return warnings
