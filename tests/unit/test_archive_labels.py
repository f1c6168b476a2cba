"""Old news announced as old: the archive label, content notes, and a prayer's verse and step.

Readers must know a brief is years old before they read it, on every platform, and an undated
brief must say so in the same place rather than pass for today's news.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.catalog.model import PartialDate
from bot.cli import main
from bot.core.archive import is_archive, months_after
from bot.core.digest import Digest
from bot.core.reply import Heading, Kicker, Meta, Paragraph
from bot.core.views import brief_parts, digest_reply, prayer_parts
from bot.render import discord_embeds, plain, telegram_html
from tests.builders import brief, prayer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "content"


def test_a_month_later_is_clamped_to_the_end_of_a_shorter_month() -> None:
    assert months_after(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert months_after(date(2024, 12, 15), 14) == date(2026, 2, 15)


@pytest.mark.parametrize(
    ("written", "shown_on", "months", "archive"),
    [
        (PartialDate(2025, 12, 2), date(2026, 12, 2), 12, False),  # exactly twelve months
        (PartialDate(2025, 12, 2), date(2026, 12, 3), 12, True),
        (PartialDate(2025), date(2026, 1, 1), 12, False),  # "2025" means 1 January 2025
        (PartialDate(2025), date(2026, 1, 2), 12, True),
        (PartialDate(2019, 6), date(2019, 12, 2), 6, True),
        (PartialDate(2019, 6), date(2019, 12, 1), 6, False),
    ],
)
def test_a_brief_is_archive_once_its_earliest_day_is_older_than_the_setting(
    written: PartialDate, shown_on: date, months: int, archive: bool
) -> None:
    old = replace(brief("old"), date=written)
    assert is_archive(old, shown_on, months) is archive


def test_the_archive_label_comes_before_the_title_with_the_dates_precision() -> None:
    parts = brief_parts(replace(brief("old"), date=PartialDate(2019, 6)), date(2026, 12, 2))
    assert parts[0] == Kicker("From the archive · June 2019")
    assert isinstance(parts[1], Heading)
    day = brief_parts(replace(brief("d"), date=PartialDate(2018, 10, 26)), date(2026, 12, 2))
    assert day[0] == Kicker("From the archive · 26 October 2018")


def test_recent_news_carries_no_label() -> None:
    parts = brief_parts(replace(brief("new"), date=PartialDate(2026, 11)), date(2026, 12, 2))
    assert not any(isinstance(p, Kicker) for p in parts)


def test_an_undated_brief_says_so_where_the_archive_label_would_be() -> None:
    parts = brief_parts(replace(brief("undated"), date=None), date(2026, 12, 2))
    assert parts[0] == Kicker("Undated: the source gives no date")
    assert Meta("Date not given by the source · Source: Reuters") in parts


def test_a_content_note_is_shown_before_the_text() -> None:
    noted = replace(brief("n"), content_note="Sexual exploitation of women and girls.")
    parts = brief_parts(noted, date(2019, 7, 1))
    note = parts.index(Meta("Content note: Sexual exploitation of women and girls."))
    assert note < next(i for i, p in enumerate(parts) if isinstance(p, Paragraph))


def test_a_prayers_verse_and_next_step_follow_its_text() -> None:
    point = replace(prayer("p"), verse="Psalm 146:7", act="Write to your representative.")
    parts = prayer_parts(point)
    text = next(i for i, p in enumerate(parts) if isinstance(p, Paragraph))
    assert parts[text + 1 :] == [
        Meta("Psalm 146:7"),
        Meta("Next step: Write to your representative."),
    ]


def _old_digest() -> Digest:
    old = replace(brief("old"), date=PartialDate(2019, 6))
    return Digest(day=date(2026, 12, 2), briefs=(old,), prayer=prayer("p"))


def test_every_platform_shows_the_label_above_the_title() -> None:
    reply = digest_reply(_old_digest())
    (html,) = telegram_html.render(reply)
    assert "<i>From the archive · June 2019</i>\n<b>Title of old</b>" in html
    assert "[From the archive · June 2019]\n== Title of old ==" in plain.render(reply)
    embeds = [e for m in discord_embeds.render(reply) for e in m.embeds]
    (old,) = [e for e in embeds if e.get("title") == "Title of old"]
    assert old["author"] == {"name": "From the archive · June 2019"}


def test_the_label_follows_the_configured_age() -> None:
    recent = replace(brief("r"), date=PartialDate(2026, 3))
    digest = Digest(day=date(2026, 12, 2), briefs=(recent,), prayer=None)
    assert "From the archive" not in plain.render(digest_reply(digest, archive_after=12))
    assert "From the archive · March 2026" in plain.render(digest_reply(digest, archive_after=6))


@pytest.mark.parametrize("platform", ["console", "telegram", "discord"])
def test_preview_shows_an_old_brief_with_its_archive_label_on_every_platform(
    platform: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"content_dir: {FIXTURES}\n")
    code = main(["preview", "--config", str(config), "--date", "2026-12-02", "--as", platform])
    out = capsys.readouterr().out
    assert code == 0
    if platform == "telegram":
        assert "<i>From the archive · January 2018</i>" in out
    elif platform == "discord":
        authors = [e.get("author", {}).get("name") for m in json.loads(out) for e in m["embeds"]]
        assert "From the archive · January 2018" in authors
    else:
        assert "[From the archive · January 2018]" in out
