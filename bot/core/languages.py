"""The languages the bot speaks, and which one a chat gets.

A chat's language is stored once known. Until then it comes from the platform's hint (the
writer's Telegram client, the Discord locale), mapped onto what the bot speaks ("ko-KR" and
"ko" are Korean; anything it does not speak is no hint at all), else the configured default.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"en": "English", "ko": "한국어"}  # each named in itself
DEFAULT_LANGUAGE = "en"
# What a reader may type after /language, besides the codes and the names above.
_SPELLINGS = {"english": "en", "영어": "en", "korean": "ko", "한국말": "ko", "조선어": "ko"}


def supported(hint: str | None) -> str | None:
    """The language the bot speaks for a platform's locale ("ko-KR" → "ko"), or None."""
    if not hint:
        return None
    code = hint.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def named(text: str) -> str | None:
    """The language a reader named ("ko", "Korean", "한국어", "english"), or None."""
    word = text.strip().lower()
    by_name = {name.lower(): code for code, name in LANGUAGES.items()}
    return supported(word) or by_name.get(word) or _SPELLINGS.get(word)
