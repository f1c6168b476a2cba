"""Digest composition: deterministic, rotating without repeats, dated entries first."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.catalog.model import SendOn
from bot.core.digest import compose
from bot.core.views import first_sentence
from tests.builders import brief, library, prayer

DAY = date(2026, 11, 23)


def test_same_inputs_give_the_same_digest():
    lib = library()
    received = {"b1": date(2026, 11, 1)}
    first = compose(lib, DAY, received=received, follows=["church"])
    again = compose(lib, DAY, received=dict(received), follows=["church"])
    assert first == again


def test_digest_has_the_configured_number_of_briefs_and_one_prayer():
    lib = library(briefs=[brief(f"b{n}") for n in range(6)])
    for offset in range(4):
        digest = compose(lib, DAY + timedelta(days=offset), max_briefs=3)
        assert len(digest.briefs) == 3
        assert digest.prayer is not None


def test_the_last_day_of_a_pass_sends_what_is_left_rather_than_borrow_from_the_next():
    lib = library()  # 5 briefs, 2 a day: passes of 3 days, the last with 1 brief
    sizes = sorted(len(compose(lib, DAY + timedelta(days=n)).briefs) for n in range(3))
    assert sizes == [1, 2, 2]


def test_rotation_never_repeats_until_the_library_is_exhausted():
    lib = library()
    received: dict[str, date] = {}
    seen_in_order: list[str] = []
    day = DAY
    while len(set(seen_in_order)) < 5:
        digest = compose(lib, day, received=received)
        seen_in_order += [b.id for b in digest.briefs]
        assert len(seen_in_order) == len(set(seen_in_order)), "a repeat before the end"
        for entry_id in digest.entry_ids:
            received[entry_id] = day
        day += timedelta(days=1)
    again = compose(lib, day, received=received)
    assert again.briefs[0].id == seen_in_order[0]  # then the least recently read come back


def test_a_pass_of_days_gives_new_subscribers_every_brief():
    lib = library()
    picks = {b.id for i in range(3) for b in compose(lib, DAY + timedelta(days=i)).briefs}
    assert picks == {"b1", "b2", "b3", "b4", "b5"}


def test_entries_dated_for_the_day_go_first():
    dated = brief("human-rights-day", "church", send_on=SendOn(12, 10))
    lib = library(briefs=[brief("b1"), brief("b2"), dated])
    on_the_day = compose(lib, date(2026, 12, 10))
    assert on_the_day.briefs[0].id == "human-rights-day"
    assert "human-rights-day" not in {b.id for b in compose(lib, date(2026, 12, 11)).briefs}


def test_a_once_only_date_matches_only_that_year():
    dated = prayer("jubilee", send_on=SendOn(6, 20, 2027))
    lib = library(prayers=[prayer("p1"), dated])
    assert compose(lib, date(2027, 6, 20)).prayer.id == "jubilee"
    assert compose(lib, date(2026, 6, 20)).prayer.id == "p1"


def test_followed_topics_are_preferred():
    for offset in range(5):
        digest = compose(library(), DAY + timedelta(days=offset), follows=["labour-abroad"])
        assert {b.id for b in digest.briefs} == {"b3", "b5"}


def test_followed_topics_give_way_once_their_briefs_are_all_seen():
    received = {"b3": DAY - timedelta(days=2), "b5": DAY - timedelta(days=1)}
    digest = compose(library(), DAY, received=received, follows=["labour-abroad"])
    assert not {"b3", "b5"} & {b.id for b in digest.briefs}


def test_prayer_point_relates_to_the_first_brief_topic():
    for offset in range(5):
        digest = compose(library(), DAY + timedelta(days=offset), max_briefs=1)
        assert set(digest.prayer.topics) & set(digest.briefs[0].topics)


def test_empty_library_gives_an_empty_digest():
    digest = compose(library(briefs=[], prayers=[]), DAY)
    assert digest.briefs == () and digest.prayer is None


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("One thing happened. Then another.", "One thing happened."),
        ("Mr. Kim spoke in the U.S. capital. Then he left.", "Mr. Kim spoke in the U.S. capital."),
        ("A report (2019) said so. “Quote” followed.", "A report (2019) said so."),
        ("Only one sentence here", "Only one sentence here"),
        ("Is it over? Nobody knows.", "Is it over?"),
    ],
)
def test_a_lead_falls_back_to_the_summarys_first_sentence(text: str, first: str) -> None:
    assert first_sentence(text) == first
