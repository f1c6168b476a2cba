"""What chat commands ask the catalog: topics by loose name, entries by topic or id, search."""

from __future__ import annotations

import random

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.model import Brief, Library, PartialDate, Prayer, Topic

TOPICS = (
    Topic("defectors", "Defectors and escape", "People who flee.", ("defector", "escape")),
    Topic("human-rights", "Human rights", "Rights denied."),
    Topic("labour-abroad", "Labour abroad", "Workers sent abroad.", ("labor", "workers")),
)
SOME_YEAR = PartialDate(2019)


def brief(
    entry_id: str,
    *,
    title: str = "A brief",
    summary: str = "Nothing else to report today.",
    date: PartialDate = SOME_YEAR,
    topics: tuple[str, ...] = ("defectors",),
    sources: tuple[str, ...] = ("Yonhap",),
) -> Brief:
    return Brief(entry_id, title, summary, date, topics, sources)


def prayer(entry_id: str, text: str = "Pray.", *, title: str | None = None, topics=("defectors",)):
    return Prayer(entry_id, text, topics, title)


def catalog(*entries: Brief | Prayer) -> Catalog:
    briefs = tuple(e for e in entries if isinstance(e, Brief))
    prayers = tuple(e for e in entries if isinstance(e, Prayer))
    return Catalog(Library(TOPICS, briefs, prayers))


def ids(entries) -> list[str]:
    return [getattr(e, "entry", e).id for e in entries]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("defectors", "defectors"),
        ("  Defectors ", "defectors"),
        ("DEFECTOR", "defectors"),
        ("escape", "defectors"),
        ("human rights", "human-rights"),
        ("Human_Rights", "human-rights"),
        ("labour  abroad", "labour-abroad"),
        ("Labor", "labour-abroad"),
    ],
)
def test_a_topic_is_found_by_slug_or_alias_however_typed(name: str, slug: str) -> None:
    assert catalog().topic(name).slug == slug


@pytest.mark.parametrize("name", ["defecters", "", "   ", "weather"])
def test_an_unknown_topic_is_none(name: str) -> None:
    assert catalog().topic(name) is None


def test_a_mistyped_topic_gets_suggestions_best_first() -> None:
    shelf = catalog()

    assert [t.slug for t in shelf.suggest_topics("defecters")] == ["defectors"]
    assert [t.slug for t in shelf.suggest_topics("human rigths")] == ["human-rights"]
    assert [t.slug for t in shelf.suggest_topics("labr")] == ["labour-abroad"]


def test_a_name_like_no_topic_gets_no_suggestions() -> None:
    assert catalog().suggest_topics("weather forecast") == []


def test_suggestions_name_each_topic_once() -> None:
    # "defector" and "defectors" both look like it, yet they are one topic.
    assert [t.slug for t in catalog().suggest_topics("defectorz", n=3)] == ["defectors"]


def test_briefs_for_a_topic_come_latest_first_then_by_id() -> None:
    shelf = catalog(
        brief("old", date=PartialDate(2018, 12, 31)),
        brief("year", date=PartialDate(2019)),
        brief("day", date=PartialDate(2019, 6, 14)),
        brief("month-a", date=PartialDate(2019, 6)),
        brief("month-b", date=PartialDate(2019, 6)),
        brief("elsewhere", date=PartialDate(2020), topics=("human-rights",)),
    )

    assert ids(shelf.briefs_for("defectors")) == ["day", "month-b", "month-a", "year", "old"]


def test_briefs_and_prayers_for_accept_an_alias_and_are_empty_for_an_unknown_topic() -> None:
    shelf = catalog(brief("b"), prayer("p"))

    assert ids(shelf.briefs_for("Escape")) == ["b"]
    assert ids(shelf.prayers_for("defector")) == ["p"]
    assert shelf.briefs_for("weather") == []
    assert shelf.prayers_for("human-rights") == []


def test_prayers_for_a_topic_keep_the_editors_order() -> None:
    shelf = catalog(
        prayer("z"), prayer("a"), prayer("other", topics=("human-rights",)), prayer("m")
    )

    assert ids(shelf.prayers_for("defectors")) == ["z", "a", "m"]


def test_a_caller_cannot_change_the_catalog_through_a_returned_list() -> None:
    shelf = catalog(brief("b"))

    shelf.briefs_for("defectors").clear()

    assert ids(shelf.briefs_for("defectors")) == ["b"]


def test_entries_are_found_by_id_and_the_library_is_exposed() -> None:
    the_brief, the_prayer = brief("b"), prayer("p")
    shelf = catalog(the_brief, the_prayer)

    assert shelf.entry("b") is the_brief
    assert shelf.entry("p") is the_prayer
    assert shelf.entry("nope") is None
    assert shelf.topics == TOPICS
    assert shelf.briefs == (the_brief,)
    assert shelf.prayers == (the_prayer,)
    assert shelf.library.topic_by_slug["defectors"] is TOPICS[0]


def test_a_word_in_the_title_outranks_the_same_word_once_in_the_body() -> None:
    shelf = catalog(
        brief("in-body", title="Border news", summary="Families wait for a remittance again."),
        brief("in-title", title="Remittance news", summary="Families wait for money again."),
    )

    assert ids(shelf.search("remittance")) == ["in-title", "in-body"]


def test_plural_and_singular_find_each_other_whatever_the_case() -> None:
    shelf = catalog(
        brief("singular", summary="A remittance was sent."),
        brief("plural", summary="Remittances were sent."),
        brief("unrelated"),
    )

    assert sorted(ids(shelf.search("REMITTANCES"))) == ["plural", "singular"]
    assert sorted(ids(shelf.search("remittance"))) == ["plural", "singular"]


def test_an_entry_matching_more_of_the_words_ranks_higher() -> None:
    shelf = catalog(
        brief("one", summary="Workers in Russia."),
        brief("both", summary="Workers in Russia send remittances."),
        brief("other", summary="Remittances are taxed."),
    )

    assert ids(shelf.search("russia remittances"))[0] == "both"


def test_sources_topic_titles_and_prayers_are_searchable() -> None:
    shelf = catalog(
        brief("reuters", sources=("Reuters",)),
        brief("labour", topics=("labour-abroad",)),
        prayer("hope", "Pray for courage.", title="Hope"),
    )

    assert ids(shelf.search("reuters")) == ["reuters"]
    assert ids(shelf.search("abroad")) == ["labour"]
    assert ids(shelf.search("courage")) == ["hope"]
    assert ids(shelf.search("hope")) == ["hope"]


def test_korean_text_is_searchable_and_odd_queries_do_not_crash() -> None:
    shelf = catalog(brief("ko", summary="탈북자 가족들이 소식을 기다린다."))

    assert ids(shelf.search("탈북자")) == ["ko"]
    for query in ["", "   ", "?!…", "🙏", "the of", "북한"]:
        assert shelf.search(query) == []


def test_search_returns_at_most_limit_hits_best_first() -> None:
    shelf = catalog(*(brief(f"b{n}", summary="remittance " * (n + 1)) for n in range(8)))

    hits = shelf.search("remittance", limit=3)

    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert shelf.search("remittance", limit=0) == []


def test_a_query_of_several_words_scores_each_entry_as_the_sum_of_its_words() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{n}" for n in range(40)]
    shelf = catalog(
        *(
            brief(
                f"b{n}",
                title=" ".join(rng.choices(vocabulary, k=4)),
                summary=" ".join(rng.choices(vocabulary, k=rng.randint(5, 30))),
            )
            for n in range(300)
        )
    )
    for _ in range(30):
        words = rng.sample(vocabulary, rng.randint(2, 4))
        expected: dict[str, float] = {}
        for word in words:
            for hit in shelf.search(word, limit=1000):
                expected[hit.entry.id] = expected.get(hit.entry.id, 0.0) + hit.score
        best = sorted(expected.values(), reverse=True)[:10]

        scores = [hit.score for hit in shelf.search(" ".join(words))]

        assert scores == pytest.approx(best)


def test_a_search_in_korean_finds_translated_entries_and_korean_topic_titles() -> None:
    from dataclasses import replace

    from bot.catalog.model import Translation

    def korean(**texts: str) -> tuple[Translation, ...]:
        return (Translation("ko", tuple(texts.items()), "x", "x", 1),)

    translated = replace(
        brief("money", summary="Money goes home."),
        topics=("human-rights",),
        translations=korean(title="돈이 간다", summary="탈북민의 송금액이 늘었습니다."),
    )
    english_only = brief("rights", topics=("human-rights",))
    shelf = Catalog(
        Library(
            (
                replace(TOPICS[0], translations=korean(title="탈북과 탈출", description="떠남")),
                *TOPICS[1:],
            ),
            (translated, english_only, brief("fled")),
            (),
        )
    )
    assert ids(shelf.search("송금")) == ["money"]  # a word inside a Hangul compound
    assert ids(shelf.search("돈이")) == ["money"]
    # 탈북민의: the particle is not the word, in the text or the query; 탈북 (escape) ranks after
    assert ids(shelf.search("탈북민"))[0] == ids(shelf.search("탈북민은"))[0] == "money"
    assert ids(shelf.search("탈출")) == ["fled"]  # by its topic's Korean title
    assert ids(shelf.search("money")) == ["money"]  # the English still counts
