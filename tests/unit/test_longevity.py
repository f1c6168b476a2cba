"""How long a library lasts, computed by running the real rotation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.longevity import longevity
from tests.builders import library

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"


def test_a_continuing_subscriber_meets_a_repeat_once_the_library_is_read() -> None:
    figures = longevity(library(), date(2026, 12, 2), max_briefs=2)
    assert figures.until_repeat == 3  # five briefs, two a day: two, two, then the last alone
    assert figures.per_topic["defectors"] == 1  # b1 and b4 both arrive on the first day


def test_check_warns_when_the_library_lasts_under_thirty_days(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", "--content", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "The library lasts 2 days for a continuing subscriber before the first repeat." in out
    assert "warning: fewer than 30 days before repeats; add briefs." in out
