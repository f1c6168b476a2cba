"""Shared helpers for the delivery benchmarks: child processes, memory, load, the JSON line.

The fake Bot API and each contender run in processes of their own (started with `spawn`, so
every child begins from a fresh interpreter): a client and the fake sharing one event loop
would measure mostly the fake, and `ru_maxrss` is a per-process high-water mark, so the peak
memory of a contender is only its own when nothing else ran in that process before it.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import resource
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

SPAWN = multiprocessing.get_context("spawn")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: the machine is shared, so say how busy it was."""
    return [round(x, 2) for x in os.getloadavg()]


def emit(figures: dict[str, Any]) -> None:
    """The last line every benchmark prints: its figures as one line of JSON."""
    print(json.dumps(figures, sort_keys=True), flush=True)


async def receive(connection: Connection) -> Any:
    """Wait for a message on a pipe without blocking the event loop."""
    return await asyncio.to_thread(connection.recv)


def run_child(target: Callable[..., None], *args: Any, timeout: float) -> Any:
    """Run `target(pipe, *args)` in a fresh process and return the one thing it sends back."""
    parent, child = SPAWN.Pipe()
    process = SPAWN.Process(target=target, args=(child, *args), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            name = getattr(target, "__name__", repr(target))  # a partial has no name
            raise TimeoutError(f"{name} sent nothing within {timeout:.0f}s")
        return parent.recv()
    finally:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()


class ChildServer:
    """A server in a child process that sends its address when ready and its records on "stop".

    `target(pipe, *args)` must send one value once it listens (its base URL), then wait for
    "stop" and answer with what it recorded.
    """

    def __init__(self, target: Callable[..., None], *args: Any, ready_timeout: float = 30.0):
        self._parent, child = SPAWN.Pipe()
        self._process = SPAWN.Process(target=target, args=(child, *args), daemon=True)
        self._process.start()
        child.close()
        if not self._parent.poll(ready_timeout):
            self._process.kill()
            raise TimeoutError("the fake server did not start")
        self.address = self._parent.recv()

    def stop(self, timeout: float = 60.0) -> Any:
        """Ask for the records and end the process."""
        try:
            self._parent.send("stop")
            if not self._parent.poll(timeout):
                raise TimeoutError("the fake server did not answer 'stop'")
            return self._parent.recv()
        finally:
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
