"""Doing a large content load's work quickly: on every core, and without the cycle collector.

Reading and checking a library is plain Python, bound by one core: a library of 10,000
entries took over two seconds on one. The files are independent, so they are read in parts,
one part here and the others in forked processes that inherit the job as it is (nothing is
sent to them but a number) and send back only their results.

Forking is used only where the platform forks (Linux) and this process has one thread: a
fork copies only the thread that calls it, and a lock another thread held stays locked in
the child for ever. So `briefbot check` and the load at start-up use every core, while a
reload in the running bot (which has threads) reads in one; for small lists, where starting
a process costs more than it saves, everything runs here too, with the same result.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar, cast

T = TypeVar("T")
R = TypeVar("R")

SPREAD_FROM = 1_000  # items: below this one process is quicker than several

_job: tuple[Callable[[Any], Any], list[Any]] | None = None  # inherited by forked workers


def spread(job: Callable[[Sequence[T]], R], items: Sequence[T], weights: Sequence[int]) -> list[R]:
    """`job` run over consecutive parts of `items`, their results in order: one part per core,
    parts of about equal total `weight` (a file's size)."""
    workers = _workers(len(items))
    parts = _parts(items, weights, workers)
    if len(parts) <= 1:
        return [job(items)]
    global _job
    _job = (job, parts)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(len(parts) - 1, mp_context=context) as pool:
            elsewhere = [pool.submit(_run_part, index) for index in range(1, len(parts))]
            here = job(parts[0])
            return [here, *(cast(R, future.result()) for future in elsewhere)]
    finally:
        _job = None


def _run_part(index: int) -> object:
    """In a forked process: the part `index` of the job this process inherited."""
    assert _job is not None, "a part runs only in a process forked by `spread`"
    job, parts = _job
    return job(parts[index])


def _workers(count: int) -> int:
    if count < SPREAD_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, 4))


def _parts(items: Sequence[T], weights: Sequence[int], count: int) -> list[Sequence[T]]:
    """`items` cut into at most `count` runs of about equal weight, none of them empty."""
    total = sum(weights) or 1
    parts: list[Sequence[T]] = []
    start, carried = 0, 0
    for index, weight in enumerate(weights):
        carried += weight
        if carried * count >= total * (len(parts) + 1) and len(parts) < count - 1:
            parts.append(items[start : index + 1])
            start = index + 1
    parts.append(items[start:])
    return [part for part in parts if part]


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a library is read or indexed. A load makes
    millions of objects that all live on, and the collector, started again and again by
    their number, walked them every time: a fifth to a third of a large load, for garbage a
    load does not make. Whatever cycles there are are collected once it is over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
