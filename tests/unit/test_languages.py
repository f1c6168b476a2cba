"""The Korean catalog beside the English one: every key, the same placeholders, the right
plurals and dates; and which language a chat gets."""

from __future__ import annotations

from datetime import date

import pytest
from babel.messages.pofile import read_po

from bot.core.languages import LANGUAGES, named, supported
from bot.core.messages import LOCALE_DIR, day_text, placeholders, source, t, tn, use_locale

DAY = date(2026, 12, 3)


def catalog(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "briefbot.po").open("rb") as file:
        return read_po(file, locale=language)


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_every_key_is_translated_with_the_same_placeholders(language: str) -> None:
    english = source()
    translated = {str(m.context): m for m in catalog(language) if m.id}
    assert set(translated) == set(english), "keys missing or left over"
    for key, message in translated.items():
        assert not message.fuzzy, f"{key} is marked fuzzy: its English changed"
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            assert text.strip(), f"{key} is empty"
            assert placeholders(text) == english[key].placeholders, key
        assert message.id == (
            english[key].singular
            if english[key].plural is None
            else (english[key].singular, english[key].plural)
        ), f"{key} translates another English text"


def test_plurals_follow_each_language() -> None:
    with use_locale("en"):
        assert tn("count.briefs", 1) == "1 brief"
        assert tn("count.briefs", 2) == "2 briefs"
    with use_locale("ko"):
        assert tn("count.briefs", 1) == "브리프 1편"
        assert tn("count.briefs", 32) == "브리프 32편"
        assert tn("prayed.thanks", 3).endswith("오늘 3명이 이 제목으로 기도했습니다.")


def test_dates_read_naturally_in_each_language() -> None:
    assert day_text(DAY, "date.long", "en") == "Thursday 3 December 2026"
    assert day_text(DAY, "date.short", "en") == "Thu 3 Dec"
    assert day_text(DAY, "date.long", "ko") == "2026년 12월 3일 목요일"
    assert day_text(DAY, "date.short", "ko") == "12월 3일 (목)"


def test_a_sentence_is_looked_up_in_the_current_language() -> None:
    with use_locale("ko"):
        assert t("subscribed", time="07:30", zone="Asia/Seoul") == (
            "구독했습니다. 매일 07:30(Asia/Seoul)에 브리프가 도착합니다."
        )
    with use_locale("ko-KR"):
        assert t("button.subscribe") == "구독"
    assert t("button.subscribe") == "Subscribe"  # English outside


@pytest.mark.parametrize(
    ("hint", "expected"),
    [("ko", "ko"), ("ko-KR", "ko"), ("en-US", "en"), ("en", "en"), ("ja", None), (None, None)],
)
def test_a_platform_hint_maps_onto_what_the_bot_speaks(hint, expected) -> None:
    assert supported(hint) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ko", "ko"), ("한국어", "ko"), ("Korean", "ko"), ("en", "en"), ("영어", "en"), ("fr", None)],
)
def test_a_reader_may_name_a_language_as_they_say_it(text, expected) -> None:
    assert named(text) == expected


def test_times_of_day_read_naturally_in_each_language() -> None:
    from datetime import time

    from bot.core.messages import clock_text

    assert [clock_text(time(h, m), "en") for h, m in ((7, 30), (19, 5))] == ["07:30", "19:05"]
    assert [clock_text(time(h, m), "ko") for h, m in ((7, 30), (19, 5))] == [
        "오전 7:30",
        "오후 7:05",
    ]
