"""The shared rotation's promise, as properties over many join days and library sizes.

Readers join on each of 60 consecutive days and receive the real digests for 60 days more
(`bot.core.rotation_figures`). The goal from the issue: readers who joined on different days
read the same first brief on at least 90% of the days when neither has read it yet.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.catalog.model import Library, SendOn
from bot.core.digest import compose
from bot.core.rotation import running_order
from bot.core.rotation_figures import figures, follow_readers
from tests.builders import generated, prayer

START = date(2026, 12, 1)
@pytest.mark.parametrize("size", [7, 20, 33, 101])
@pytest.mark.parametrize("per_day", [1, 2, 3])
def test_readers_who_joined_on_different_days_share_the_days_brief(size: int, per_day: int):
    lib = generated(size)
    found = figures(follow_readers(lib, START, 60, 60, max_briefs=per_day), lib, per_day)
    assert found.shared_first >= 0.9, found
    assert found.compared > 0


@pytest.mark.parametrize("size", [7, 20, 33, 101])
def test_nobody_reads_a_repeat_before_the_library_is_used_up(size: int):
    lib = generated(size)
    found = figures(follow_readers(lib, START, 60, 120), lib)
    assert found.first_repeat is not None and found.first_repeat >= found.earliest_possible


@pytest.mark.parametrize("follows", [("church",), ("defectors", "labour-abroad")])
def test_followers_of_the_same_topics_share_and_read_those_first(follows: tuple[str, ...]):
    """While their topics last: then the shared rotation fills their digests, and a follower
    who joined earlier is in another phase than one who joined later."""
    lib = generated(60)
    on_topic = sum(1 for b in lib.briefs if set(b.topics) & set(follows))
    lasting = on_topic // 2
    readers = follow_readers(lib, START, 60, lasting, follows=follows)
    assert figures(readers, lib).shared_first >= 0.9
    for reader in readers:
        assert all(set(b.topics) & set(follows) for d in reader.digests for b in d.briefs)


def test_neighbouring_days_vary_in_source_where_the_library_allows():
    lib = generated(60)
    found = figures(follow_readers(lib, START, 30, 30), lib)
    assert found.same_source_next_day <= 0.15, found


def test_each_pass_starts_with_the_most_recent_briefs():
    lib = generated(40)
    order = running_order(lib.briefs, per_day=2)
    newest = max(b.date for b in lib.briefs if b.date)
    assert order[0].date == newest
    dates = [b.date for b in order if b.date]
    first_half, second_half = dates[:20], dates[20:]
    assert sum(d.year for d in first_half) > sum(d.year for d in second_half)


def test_a_themed_day_brings_unread_briefs_on_its_theme():
    lib = generated(40)
    themed = prayer("refugee-day", "defectors", send_on=SendOn(6, 20))
    lib = Library(lib.topics, lib.briefs, (*lib.prayers, themed))
    day = date(2027, 6, 20)
    digest = compose(lib, day)
    assert digest.prayer == themed
    assert all("defectors" in b.topics for b in digest.briefs)
    # the theme day's own rotation slice is not lost: readers meet it later, before repeats
    readers = follow_readers(lib, day - timedelta(days=3), 1, 30)
    assert figures(readers, lib).first_repeat is None or (
        figures(readers, lib).first_repeat >= figures(readers, lib).earliest_possible
    )
