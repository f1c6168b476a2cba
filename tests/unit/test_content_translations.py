"""Translations in the content: read beside the English, refused when malformed, listed by
`check` when missing or written for an English text that has changed since."""

from __future__ import annotations

from pathlib import Path

from bot.catalog.loader import load_library
from bot.catalog.translations import fingerprint

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
