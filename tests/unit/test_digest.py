"""Digest composition: deterministic, rotating without repeats, dated entries first."""

from __future__ import annotations

from datetime import date, timedelta

from bot.catalog.model import SendOn
from bot.core.digest import compose
from tests.builders import brief, library, prayer

DAY = date(2026, 11, 23)


def test_same_inputs_give_the_same_digest():
    lib = library()
    received = {"b1": date(2026, 11, 1)}
    first = compose(lib, DAY, received=received, follows=["church"])
    again = compose(lib, DAY, received=dict(received), follows=["church"])
    assert first == again


def test_digest_has_the_configured_number_of_briefs_and_one_prayer():
    digest = compose(library(), DAY, max_briefs=3)
    assert len(digest.briefs) == 3
    assert digest.prayer is not None


def test_rotation_never_repeats_until_the_library_is_exhausted():
    lib = library()
    received: dict[str, date] = {}
    seen_in_order: list[str] = []
    day = DAY
    for _ in range(2):  # 5 briefs, 2 a day: days 1-2 give 4 distinct briefs
        digest = compose(lib, day, received=received)
        for entry_id in digest.entry_ids:
            received[entry_id] = day
        seen_in_order += [b.id for b in digest.briefs]
        day += timedelta(days=1)
    assert len(seen_in_order) == len(set(seen_in_order)) == 4
    third = compose(lib, day, received=received)
    unseen = {"b1", "b2", "b3", "b4", "b5"} - set(seen_in_order)
    assert third.briefs[0].id in unseen  # the last unseen brief comes first
    assert third.briefs[1].id == seen_in_order[0]  # then the least recently seen


def test_different_days_rotate_through_different_briefs_for_a_new_subscriber():
    lib = library()
    picks = {compose(lib, DAY + timedelta(days=i)).briefs[0].id for i in range(5)}
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
