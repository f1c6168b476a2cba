"""Own words and identifying details: what `briefbot check` asks an editor to look at.

Text shared with a source fails the check until rewritten or acknowledged with a reason;
identifying details are warnings. An acknowledgement covers the text it saw: edit the text and
the finding returns. Fixture sources are invented sentences; the real seeds stay outside the
repository and are read from ../shared/seeds when present.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.unit.test_catalog_loader import FIXTURE, brief, write

REPO = Path(__file__).parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
SOURCE = (
    "The lighthouse keeper counted eleven ships that crossed the bay before the storm came. "
    "Nobody in the harbour town had expected the fog to lift so quickly that morning.\n"
)
FILLER = " Other words follow here so that the summary is long enough to pass the check" * 4


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE, root)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "notes.txt").write_text(SOURCE)
    return root


def check(content: Path, *extra: str) -> int:
    return main(
        ["check", "--content", str(content), "--sources", str(content.parent / "sources"), *extra]
    )


def test_a_run_of_eight_words_shared_with_a_source_fails_at_its_line(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copied = "We heard the keeper counted eleven ships that crossed the bay at dusk."
    write(content, "briefs/bad.yaml", brief(summary=copied + FILLER))
    assert check(content) == 1
    out = capsys.readouterr().out
    assert "briefs/bad.yaml:3: summary shares 8 words in a row with notes.txt: " in out
    assert "'keeper counted eleven ships that crossed the bay before'" not in out


def test_a_sentence_that_follows_a_source_sentence_in_order_fails(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shaped = "Nobody in the port had expected that fog to clear so fast that day."
    write(content, "briefs/bad.yaml", brief(summary=shaped + FILLER))
    assert check(content) == 1
    assert "follows a sentence of notes.txt word for word in order" in capsys.readouterr().out


def test_an_acknowledged_run_passes_until_its_text_changes(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "In the report the keeper counted eleven ships that crossed the bay"
    write(content, "briefs/bad.yaml", brief(summary=title + FILLER))
    assert check(content, "--acknowledge", "bad", "--reason", "the report's title") == 0
    assert check(content) == 0
    assert "1 finding was reviewed and acknowledged" in capsys.readouterr().out
    write(content, "briefs/bad.yaml", brief(summary=title + " again" + FILLER))
    assert check(content) == 0  # the run is the same text, so still acknowledged
    write(
        content,
        "briefs/bad.yaml",
        brief(
            summary="the keeper counted eleven ships that crossed the bay before the storm"
            + FILLER
        ),
    )
    assert check(content) == 1


def test_identifying_details_are_warnings_that_do_not_fail(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    detail = (
        "Her sister, aged 27, was caught with three others in Nanning. She escaped on 26 October."
    )
    write(content, "briefs/bad.yaml", brief(summary=detail + FILLER))
    assert main(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert (
        "warning: " in out and "briefs/bad.yaml:3: summary gives a person's age ('aged 27')" in out
    )
    assert "a small group's size with a place ('three others')" in out
    assert "an exact date beside an escape or rescue ('26 October')" in out


def test_an_acknowledgement_needs_a_reason(content: Path) -> None:
    assert main(["check", "--content", str(content), "--acknowledge", "bad"]) == 2


def test_the_sample_library_has_no_findings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(FIXTURE)]) == 0
    assert "could it identify a person at risk" not in capsys.readouterr().out


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are absent")
def test_the_shipped_library_is_in_its_own_words(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--content", str(REPO / "content"), "--sources", str(SEEDS)])
    assert code == 0, capsys.readouterr().out
