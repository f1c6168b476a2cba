"""A large library is read in parts on every core: the result must be exactly the one-process
result, problems and their order included, whatever part a file falls in."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from bot.catalog import bulk
from bot.catalog.loader import LoadResult, load_library
from bot.catalog.protected import add_name
from tests.unit.test_catalog_loader import brief, prayer, write

KEY = "a-long-shared-editors-secret"
WORDS = " word" * 45


def _load(content: Path, monkeypatch: pytest.MonkeyPatch, spread_from: int) -> LoadResult:
    monkeypatch.setattr(bulk, "SPREAD_FROM", spread_from)
    if spread_from == 1 and bulk._workers(2) < 2:
        pytest.skip("one core, or a process with threads: nothing is read in parts")
    return load_library(content, names_key=KEY)


def _many(content: Path, count: int) -> None:
    for number in range(count):
        write(content, f"briefs/b{number:03}.yaml", brief(id=f"b{number:03}"))
        write(content, f"prayers/p{number:03}.yaml", prayer(id=f"p{number:03}"))


@pytest.mark.skipif("fork" not in bulk.multiprocessing.get_all_start_methods(), reason="no fork")
def test_a_library_read_in_parts_is_the_library_read_in_one(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many(content, 60)
    one = _load(content, monkeypatch, 10**9)
    spread = _load(content, monkeypatch, 1)
    assert one.library is not None and spread.library == one.library
    assert spread.locations == one.locations


@pytest.mark.skipif("fork" not in bulk.multiprocessing.get_all_start_methods(), reason="no fork")
def test_problems_in_every_part_come_back_in_the_same_order(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A duplicate id whose first use is in the first part and second in the last, a broken
    file, and a protected name are each reported where the one-process load reports them."""
    _many(content, 60)
    add_name(content, KEY, "Kim Mi-sook")
    write(content, "briefs/b000.yaml", brief(id="b000", summary=f"Kim Mi-sook fled.{WORDS}"))
    write(content, "briefs/b030.yaml", "id: [unclosed\n")
    write(content, "prayers/p059.yaml", prayer(id="b001"))
    one = _load(content, monkeypatch, 10**9)
    spread = _load(content, monkeypatch, 1)
    assert one.library is None and len(one.problems) == 4, one.problems
    assert spread.problems == one.problems
    assert spread.problems[-1].message.startswith("'summary' contains a name")


def test_parts_are_consecutive_of_about_equal_weight_and_none_is_empty() -> None:
    items = list(range(10))
    assert bulk._parts(items, [1] * 10, 2) == [items[:5], items[5:]]
    assert bulk._parts(items, [9, *[1] * 9], 2) == [items[:1], items[1:]]
    assert bulk._parts(items[:1], [1], 4) == [items[:1]]
    assert bulk._parts([], [], 2) == []


def test_the_cycle_collector_runs_again_after_a_load(content: Path) -> None:
    assert gc.isenabled()
    load_library(content)
    assert gc.isenabled()
    gc.disable()
    try:
        load_library(content)
        assert not gc.isenabled(), "a caller's own pause is left as it was"
    finally:
        gc.enable()


def test_a_small_library_is_read_here_without_starting_a_process(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise AssertionError("a small library must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    assert load_library(content).library is not None


def test_a_process_with_threads_reads_in_one_part(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload runs in a thread of the running bot: forking there could inherit a lock that
    another thread holds, so the library is read without forking."""
    monkeypatch.setattr(bulk, "SPREAD_FROM", 1)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 2)
    assert bulk._workers(100) == 1
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    assert bulk._workers(100) == min(len(os.sched_getaffinity(0)), 4)
