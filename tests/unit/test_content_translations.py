"""Translations in the content: read beside the English, refused when malformed, listed by
`check` when missing or written for an English text that has changed since."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.entries import plain_length
from bot.catalog.loader import load_library
from bot.catalog.translations import fingerprint, in_language

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Defectors and escape"  # the sample library's first topic, on lines 2 to 5
DESCRIPTION = "People who flee North Korea, the routes they take and the dangers on the way."
CURRENT = fingerprint(TITLE, DESCRIPTION)


def load_with(content: Path, ko: str):
    """The sample library with `ko` (YAML lines) added to its first topic, from line 6."""
    path = content / "topics.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:5], ko, *lines[5:]]), encoding="utf-8")
    return load_library(content)


def test_a_current_translation_is_served_and_not_reported(content: Path) -> None:
    ko = f"  ko:\n    title: 탈북민\n    description: 떠나는 사람들.\n    english: {CURRENT}\n"
    result = load_with(content, ko)
    assert result.library is not None, result.problems
    topic = result.library.topics[0]
    assert (topic.title_in("ko"), topic.description_in("ko")) == ("탈북민", "떠나는 사람들.")
    assert topic.title_in("en") == TITLE
    assert not [w for w in result.warnings if "topic 'defectors'" in w.message]


def test_a_translation_of_an_older_english_is_listed_with_the_fingerprint_to_set(
    content: Path,
) -> None:
    ko = "  ko:\n    title: 탈북민\n    description: 떠나는 사람들.\n    english: 00000000\n"
    result = load_with(content, ko)
    assert result.library is not None
    [stale] = [w for w in result.warnings if "topic 'defectors'" in w.message]
    assert stale.line == 7  # the translation's first field, under `ko:` on line 6
    assert stale.message.endswith(f"set english: {CURRENT}")
    assert result.library.topics[0].title_in("ko") == "탈북민"  # still served meanwhile


def test_a_translation_must_translate_every_field(content: Path) -> None:
    result = load_with(content, "  ko:\n    title: 탈북민\n    sumary: x\n")
    assert result.library is None
    messages = [p.message for p in result.problems]
    assert "unknown field 'sumary'" in " ".join(messages)
    assert "missing field 'description'" in messages


def test_check_lists_what_has_no_translation_yet(content: Path) -> None:
    result = load_with(content, "")
    [missing] = [w for w in result.warnings if "topic(s)" in w.message]
    assert missing.message.startswith("no Korean text yet for")
    assert "defectors" in missing.message


def test_every_shipped_topic_has_a_current_korean_text() -> None:
    result = load_library(ROOT / "content")
    assert result.library is not None
    for topic in result.library.topics:
        [korean] = topic.translations
        assert not korean.stale, topic.slug
        assert korean.text("title") and korean.text("description")


def brief_with(content: Path, ko: str) -> Path:
    path = content / "briefs" / "2018-01-workers-in-russia.yaml"
    path.write_text(path.read_text(encoding="utf-8") + ko, encoding="utf-8")
    return path


def test_a_brief_is_shown_in_the_readers_language_or_marked_as_english(content: Path) -> None:
    from bot.core.messages import use_locale
    from bot.core.views import brief_parts

    result = load_library(content)
    assert result.library is not None
    english = next(b for b in result.library.briefs if b.id == "2018-01-workers-in-russia")
    summary = fingerprint(english.title, english.summary)
    brief_with(
        content,
        f"ko:\n  title: 러시아에 남은 북한 노동자 수만 명\n"
        f"  summary: 러시아에서 일하는 북한 노동자가 약 50,000명으로 추산됩니다.\n"
        f"  english: {summary}\n",
    )
    result = load_library(content)
    assert result.library is not None, result.problems
    brief = next(b for b in result.library.briefs if b.id == "2018-01-workers-in-russia")
    other = next(b for b in result.library.briefs if b.id != brief.id)
    shown_on = english.date.earliest if english.date else None
    with use_locale("ko"):
        korean = [str(getattr(p, "text", "")) for p in brief_parts(brief, shown_on)]
        untranslated = [str(getattr(p, "text", "")) for p in brief_parts(other, shown_on)]
    assert "러시아에 남은 북한 노동자 수만 명" in korean
    assert "아직 번역되지 않아 영어 원문으로 보여 드립니다." not in korean
    assert "아직 번역되지 않아 영어 원문으로 보여 드립니다." in untranslated
    english_view = [str(getattr(p, "text", "")) for p in brief_parts(brief, shown_on)]
    assert english.title in english_view and "Not translated yet" not in " ".join(english_view)
    assert not [w for w in result.warnings if "brief '2018-01-workers-in-russia'" in w.message]


def test_a_stale_brief_translation_is_listed_at_its_own_file(content: Path) -> None:
    path = brief_with(content, "ko:\n  title: 제목\n  summary: 요약입니다.\n  english: 0\n")
    result = load_library(content)
    [stale] = [w for w in result.warnings if "written for another English" in w.message]
    assert "brief '2018-01-workers-in-russia'" in stale.message
    assert stale.path == path and "set english: " in stale.message


def test_a_new_translation_is_told_the_fingerprint_to_record(content: Path) -> None:
    result = load_with(content, "  ko:\n    title: 탈북민\n    description: 떠나는 사람들.\n")
    [new] = [w for w in result.warnings if "topic 'defectors'" in w.message]
    assert "does not say which English it renders" in new.message
    assert new.message.endswith(f"set english: {CURRENT}")


def test_a_translation_that_loses_a_figure_or_a_year_is_listed(content: Path) -> None:
    path = content / "briefs" / "2018-01-workers-in-russia.yaml"
    result = load_library(content)
    assert result.library is not None
    english = next(b for b in result.library.briefs if b.id == "2018-01-workers-in-russia")
    assert "50,000" in english.summary
    current = fingerprint(english.title, english.summary)
    lost = (
        f"ko:\n  title: 러시아의 북한 노동자\n  summary: 수만 명이 일합니다.\n"
        f"  english: {current}\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + lost, encoding="utf-8")
    [lacking] = [w for w in load_library(content).warnings if "lacks" in w.message]
    assert "lacks the English's 50,000" in lacking.message and lacking.path == path
    for kept in ("약 50,000명이", "약 5만 명이"):  # the same figure, by value
        path.write_text(
            path.read_text(encoding="utf-8").replace(lost, lost.replace("수만 명이", kept)),
            encoding="utf-8",
        )
        assert not [w for w in load_library(content).warnings if "lacks" in w.message]
        path.write_text(
            path.read_text(encoding="utf-8").replace(lost.replace("수만 명이", kept), lost),
            encoding="utf-8",
        )


def test_the_safety_checks_read_the_korean_too(content: Path) -> None:
    """An age the English left out, brought back by a translation, is found; so is a
    translation too long for one message."""
    from bot.catalog.findings import identifying_details

    path = content / "briefs" / "2018-01-workers-in-russia.yaml"
    aged = "ko:\n  title: 러시아의 노동자\n  summary: 27세 노동자가 50,000명 중 한 명입니다.\n"
    path.write_text(path.read_text(encoding="utf-8") + aged, encoding="utf-8")
    result = load_library(content)
    assert result.library is not None
    brief = next(b for b in result.library.briefs if b.id == "2018-01-workers-in-russia")
    [age] = [f for f in identifying_details(brief) if f.check == "age"]
    assert age.field == "ko.summary" and "27세" in age.message

    long = "ko:\n  title: 러시아의 노동자\n  summary: " + "긴 문장입니다. " * 600 + "\n"
    path.write_text(path.read_text(encoding="utf-8").replace(aged, long), encoding="utf-8")
    result = load_library(content, max_rendered=plain_length)
    assert any("too long for one message in Korean" in p.message for p in result.problems)
    assert not any("too long for one message:" in p.message for p in result.problems)


def test_every_shipped_entry_has_a_current_korean_text_that_keeps_its_facts() -> None:
    """The shipped library in Korean: every topic, brief and prayer point translated from the
    English as it is now, with its figures, years and named sources carried over, and no
    identifying detail brought back that is not acknowledged."""
    from bot.catalog.findings import identifying_details, read_acknowledged

    result = load_library(ROOT / "content")
    assert result.library is not None, result.problems
    library = result.library
    entries = [*library.topics, *library.briefs, *library.prayers]
    untranslated = [e for e in entries if not e.translations]
    assert untranslated == []
    for entry in entries:
        [korean] = entry.translations
        assert not korean.stale and korean.missing_facts == (), (entry, korean)
    reviewed = read_acknowledged(ROOT / "content")
    unreviewed = [
        f
        for entry in (*library.briefs, *library.prayers)
        for f in identifying_details(entry)
        if (f.entry, f.fingerprint) not in reviewed
    ]
    assert unreviewed == []
    assert not [w for w in result.warnings if "Korean" in w.message]


def test_a_brief_may_give_its_sources_as_korean_readers_see_them(content: Path) -> None:
    """One Korean source for each English one, shown to Korean readers; a list of another
    length is refused, and a figure in a source must be carried like any other."""
    path = content / "briefs" / "2018-01-workers-in-russia.yaml"
    english = path.read_text(encoding="utf-8")
    ko = "ko:\n  title: 러시아의 노동자\n  summary: 50,000명이 일합니다.\n"
    path.write_text(english + ko + '  sources: ["로이터(Reuters)"]\n', encoding="utf-8")
    result = load_library(content)
    assert result.library is not None, result.problems
    brief = next(b for b in result.library.briefs if b.id == "2018-01-workers-in-russia")
    assert brief.sources == ("Reuters",)
    assert in_language(brief, "ko")[0].sources == ("로이터(Reuters)",)

    path.write_text(english + ko + "  sources: [로이터, AP]\n", encoding="utf-8")
    result = load_library(content)
    assert result.library is None
    refused = "'sources' lists 2 source(s) and the English 1"
    assert any(refused in problem.message for problem in result.problems)
