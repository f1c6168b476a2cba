"""The checks that guard people and facts read Korean as they read English: identifying
details, Scripture references and the names of sources a translation must keep."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.findings import identifying_details
from bot.catalog.loader import load_library
from bot.catalog.model import Prayer, Translation
from bot.catalog.rules import sentence_count, verse_problem
from bot.catalog.scripture import reference_in
from bot.catalog.translations import in_language, missing_facts


def korean(text: str) -> Prayer:
    """A prayer whose English is harmless and whose Korean is `text`."""
    translation = Translation("ko", (("text", text),), None, "x", 1)
    return Prayer("p", "Pray for those who flee.", ("defectors",), translations=(translation,))


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("그는 3월 14일 밤에 탈북했습니다.", "dated-escape"),
        ("12월 3일에 구출된 여성들을 위해 기도합시다.", "dated-escape"),
        ("일행 다섯 명이 옌지에서 붙잡혔습니다.", "group-and-place"),
        ("다른 4명과 함께 단둥 근처에 숨어 있었습니다.", "group-and-place"),
        ("27세 여성이 풀려났습니다.", "age"),
        ("스물일곱 살 여성이 풀려났습니다.", "age"),
    ],
)
def test_an_identifying_detail_in_korean_is_found(text: str, check: str) -> None:
    found = identifying_details(korean(text))
    assert [(f.field, f.check) for f in found] == [("ko.text", check)], found


@pytest.mark.parametrize(
    "text",
    [
        "2019년 6월에 중국에서 탈북민 30명 이상이 구금되었습니다.",  # a month, not a day
        "12월 3일에 기도회가 열립니다. 국경을 건너는 이들을 위해 기도합시다.",  # two sentences
        "여러 명이 함께 기도합니다.",
    ],
)
def test_public_facts_in_korean_are_not_flagged(text: str) -> None:
    assert identifying_details(korean(text)) == []


def test_korean_sentences_are_counted_as_sentences() -> None:
    assert sentence_count("주님, 지켜 주십시오. 그들을 인도해 주십시오. 아멘.") == 3


def test_a_reference_reads_with_the_korean_book_name() -> None:
    assert reference_in("Psalm 146:7", "ko") == "시편 146:7"
    assert reference_in("1 John 3:17-18", "ko") == "요한일서 3:17-18"
    assert reference_in("Psalm 146:7", "en") == "Psalm 146:7"
    prayer = Prayer(
        "p", "Pray.", ("church",), verse="Micah 6:8", translations=korean("기도").translations
    )
    assert in_language(prayer, "ko")[0].verse == "미가 6:8"


def test_a_book_the_table_does_not_know_is_refused_with_the_way_to_write_it() -> None:
    assert verse_problem("Psalm 146:7") is None
    problem = verse_problem("Psalms of Ascent 1:1")
    assert problem is not None and "write its English name in full" in problem


def test_a_translation_must_keep_the_sources_the_english_names() -> None:
    english = ["A pastor at Caleb Mission Church said 30 were held."]
    sources = ["Caleb Mission Church", "Daily NK"]  # only the first is named in the text
    assert missing_facts(
        english, ["칼렙선교교회 목사는 30명이 억류됐다고 말했습니다."], sources
    ) == ("Caleb Mission Church",)
    kept = "칼렙선교교회(Caleb Mission Church) 목사는 30명이 억류됐다고 말했습니다."
    assert missing_facts(english, [kept], sources) == ()


def test_a_figure_counts_by_its_value_in_either_language() -> None:
    english = ["Almost 12 million people, 65.7% of them, sent $17 million in 2019."]
    korean = ["약 1,200만 명, 그중 65.7%가 2019년에 1,700만 달러를 보냈습니다."]
    assert missing_facts(english, korean) == ()
    lost = ["약 1,200만 명이 2019년에 보냈습니다."]
    assert missing_facts(english, lost) == ("17 million", "65.7")


def test_a_source_that_only_says_who_spoke_is_translated_like_other_words() -> None:
    english = ["Korean NGOs estimated that most were trafficked."]
    assert missing_facts(english, ["한국의 NGO들은 추산했습니다."], ["Korean NGOs"]) == ()


def test_check_says_which_source_name_a_translation_lost(content: Path) -> None:
    path = content / "briefs" / "2018-01-workers-in-russia.yaml"
    named = path.read_text(encoding="utf-8").replace("A report", "A Reuters report")
    ko = "ko:\n  title: 러시아의 노동자\n  summary: 50,000명이 일한다는 보고서입니다.\n"
    path.write_text(named + ko, encoding="utf-8")
    [lacking] = [w for w in load_library(content).warnings if "lacks" in w.message]
    assert "lacks the English's Reuters" in lacking.message
    assert "under its published name" in lacking.message
    path.write_text(named + ko.replace("보고서", "로이터(Reuters) 보고서"), encoding="utf-8")
    assert not [w for w in load_library(content).warnings if "lacks" in w.message]


def test_a_young_childs_age_in_korean_words_is_found() -> None:
    [found] = identifying_details(korean("가장 어린 아이는 아홉 살입니다."))
    assert found.check == "age"
    assert identifying_details(korean("모두 살아 있기를 기도합니다.")) == []


def test_a_korean_word_is_searched_without_its_particle() -> None:
    from bot.catalog.search import stem

    assert [stem(w) for w in ("탈북민은", "송금액을", "장마당에서", "러시아로")] == [
        "탈북민",
        "송금액",
        "장마당",
        "러시아",
    ]
    kept = ("도로", "국가", "아이")  # a particle would leave one syllable: part of the word
    assert [stem(w) for w in kept] == list(kept)
