"""Every sentence a reader sees, looked up by a stable key in gettext catalogs.

Handlers ask for `t("subscribed", time="07:30", zone="Asia/Seoul")`, or for a sentence with a
number `tn("prayed.thanks", 3)`, and never hold prose themselves. The sentences live in
`bot/locale/briefbot.pot` (English, the source) and `bot/locale/<lang>/LC_MESSAGES/briefbot.po`
(translations), the files Poedit and Weblate read. Each entry's `msgctxt` is the key the code
uses and its `msgid` the English text, so translators see English and a changed English text
marks the translation fuzzy, while the call sites never change.

The files are read as they are (Babel's `read_po`, compiled in memory): no build step, so an
editable install and CI just work. The language is `current_locale`, a context variable that
defaults to English; an adapter sets it per event, and asyncio keeps it per task.

Placeholders use `str.format` names; values are inserted as plain text (renderers escape).
A key or placeholder that does not exist is a bug: with BRIEFBOT_STRICT_MESSAGES=1 (the test
suite sets it) it raises; in production the reader gets the key or the English text and the
log says so once.
"""

from __future__ import annotations

import gettext
import io
import logging
import os
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, time
from functools import cache, lru_cache
from importlib.resources import files
from typing import Final

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

DOMAIN: Final = "briefbot"
DEFAULT_LOCALE: Final = "en"
STRICT_ENV: Final = "BRIEFBOT_STRICT_MESSAGES"
LOCALE_DIR: Final = files("bot") / "locale"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)
_reported: set[str] = set()


class MessageError(LookupError):
    """A message key, plural or placeholder the catalog does not have (strict mode only)."""


@dataclass(frozen=True)
class Source:
    """One entry of the English template: the text, its plural, the names it fills in."""

    singular: str
    plural: str | None

    @property
    def placeholders(self) -> frozenset[str]:
        return placeholders(self.singular) | placeholders(self.plural or "")


def placeholders(text: str) -> frozenset[str]:
    """The `str.format` names in a message ("{time} ({zone})" → {"time", "zone"})."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@cache
def source() -> dict[str, Source]:
    """The English template by key (msgctxt), read once."""
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as file:
        catalog = read_po(file)
    entries: dict[str, Source] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, tuple | list):
            entries[str(message.context)] = Source(message.id[0], message.id[1])
        else:
            entries[str(message.context)] = Source(message.id, None)
    return entries


def english(prefix: str) -> dict[str, str]:
    """The English texts of the keys under `prefix`, keyed without it."""
    return {
        key.removeprefix(prefix): entry.singular
        for key, entry in source().items()
        if key.startswith(prefix)
    }


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalog of `locale` ("ko", "ko_KR", "ko-KR"), compiled in memory and kept.

    A locale without a catalog, English included, translates to the template's English.
    """
    for name in dict.fromkeys((locale.replace("-", "_"), locale.replace("-", "_").split("_")[0])):
        path = LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            with path.open("rb") as file:
                catalog = read_po(file, locale=name)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)  # fuzzy (outdated) entries are left out: English shows
            compiled.seek(0)
            return gettext.GNUTranslations(compiled)
    return gettext.NullTranslations()


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Speak `locale` inside the block (one event, one test), then whatever was before."""
    token = current_locale.set(locale)
    try:
        yield
    finally:
        current_locale.reset(token)


def t(key: str, **values: object) -> str:
    """Look up a sentence in the current language and fill in its placeholders."""
    entry = source().get(key)
    if entry is None:
        return _missing(key, f"there is no message {key!r} in {DOMAIN}.pot")
    if entry.plural is not None:
        _problem(key, f"message {key!r} has a plural: call tn({key!r}, count)")
        return tn(key, _count(values), **values)
    text = translations(current_locale.get()).pgettext(key, entry.singular)
    return _fill(key, text, entry.singular, values)


def tn(key: str, count: int, **values: object) -> str:
    """Look up a sentence with a number in the right plural form; `{count}` is filled in."""
    entry = source().get(key)
    if entry is None:
        return _missing(key, f"there is no message {key!r} in {DOMAIN}.pot")
    if entry.plural is None:
        _problem(key, f"message {key!r} has no plural: call t({key!r})")
        return _fill(key, entry.singular, entry.singular, {"count": count, **values})
    text = translations(current_locale.get()).npgettext(key, entry.singular, entry.plural, count)
    english_text = entry.singular if count == 1 else entry.plural
    return _fill(key, text, english_text, {"count": count, **values})


def day_text(day: date, pattern_key: str, locale: str | None = None) -> str:
    """A date in words, its pattern (a CLDR one, "EEEE d MMMM y") taken from the catalog.

    The pattern is a message so that each language orders the day, month and weekday its own
    way; Babel supplies the names. `locale` defaults to the current one (English unless set).
    """
    return _day_text(day, pattern_key, locale or current_locale.get())


def clock_text(moment: time, locale: str | None = None) -> str:
    """A time of day as readers write it: "07:30" in English, "오전 7:30" in Korean (the
    pattern is the catalog's `time.clock`, Babel supplies 오전 and 오후)."""
    locale = locale or current_locale.get()
    with use_locale(locale):
        pattern = t("time.clock")
    return format_time(moment, pattern, locale=_babel_locale(locale))


@lru_cache(maxsize=8192)
def _day_text(day: date, pattern_key: str, locale: str) -> str:
    """Kept: checking a library formats the same few thousand dates again and again."""
    with use_locale(locale):
        pattern = t(pattern_key)
    return format_date(day, pattern, locale=_babel_locale(locale))


@cache
def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        _problem(locale, f"Babel knows no locale {locale!r}; dates are in English")
        return Locale.parse(DEFAULT_LOCALE)


def _fill(key: str, text: str, english_text: str, values: dict[str, object]) -> str:
    """Format a translation; one with a placeholder the code does not pass falls back to
    English, whose placeholders the tests check against every call."""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as error:
        if text == english_text:
            raise
        _problem(key, f"the {current_locale.get()} text of {key!r} does not fit: {error!r}")
        return english_text.format(**values)


def _count(values: dict[str, object]) -> int:
    count = values.pop("count", 0)
    return count if isinstance(count, int) else 0


def _missing(key: str, problem: str) -> str:
    _problem(key, problem)
    return key


def _problem(key: str, problem: str) -> None:
    """Raise in strict mode (tests); in production log it once and carry on."""
    if os.environ.get(STRICT_ENV) == "1":
        raise MessageError(problem)
    if key not in _reported:
        _reported.add(key)
        log.error("message catalog: %s", problem)
