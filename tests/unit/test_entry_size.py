"""The content checker sizes an entry by a bound on its text when that bound fits for sure:
the bound must never be less than what the renderer really makes, in either language."""

from __future__ import annotations

import pytest

from bot.bootstrap import LABELS_AT_MOST, measure_entry, text_at_most
from bot.catalog.model import Brief, PartialDate, Prayer, Translation
from bot.core.messages import use_locale
from bot.core.views import entry_parts
from bot.render.telegram_html import TELEGRAM_LIMIT, rendered_length

HARD = "Tom & Jerry <b> said “no” 😀 — 탈북민 & 송금액 > 0. "  # escapes, emoji, Hangul


def brief(text: str, translated: bool) -> Brief:
    korean = Translation("ko", (("title", text), ("summary", text * 3)), "x", "x", 1)
    return Brief(
        "b",
        HARD * 2,
        text * 4,
        PartialDate(2019, 9, 30),  # the longest dates: a day, in September, on a Wednesday
        ("defectors", "border", "trafficking"),
        ("Transitional Justice Working Group", "Korea Future Initiative", "Reuters", "AFP"),
        link="https://example.org/a?b=1&c='2'",
        content_note="Sexual exploitation of women & girls.",
        lead=HARD,
        translations=(korean,) if translated else (),
    )


def prayer(text: str, translated: bool) -> Prayer:
    korean = Translation("ko", (("title", "제목"), ("text", text), ("act", text)), "x", "x", 1)
    return Prayer(
        "p",
        text * 2,
        ("church",),
        title=HARD,
        verse="2 Thessalonians 3:16",
        act=HARD,
        translations=(korean,) if translated else (),
    )


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("translated", [True, False])
@pytest.mark.parametrize("make", [brief, prayer])
def test_the_bound_is_never_below_the_rendered_length(language, translated, make) -> None:
    for text in ("", "a", HARD, HARD * 20):
        entry = make(text, translated)
        with use_locale(language):
            rendered = rendered_length(entry_parts(entry))
        assert rendered <= text_at_most(entry, language) + LABELS_AT_MOST


def test_an_entry_near_the_limit_is_measured_exactly() -> None:
    long = brief("긴 문장입니다. " * 500, translated=True)
    with use_locale("ko"):
        exact = rendered_length(entry_parts(long))
    assert exact > TELEGRAM_LIMIT
    assert measure_entry(long, "ko") == exact
    short = brief("짧은 문장.", translated=True)
    assert measure_entry(short, "ko") <= TELEGRAM_LIMIT
