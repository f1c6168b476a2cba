"""The content in other languages than English: a translation beside the English it renders.

An entry may carry a mapping per language (`ko:`) holding its translated fields and
`english:`, the fingerprint of the English text the translation was written from. English is
the source: when an editor changes it, the fingerprint no longer matches and `briefbot check`
lists the translation as out of date, with the fingerprint to set once it is brought up to
date. Readers meanwhile still get the translation; where there is none, the English.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from bot.catalog.fields import Fields
from bot.catalog.model import Brief, Library, Prayer, Topic, Translation, translation_in
from bot.catalog.problems import Problem
from bot.catalog.scripture import reference_in

T = TypeVar("T", bound=Brief | Prayer)
SOURCE_LANGUAGE = "en"

CONTENT_LANGUAGES = ("ko",)  # besides English
NAMES = {"ko": "Korean"}  # as `check` names them
FINGERPRINT = "english"


def fingerprint(*english: str) -> str:
    """What a translation was written from: eight hex digits of a hash of the English."""
    return hashlib.sha256("\x1f".join(english).encode()).hexdigest()[:8]


def read_translations(
    fields: Fields,
    translatable: Sequence[str],
    english: Sequence[str],
    one_line: bool = True,
    sources: Sequence[str] = (),
) -> tuple[Translation, ...]:
    """Every language's translation of the fields `translatable` (whose English is
    `english`, in the same order): each must translate all of them. Only the title of an
    entry is kept to one line when `one_line` is False (a summary, a prayer's text). The
    `sources` the English names in its text must keep their published names; a brief's
    translation may also give its `sources` as its readers should see them ("Partner
    newsletter" is 협력 단체 소식지), one for each, in the same order."""
    found = []
    allowed = (*translatable, FINGERPRINT, *(("sources",) if sources else ()))
    for language in CONTENT_LANGUAGES:
        inner = fields.section(language, allowed)
        if inner is None:
            continue
        texts = [
            (name, inner.text(name, one_line=one_line or name == "title")) for name in translatable
        ]
        written_for = inner.text(FINGERPRINT, required=False, one_line=True)
        shown = _translated_sources(inner, sources) if sources else ()
        if inner.failed:
            continue
        translated = tuple((name, text) for name, text in texts if text is not None)
        lacking = missing_facts(english, [text for _, text in translated], sources)
        if shown:  # a year in a source ("News archive (June 2019)") is a fact too
            lacking += missing_facts(sources, shown)
        source = [*english, *sources] if shown else list(english)  # what was translated
        found.append(
            Translation(
                language,
                translated,
                written_for,
                fingerprint(*source),
                inner.line,
                lacking,
                shown,
            )
        )
    return tuple(found)


def _translated_sources(inner: Fields, english: Sequence[str]) -> tuple[str, ...]:
    """The translation's list of sources, if it gives one: one for each of the English's."""
    listed = inner.texts("sources", required=False)
    if listed is None:
        return ()
    if len(listed) != len(english):
        inner.problem(
            inner.node("sources", required=False),
            f"'sources' lists {len(listed)} source(s) and the English {len(english)}: give "
            "each English source as readers should see it, in the same order",
        )
        return ()
    return tuple(text for text, _ in listed)


def missing_facts(
    english: Sequence[str], translated: Sequence[str], sources: Sequence[str] = ()
) -> tuple[str, ...]:
    """The figures and years of the English that the translation does not carry, as the
    English writes them, then the sources the English names that the translation does not
    name as published (a Korean gloss beside the name is welcome): a translation must not
    lose a fact, nor the reader the name to look a source up by. A figure counts by its value,
    so "1,000" is "1000" and "12 million" is "1,200만"."""
    english_text, translated_text = " ".join(english), " ".join(translated)
    figures = _figures(english_text) if _DIGIT.search(english_text) else []
    written = dict(reversed(figures))  # each value as the English first wrote it
    lacking: Counter[Decimal] = Counter()
    if figures:  # most entries have none: the counting is skipped
        wanted = Counter(value for value, _ in figures)
        lacking = wanted - Counter(value for value, _ in _figures(translated_text))
    names = [
        s
        for s in sources
        if s in english_text and s not in translated_text and not _describes_only(s)
    ]
    return (*sorted(written[value] for value in lacking.elements()), *names)


def _figures(text: str) -> list[tuple[Decimal, str]]:
    """Each figure in `text` by value, with how it is written."""
    found = []
    for match in _FIGURE.finditer(text):
        digits, scale = match.group(1).replace(",", ""), match.group(2)
        found.append(((Decimal(digits) * _SCALES.get(scale, 1)).normalize(), match.group(0)))
    return found


def _describes_only(source: str) -> bool:
    """A source that says who spoke rather than naming them ("South Korean officials"),
    translated like any other words."""
    return all(word in _DESCRIPTIVE for word in source.split())


MISSING_SHOWN = 5  # ids named in "no Korean text yet for ..."
_FIGURE = re.compile(r"(\d[\d,]*\d(?:\.\d+)?|\d(?:\.\d+)?)(?:\s?(million|billion|만|억))?")
_DIGIT = re.compile(r"\d")
_SCALES = {"million": 10**6, "billion": 10**9, "만": 10**4, "억": 10**8}
_DESCRIPTIVE = {"Korean", "South", "North", "Chinese", "Japanese", "NGOs", "officials"}


def in_language(entry: T, language: str) -> tuple[T, bool]:
    """The entry with its fields in `language`, and whether it has them (English always does;
    otherwise the English entry comes back, for the reader to be told it is not translated)."""
    if language == SOURCE_LANGUAGE:
        return entry, True
    translation = translation_in(entry.translations, language)
    if translation is None:
        return entry, False
    return _rendered(entry, translation), True


def _rendered(entry: T, translation: Translation) -> T:
    """`entry` with its fields in the translation's language (the reader read only fields
    the entry has)."""
    texts: dict[str, Any] = dict(translation.texts)
    if isinstance(entry, Brief) and translation.sources:
        texts["sources"] = translation.sources
    if isinstance(entry, Prayer) and entry.verse:
        texts["verse"] = reference_in(entry.verse, translation.language)
    return replace(entry, translations=(), **texts)


def translation_warnings(
    library: Library, topics_file: Path, located: Mapping[str, Path]
) -> list[Problem]:
    """What `check` says of the translations: each out of date (with the fingerprint to set
    once it matches the English again), and how many topics and entries have none yet."""
    warnings = []
    groups: list[tuple[str, Sequence[Topic | Brief | Prayer]]] = [
        ("topic", library.topics),
        ("brief", library.briefs),
        ("prayer point", library.prayers),
    ]
    for noun, items in groups:
        for language in CONTENT_LANGUAGES:
            missing = []
            for item in items:
                name = item.slug if isinstance(item, Topic) else item.id
                path = topics_file if isinstance(item, Topic) else located.get(name, topics_file)
                translation = translation_in(item.translations, language)
                if translation is None:
                    missing.append(name)
                    continue
                if translation.stale:
                    warnings.append(_stale(path, noun, name, translation))
                if translation.missing_facts:
                    warnings.append(_lacking(path, noun, name, translation))
            if missing:
                warnings.append(_missing(topics_file.parent, noun, language, missing))
    return warnings


def _stale(path: Path, noun: str, name: str, translation: Translation) -> Problem:
    language = NAMES[translation.language]
    if translation.written_for is None:  # a new translation: say which value records it
        said = f"the {language} text of {noun} '{name}' does not say which English it renders"
        then = f"if it renders the English as it is now, set {FINGERPRINT}: {translation.current}"
    else:
        said = f"the {language} text of {noun} '{name}' was written for another English text"
        then = f"bring it up to date, then set {FINGERPRINT}: {translation.current}"
    return Problem(path, translation.line, f"{said}: {then}")


def _lacking(path: Path, noun: str, name: str, translation: Translation) -> Problem:
    facts = ", ".join(translation.missing_facts)
    return Problem(
        path,
        translation.line,
        f"the {NAMES[translation.language]} text of {noun} '{name}' lacks the English's "
        f"{facts}: carry every figure and year over (as digits: 5만 or 50,000, not 오만) "
        "and every source under its published name",
    )


def _missing(root: Path, noun: str, language: str, names: list[str]) -> Problem:
    shown = ", ".join(names[:MISSING_SHOWN]) + (", ..." if len(names) > MISSING_SHOWN else "")
    return Problem(
        root,
        0,
        f"no {NAMES[language]} text yet for {len(names)} {noun}(s) ({shown}): readers in "
        f"{NAMES[language]} get them in English, marked as not translated",
    )
