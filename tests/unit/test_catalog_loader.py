"""Loading the content library: what a sound library becomes, and every problem an editor can make.

Each bad-content case writes one file into a copy of the small valid library in
tests/fixtures/content and checks the exact `file:line: message` the editor will read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.loader import LoadResult, load_library
from bot.catalog.model import PartialDate, SendOn
from bot.catalog.problems import Problem

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"
FORTY_FIVE_WORDS = " ".join(["word"] * 45)
BRIEF = {  # one field per line, so field N is on line N
    "id": "bad",  # the file most tests write it to is bad.yaml
    "title": "A title",
    "summary": FORTY_FIVE_WORDS,
    "date": "2019-06",
    "topics": "[defectors]",
    "sources": "[Reuters]",
}
PRAYER = {"id": "bad", "text": "Pray for them.", "topics": "[defectors]"}


def fields(base: dict[str, str], **changes: str | None) -> str:
    """YAML for one entry: `base` with fields changed, added at the end, or removed (None)."""
    merged = {**base, **changes}
    return "".join(f"{key}: {value}\n" for key, value in merged.items() if value is not None)


def brief(**changes: str | None) -> str:
    return fields(BRIEF, **changes)


def prayer(**changes: str | None) -> str:
    return fields(PRAYER, **changes)


def write(root: Path, name: str, text: str | bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def reported(result: LoadResult, root: Path) -> list[str]:
    """The problems as the editor reads them, with paths relative to the content folder."""
    assert result.library is None, "a library with problems must not be served"
    return [f"{p.path.relative_to(root)}:{p.line}: {p.message}" for p in result.problems]


def test_the_sample_library_loads_without_problems() -> None:
    result = load_library(FIXTURE)

    assert result.problems == []
    library = result.library
    assert [t.slug for t in library.topics] == [
        "defectors",
        "labour-abroad",
        "human-rights",
        "persecuted-church",
    ]
    assert len(library.briefs) == 4
    assert [p.id for p in library.prayers] == [
        "pray-defectors-safe-passage",
        "pray-defectors-new-life",
        "pray-church-hidden-believers",
    ]


def test_single_entry_files_list_files_and_yml_files_are_all_read(content: Path) -> None:
    ids = {b.id for b in load_library(content).library.briefs}

    assert ids == {
        "2018-01-workers-in-russia",  # one brief in a .yaml file
        "2019-06-14-detained-in-china",  # one brief in a .yml file
        "2017-remittances-squeezed",  # two briefs in one list file
        "2017-11-public-executions",
    }


def test_files_that_are_not_yaml_or_are_hidden_are_ignored(content: Path) -> None:
    write(content, "briefs/notes.txt", "not: [yaml")
    write(content, "briefs/.draft.yaml", "not: [yaml")
    write(content, "prayers/.old/defectors.yaml", "not: [yaml")

    assert load_library(content).problems == []


def test_entries_in_subfolders_are_read(content: Path) -> None:
    write(content, "briefs/2019/extra-brief.yaml", brief(id="extra-brief"))

    assert "extra-brief" in {b.id for b in load_library(content).library.briefs}


def test_topics_given_by_alias_or_loosely_cased_are_stored_as_slugs() -> None:
    library = load_library(FIXTURE).library
    by_id = {e.id: e for e in (*library.briefs, *library.prayers)}

    assert by_id["2018-01-workers-in-russia"].topics == ("labour-abroad", "human-rights")
    assert by_id["2019-06-14-detained-in-china"].topics == ("defectors",)
    assert by_id["pray-church-hidden-believers"].topics == ("persecuted-church", "human-rights")


def test_dates_of_each_precision_and_send_on_days_are_parsed() -> None:
    library = load_library(FIXTURE).library
    by_id = {e.id: e for e in (*library.briefs, *library.prayers)}

    assert by_id["2017-remittances-squeezed"].date == PartialDate(2017)
    assert by_id["2018-01-workers-in-russia"].date == PartialDate(2018, 1)
    assert by_id["2019-06-14-detained-in-china"].date == PartialDate(2019, 6, 14)
    assert by_id["2019-06-14-detained-in-china"].send_on == SendOn(12, 10)
    assert by_id["pray-defectors-new-life"].send_on == SendOn(12, 10, 2019)


def test_folded_text_is_kept_as_one_paragraph_without_trailing_newline() -> None:
    library = load_library(FIXTURE).library
    summary = library.briefs[0].summary

    assert summary.startswith("A report published this week estimates")
    assert "\n" not in summary
    assert summary.endswith("government in Pyongyang.")


def test_a_problem_reads_as_path_line_message_with_the_path_as_given(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(content, "briefs/bad.yaml", brief(date="2019-13"))
    monkeypatch.chdir(content.parent)

    problems = load_library(Path("content")).problems

    assert [str(p) for p in problems] == [
        "content/briefs/bad.yaml:4: bad date '2019-13': there is no month 13; months run 1–12"
    ]


def test_a_problem_about_a_whole_file_has_no_line() -> None:
    assert str(Problem(Path("content/topics.yaml"), 0, "gone")) == "content/topics.yaml: gone"


BAD_BRIEFS = {
    "missing field": (brief(summary=None), 1, "missing field 'summary'"),
    "empty field": (brief(title='""'), 2, "field 'title' is empty"),
    "field with no value": (brief(title=""), 2, "field 'title' is empty"),
    "topics given as text": (
        brief(topics="defectors"),
        5,
        "'topics' must be a list, e.g. [a, b], not text",
    ),
    "summary given as a list": (brief(summary="[a, b]"), 3, "'summary' must be text, not a list"),
    "empty list": (brief(sources="[]"), 6, "field 'sources' is empty"),
    "title on two lines": (brief(title='"two\\nlines"'), 2, "'title' must be on one line"),
    "unknown topic": (
        brief(topics="[defectors, defecters]"),
        5,
        "unknown topic 'defecters' (did you mean 'defectors'?)",
    ),
    "unknown topic with no near name": (brief(topics="[weather]"), 5, "unknown topic 'weather'"),
    "month out of range": (
        brief(date="2019-13"),
        4,
        "bad date '2019-13': there is no month 13; months run 1–12",
    ),
    "date in words": (
        brief(date="June 2019"),
        4,
        "bad date 'June 2019': expected YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2019-06, "
        "or 'undated' when the source gives no date",
    ),
    "day the month does not have": (
        brief(date="2019-02-30"),
        4,
        "bad date '2019-02-30': February 2019 has no day 30",
    ),
    "bad send_on": (
        brief(send_on="13-01"),
        7,
        "bad send_on date '13-01': there is no month 13; months run 1–12",
    ),
    "send_on in words": (
        brief(send_on="christmas"),
        7,
        "bad send_on date 'christmas': expected MM-DD (every year) or YYYY-MM-DD (once), "
        "e.g. 12-10",
    ),
    "misspelt field": (
        brief(sumary="x"),
        7,
        "unknown field 'sumary' (did you mean 'summary'?)",
    ),
    "unknown field": (brief(author="me"), 7, "unknown field 'author'"),
    "field given twice": (
        brief(id="bad\ntitle: Again"),
        3,
        "field 'title' is given twice (first on line 2)",
    ),
    "summary too short": (
        brief(summary="Far too short."),
        3,
        "summary has 3 words; it must have 40–120",
    ),
    "summary too long": (
        brief(summary=" ".join(["word"] * 121)),
        3,
        "summary has 121 words; it must have 40–120",
    ),
    "lead too long": (
        brief(lead=" ".join(["word"] * 46)),
        7,
        "lead has 46 words; keep it to 45 or fewer",
    ),
    "id with capitals and underscores": (
        brief(id="Bad_Id"),
        1,
        "id 'Bad_Id' may only use a-z, 0-9 and '-'",
    ),
    "link that is not http": (
        brief(link="ftp://example.org/x"),
        7,
        "link 'ftp://example.org/x' is not an http(s) web address",
    ),
    "link that cannot be parsed": (
        brief(link='"http://[::1/x"'),
        7,
        "link 'http://[::1/x' is not an http(s) web address",
    ),
    "field name that is a list": (
        brief(id="bad\n[a, b]: c"),
        2,
        "a field name must be text, not a list",
    ),
    "link without scheme": (
        brief(link="example.org/x"),
        7,
        "link 'example.org/x' is not an http(s) web address",
    ),
    "too long for one message": (
        brief(title="x" * 4100),
        1,
        "brief 'bad' is too long for one message: 4331 characters, the limit is 4096",
    ),
}


@pytest.mark.parametrize(("text", "line", "message"), BAD_BRIEFS.values(), ids=BAD_BRIEFS.keys())
def test_a_bad_brief_is_reported_at_its_line(
    content: Path, text: str, line: int, message: str
) -> None:
    write(content, "briefs/bad.yaml", text)

    assert reported(load_library(content), content) == [f"briefs/bad.yaml:{line}: {message}"]


BAD_PRAYERS = {
    "missing text": (prayer(text=None), 1, "missing field 'text'"),
    "misspelt field": (prayer(titel="Hope"), 4, "unknown field 'titel' (did you mean 'title'?)"),
    "empty optional title": (prayer(title="~"), 4, "field 'title' is empty"),
    "topics as a mapping": (
        prayer(topics="{a: b}"),
        3,
        "'topics' must be a list, e.g. [a, b], not a mapping (key: value pairs)",
    ),
}


@pytest.mark.parametrize(("text", "line", "message"), BAD_PRAYERS.values(), ids=BAD_PRAYERS.keys())
def test_a_bad_prayer_is_reported_at_its_line(
    content: Path, text: str, line: int, message: str
) -> None:
    write(content, "prayers/bad.yaml", text)

    assert reported(load_library(content), content) == [f"prayers/bad.yaml:{line}: {message}"]


def test_the_size_of_an_entry_is_measured_by_the_renderer_when_given(content: Path) -> None:
    def rendered(entry: object, language: str) -> int:
        return 5000 if entry.id == "pray-defectors-new-life" else 10

    result = load_library(content, max_rendered=rendered, limit=4096)

    assert reported(result, content) == [
        "prayers/defectors.yaml:7: prayer 'pray-defectors-new-life' is too long for one "
        "message: 5000 characters, the limit is 4096"
    ]


def test_each_topic_in_a_block_list_is_reported_at_its_own_line(content: Path) -> None:
    write(content, "briefs/bad.yaml", brief(topics="\n  - defectors\n  - churchh\n  - nowhere"))

    assert reported(load_library(content), content) == [
        "briefs/bad.yaml:7: unknown topic 'churchh' (did you mean 'persecuted-church'?)",
        "briefs/bad.yaml:8: unknown topic 'nowhere'",
    ]


def test_a_yaml_syntax_error_is_reported_where_the_parser_stopped(content: Path) -> None:
    write(content, "briefs/bad.yaml", brief(topics="[defectors", sources=None))

    [problem] = reported(load_library(content), content)

    assert problem.startswith(
        "briefs/bad.yaml:6: YAML syntax error: did not find expected ',' or ']'"
    )


def test_a_tab_used_for_indentation_is_a_syntax_error(content: Path) -> None:
    write(content, "briefs/bad.yaml", "id: x\ntopics:\n\t- defectors\n")

    [problem] = reported(load_library(content), content)

    assert problem.startswith("briefs/bad.yaml:3: YAML syntax error:")


def test_a_file_that_is_not_utf8_is_reported_at_the_first_bad_byte(content: Path) -> None:
    text = brief(title="Caf\xe9 talks").encode("latin-1")
    write(content, "briefs/bad.yaml", text)

    assert reported(load_library(content), content) == [
        "briefs/bad.yaml:2: the file is not UTF-8 text; save it as UTF-8"
    ]


def test_a_character_yaml_forbids_is_reported_at_its_line(content: Path) -> None:
    write(content, "briefs/bad.yaml", brief(title="Bell \x07 rings"))

    assert reported(load_library(content), content) == [
        "briefs/bad.yaml:2: YAML cannot read this file: control characters are not allowed"
    ]


def test_a_utf8_byte_order_mark_is_accepted(content: Path) -> None:
    write(content, "briefs/with-bom.yaml", b"\xef\xbb\xbf" + brief(id="with-bom").encode())

    assert "with-bom" in {b.id for b in load_library(content).library.briefs}


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n"], ids=["empty", "comment"])
def test_an_empty_file_is_reported(content: Path, text: str) -> None:
    write(content, "prayers/empty.yaml", text)

    assert reported(load_library(content), content) == ["prayers/empty.yaml:1: the file is empty"]


def test_a_file_that_holds_neither_an_entry_nor_a_list_is_reported(content: Path) -> None:
    write(content, "briefs/bad.yaml", "just some words\n")

    assert reported(load_library(content), content) == [
        "briefs/bad.yaml:1: expected a brief (fields) or a list of briefs, not text"
    ]


def test_a_list_item_that_is_not_an_entry_is_reported(content: Path) -> None:
    write(
        content,
        "prayers/bad.yaml",
        "- id: fine-prayer\n  text: Pray.\n  topics: [church]\n- oops\n",
    )

    assert reported(load_library(content), content) == [
        "prayers/bad.yaml:4: each prayer must be a mapping of fields, not text"
    ]


def test_a_duplicate_id_names_where_it_was_first_used(content: Path) -> None:
    write(
        content, "prayers/2017-remittances-squeezed.yaml", prayer(id="2017-remittances-squeezed")
    )

    assert reported(load_library(content), content) == [
        "prayers/2017-remittances-squeezed.yaml:1: duplicate id '2017-remittances-squeezed' "
        f"(first used at {content / 'briefs' / 'round-up-2017.yaml'}:2)"
    ]


def test_a_missing_topics_file_is_one_problem_not_one_per_entry(content: Path) -> None:
    (content / "topics.yaml").unlink()

    assert reported(load_library(content), content) == [
        "topics.yaml:0: the topics file is missing"
    ]


def test_a_missing_content_folder_is_reported(tmp_path: Path) -> None:
    result = load_library(tmp_path / "nowhere")

    assert result.library is None
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'nowhere'}: the content folder does not exist"
    ]


def topics_with(extra: str) -> str:
    return (FIXTURE / "topics.yaml").read_text() + extra


def test_an_alias_already_used_by_another_topic_is_reported(content: Path) -> None:
    extra = (
        "- slug: escape-routes\n  title: Routes\n  description: Ways out.\n  aliases: [Escape]\n"
    )
    write(content, "topics.yaml", topics_with(extra))

    assert reported(load_library(content), content) == [
        "topics.yaml:20: 'Escape' already names topic 'defectors' (line 5)"
    ]


def test_a_slug_longer_than_a_telegram_deep_link_allows_is_reported(content: Path) -> None:
    slug = "a" * 65
    write(content, "topics.yaml", topics_with(f"- slug: {slug}\n  title: T\n  description: D\n"))

    assert reported(load_library(content), content) == [
        "topics.yaml:17: slug 'aaaaaaaaaaaaaaaaaaaa…' is 65 characters; at most 64 "
        "(Telegram's limit for a link that opens a topic)"
    ]


def test_a_slug_used_twice_is_reported(content: Path) -> None:
    write(content, "topics.yaml", topics_with("- slug: defectors\n  title: T\n  description: D\n"))

    assert reported(load_library(content), content) == [
        "topics.yaml:17: duplicate slug 'defectors' (first on line 2)"
    ]


def test_a_slug_already_used_as_an_alias_is_reported(content: Path) -> None:
    write(content, "topics.yaml", topics_with("- slug: church\n  title: C\n  description: D\n"))

    assert reported(load_library(content), content) == [
        "topics.yaml:17: 'church' already names topic 'persecuted-church' (line 16)"
    ]


def test_a_bad_topic_is_reported_without_flooding_its_entries(content: Path) -> None:
    write(content, "topics.yaml", topics_with("- slug: Border Security\n  title: Border\n"))

    assert reported(load_library(content), content) == [
        "topics.yaml:17: slug 'Border Security' may only use a-z, 0-9 and '-'",
        "topics.yaml:17: missing field 'description'",
    ]


def test_every_problem_in_every_file_is_reported_in_one_run(content: Path) -> None:
    write(content, "topics.yaml", topics_with("- slug: extra\n  title: Extra\n  descripton: x\n"))
    write(content, "briefs/first.yaml", brief(id="first", date="2019-13", sumary="x"))
    write(content, "briefs/second.yaml", brief(id="second", topics="[defectors", sources=None))
    write(content, "prayers/first.yaml", prayer(id="first", topics="[defecters]"))

    assert reported(load_library(content), content) == [
        "topics.yaml:17: missing field 'description'",
        "topics.yaml:19: unknown field 'descripton' (did you mean 'description'?)",
        "briefs/first.yaml:4: bad date '2019-13': there is no month 13; months run 1–12",
        "briefs/first.yaml:7: unknown field 'sumary' (did you mean 'summary'?)",
        "briefs/second.yaml:6: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence on line 5)",
        f"prayers/first.yaml:1: duplicate id 'first' "
        f"(first used at {content / 'briefs/first.yaml'}:1)",
        "prayers/first.yaml:3: unknown topic 'defecters' (did you mean 'defectors'?)",
    ]
