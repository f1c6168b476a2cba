"""The editors' guide rules that `briefbot check` enforces, each planted in a small library.

Every problem must come back at its `path:line` with a sentence an editor can act on, and a
library that keeps the rules must load.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.catalog.loader import load_library
from bot.catalog.rules import sentence_count
from tests.unit.test_catalog_loader import brief, prayer, reported, write

TODAY = date(2026, 12, 2)


def test_a_library_that_keeps_the_rules_loads(content: Path) -> None:
    write(content, "briefs/bad.yaml", brief(date='"undated"', content_note="Public executions."))
    listed = "- " + prayer(id="a-prayer", verse='"1 John 3:17-18"', act="Learn more.").replace(
        "\n", "\n  "
    )
    write(content, "prayers/defectors.yaml", listed)
    assert load_library(content, today=TODAY).library is not None


@pytest.mark.parametrize(
    ("changes", "line", "message"),
    [
        (
            {"summary": "See <b>this</b> " + "word " * 45},
            3,
            "summary contains an HTML tag ('<b>'); write plain text, the bot formats it for "
            "each platform",
        ),
        (
            {"summary": "Read https://example.org/story first " + "word " * 45},
            3,
            "summary contains a web address; put it in the brief's 'link' field instead",
        ),
        (
            {"summary": "A **bold** claim " + "word " * 45},
            3,
            "summary contains Markdown emphasis (*stars* or _underscores_) ('**bold**'); write "
            "plain text, the bot formats it for each platform",
        ),
        (
            {"topics": "[defectors, persecuted-church, labour-abroad, human-rights]"},
            5,
            "a brief has 4 topics; the house rule is at most 3: keep the ones it is mainly about",
        ),
        (
            {"date": '"2027-01"'},
            4,
            "the date 2027-01 lies in the future; 'date' says when the news happened (use "
            "'send_on' for the day it should go out)",
        ),
        (
            {"content_note": "A note that goes on and on for far more words than a reader needs"},
            7,
            "content_note has 15 words; keep it to 12 or fewer",
        ),
    ],
    ids=["html", "url", "markdown", "four topics", "future date", "long note"],
)
def test_a_brief_that_breaks_a_house_rule_is_reported_at_its_line(
    content: Path, changes: dict[str, str], line: int, message: str
) -> None:
    write(content, "briefs/bad.yaml", brief(**changes))
    assert reported(load_library(content, today=TODAY), content) == [
        f"briefs/bad.yaml:{line}: {message}"
    ]


@pytest.mark.parametrize(
    ("changes", "line", "message"),
    [
        (
            {"text": "One. Two. Three. Four."},
            2,
            "the prayer has 4 sentences; keep it to one to 3 (split it into two prayer points "
            "if it needs more)",
        ),
        (
            {"verse": '"The Lord sets the prisoners free"'},
            4,
            "verse 'The Lord sets the prisoners free' is not a Scripture reference; write only "
            "the reference, e.g. Psalm 146:7 or 1 John 3:17-18, never the verse's text",
        ),
    ],
    ids=["long prayer", "verse text"],
)
def test_a_prayer_that_breaks_a_house_rule_is_reported_at_its_line(
    content: Path, changes: dict[str, str], line: int, message: str
) -> None:
    write(content, "prayers/bad.yaml", prayer(**changes))
    assert reported(load_library(content, today=TODAY), content) == [
        f"prayers/bad.yaml:{line}: {message}"
    ]


def test_a_one_entry_file_must_be_named_after_its_id(content: Path) -> None:
    write(content, "briefs/draft.yaml", brief())
    assert reported(load_library(content, today=TODAY), content) == [
        "briefs/draft.yaml:1: the file is named 'draft.yaml' but holds the brief 'bad'; "
        "rename the file to 'bad.yaml' (a file with one entry is named after its id)"
    ]


def test_a_prayer_in_a_topics_file_carries_that_topic(content: Path) -> None:
    listed = "- " + prayer(topics="[persecuted-church]").replace("\n", "\n  ")
    write(content, "prayers/defectors.yaml", listed)
    assert reported(load_library(content, today=TODAY), content) == [
        "prayers/defectors.yaml:3: this prayer lives in 'defectors.yaml' but is not tagged "
        "'defectors'; add 'defectors' to its topics or move it to the right file"
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert sentence_count("Pray for Dr. Kim and the U.S. Congress. Amen.") == 2
    assert sentence_count("Lord, hear us.") == 1


FORTY_FIVE = " ".join(["word"] * 45)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            f"id: bad\ntitle: Three parties: a broker\nsummary: >\n  {FORTY_FIVE}\n",
            2,
            "the value of 'title' contains ': ' (a colon and a space), which YAML reads as a "
            'new field; put the whole value in double quotes, e.g. title: "..."',
        ),
        (
            f'id: bad\ntitle: T\nsummary: >\n  {FORTY_FIVE}\ndate: "2019"\n  topics: [x]\n',
            6,
            "this line is indented differently from the fields above it; every field of an "
            "entry starts in the same column (use spaces, not tabs)",
        ),
    ],
    ids=["colon in a title", "field indented"],
)
def test_common_yaml_mistakes_are_explained_in_editor_language(
    content: Path, text: str, line: int, message: str
) -> None:
    write(content, "briefs/bad.yaml", text)
    assert reported(load_library(content, today=TODAY), content) == [
        f"briefs/bad.yaml:{line}: {message}"
    ]


def test_a_field_indented_into_the_summary_is_named(content: Path) -> None:
    write(content, "briefs/bad.yaml", brief(summary=f">\n  {FORTY_FIVE}\n  topics: [defectors]"))
    problems = reported(load_library(content, today=TODAY), content)
    assert (
        "briefs/bad.yaml:3: the summary contains 'topics:' — that line is indented as part of "
        "the summary; move 'topics:' back to the left, in line with 'summary:'"
    ) in problems


def test_a_syntax_error_in_one_file_does_not_hide_problems_in_others(content: Path) -> None:
    write(content, "briefs/bad.yaml", "id: bad\ntitle: [unclosed\n")
    write(content, "briefs/other.yaml", brief(id="other", topics="[nowhere]"))
    problems = reported(load_library(content, today=TODAY), content)
    assert [p.split(":")[0] for p in problems] == ["briefs/bad.yaml", "briefs/other.yaml"]
