"""Planning send slots per sliding second (`bot.domain.send_slots`), the rule both the pacer
and the shared budget follow."""

from __future__ import annotations

import pytest

from bot.domain.send_slots import WINDOW_MARGIN, plan_slots


def most_in_one_second(times: list[float]) -> int:
    """The most sends any sliding second holds, as the platform counts them."""
    times = sorted(times)
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


def test_slots_are_evenly_spaced_from_now() -> None:
    slots, timeline = plan_slots([], now=100.0, count=3, per_second=10, paused_until=0)
    assert slots == pytest.approx([100.0, 100.1, 100.2])
    assert timeline == slots


def test_the_next_slot_follows_the_last_planned_one_not_now() -> None:
    slots, _ = plan_slots([100.0, 100.1], now=100.15, count=1, per_second=10, paused_until=0)
    assert slots == pytest.approx([100.2])


def test_a_full_second_waits_until_its_first_send_is_a_second_old() -> None:
    recent = [100.0 + i * 0.01 for i in range(30)]  # 30 sends in 0.3 s: a burst
    slots, timeline = plan_slots(recent, now=100.3, count=2, per_second=30, paused_until=0)
    assert slots[0] == pytest.approx(101.0 + WINDOW_MARGIN)
    assert slots[1] == pytest.approx(slots[0] + 1 / 30)  # spaced, not bunched after the wait
    assert len(timeline) == 30  # only the last second's worth is kept
    assert most_in_one_second(recent + slots) <= 30


def test_a_pause_moves_every_slot_past_its_end() -> None:
    slots, _ = plan_slots([99.0], now=100.0, count=2, per_second=30, paused_until=105.0)
    assert slots[0] == pytest.approx(105.0)


def test_planning_in_pieces_keeps_the_rate() -> None:
    """Many small reservations (several processes taking turns) hold the same limit as one."""
    recent: list[float] = []
    taken: list[float] = []
    now = 0.0
    for count in [1, 3, 2, 3, 1, 3, 3] * 20:
        slots, recent = plan_slots(recent, now=now, count=count, per_second=30, paused_until=0)
        taken += slots
        now += 0.03
    assert most_in_one_second(taken) <= 30
    assert len(taken) / (taken[-1] - taken[0]) > 28
