"""Benchmark: 10,000 subscribers all due at once, delivered within Telegram's flood limits.

Each run gets a fresh fake Bot API in a process of its own (127.0.0.1, any free port) that
enforces an overall rate and 1 message/s per chat, answers 429 with `retry_after` beyond them,
and records every accepted message; each contender runs in a fresh process of its own, so its
peak memory is its own. The runs:

* **engine** — briefbot as `briefbot run` wires it (`bot.bootstrap`): N subscribers seeded due
  at the next minute in a temporary SQLite file; the real scheduler's tick (on the minute)
  queues them and the delivery engine drains the queue through python-telegram-bot, against a
  fake enforcing 30 messages/s. Its `start_lag` is the first delivery minus the due instant.
* **peer** — a plain loop over `bot.send_message` with python-telegram-bot's `AIORateLimiter`
  (30/s, 3 retries on 429) sending the same digest to the same N chats, same fake.
* **ceiling** — the engine with the fake's overall limit lifted to 1,000/s (Telegram's paid
  broadcast ceiling), the engine's own limit set to 1,000/s and 32 sends in flight (a rate
  needs rate x round trip of them; the default 8 suits 30/s): what the whole stack (store,
  queue, composition, python-telegram-bot, HTTP) sustains on this machine.
* **capacity** — the engine with no pacing at all (its own limit lifted too) and 32 sends in
  flight, against a fake with no limit: how fast the whole stack can go. The ceiling run can
  at best reach the fake's limit; this one says how far beyond it the engine could go.
* **ceiling-no-http** — the same as ceiling, but the sender renders each message and sends
  nothing: the engine's own ceiling (store, queue, composition, rendering, pacing).
* **http-only** — no engine: 32 tasks calling `bot.send_message` as fast as they can against
  a fake with no limit: the ceiling python-telegram-bot and its HTTP client (the bot's
  aiohttp request class) put on any sender here.
* **NAME-postgresql** (ceiling-postgresql, engine-postgresql, capacity-postgresql,
  ceiling-no-http-postgresql) — the engine run NAME with the store on PostgreSQL instead of
  a SQLite file: one server for the whole invocation (tests/pg_server.py's, `fsync` and
  `synchronous_commit` on, which the JSON line shows), an empty database of its own for each
  run, seeded as the SQLite file is. Not in the default runs; name them beside their SQLite
  twins: `--runs ceiling,ceiling-postgresql`.

Lost and duplicated deliveries come from what the fake accepted, per subscriber: each must get
exactly one message (a digest of the shipped library fits one Telegram message; the engine's
runs also report the parts the queue recorded).

Run from the project root:   .venv/bin/python -m bench.broadcast
Quick check:                 .venv/bin/python -m bench.broadcast --subscribers 300
It prints a table and, last, one line of JSON with the figures. A full run takes about
2 x N/30 seconds (11 minutes for 10,000) plus the ceiling runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

from bench._common import ChildServer, emit, load_average, run_child
from bench._engine_run import (
    PLATFORMS,
    ROOT,
    chat_ids,
    engine_child,
    platform_module,
    scheduled_engine_child,
)
from bench._postgres import PgServer, database, durability, server, server_cpu_seconds
from bot.bootstrap import live_catalog
from bot.core.digest import compose
from bot.core.reply import Reply
from bot.core.views import digest_reply


def peer_child(
    pipe: Connection, platform: str, base_url: str, count: int, rate: float, settings: dict
) -> None:
    logging.basicConfig(level=logging.WARNING)
    side = platform_module(platform)
    pipe.send(asyncio.run(side.run_peer(base_url, chat_ids(count), sample_digest(), rate)))


def bare_child(
    pipe: Connection, platform: str, base_url: str, count: int, rate: float, settings: dict
) -> None:
    logging.basicConfig(level=logging.WARNING)
    side = platform_module(platform)
    concurrency = settings.get("concurrency", 8)
    pipe.send(asyncio.run(side.run_bare(base_url, chat_ids(count), sample_digest(), concurrency)))


def sample_digest() -> Reply:
    """Today's digest from the shipped library, so every contender's messages weigh the same."""
    library = live_catalog(ROOT / "content").current.library
    return digest_reply(compose(library, datetime.now(UTC).date()))


@dataclass(frozen=True)
class Run:
    child: Callable[..., None]
    rate: float  # the engine's or the peer's messages per second
    fake_rate: float | None  # the fake's overall limit; None: no fake (nothing is sent)
    ceiling: bool = False  # sized by --ceiling-subscribers
    # Sends in flight (delivery.concurrency) unless --concurrency says otherwise; None: the
    # config's default (8). In flight = rate x round trip: 8 carry 30/s over round trips up
    # to 260 ms, but at 1,000/s they allow only 8 ms, which the fake's own answers exceed.
    concurrency: int | None = None
    backend: str = "sqlite"  # where the engine's store is: "sqlite" or "postgresql"


UNLIMITED = 1e9
CEILING_CONCURRENCY = 32
SQLITE_RUNS = {
    "engine": Run(scheduled_engine_child, 30.0, 30.0),
    "peer": Run(peer_child, 30.0, 30.0),
    "ceiling": Run(engine_child, 1000.0, 1000.0, ceiling=True, concurrency=CEILING_CONCURRENCY),
    "capacity": Run(
        engine_child, UNLIMITED, UNLIMITED, ceiling=True, concurrency=CEILING_CONCURRENCY
    ),
    "ceiling-no-http": Run(
        engine_child, 1000.0, None, ceiling=True, concurrency=CEILING_CONCURRENCY
    ),
    # No limit at the fake: a bare loop has no pacer, so a limit would only count refusals.
    "http-only": Run(bare_child, 1000.0, UNLIMITED, ceiling=True, concurrency=CEILING_CONCURRENCY),
}
# Every engine run again with its store on PostgreSQL (the peer and http-only have no store).
ENGINE_CHILDREN = (engine_child, scheduled_engine_child)
RUNS = SQLITE_RUNS | {
    f"{name}-postgresql": replace(spec, backend="postgresql")
    for name, spec in SQLITE_RUNS.items()
    if spec.child in ENGINE_CHILDREN
}


def judge(name: str, records: dict, contender: dict, count: int) -> dict[str, Any]:
    """Figures for one run from what was accepted and what the contender reported."""
    per_chat: dict[int, int] = records["per_chat"]
    expected = {int(c) for c in chat_ids(count)}
    received = Counter({c: n for c, n in per_chat.items() if c in expected})
    stray = sum(n for c, n in per_chat.items() if c not in expected)
    stamps = sorted(records["accepted_at"])
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    sends = records["accepted"] + records["rate_limited"]
    due = contender.pop("due_monotonic", None)
    return {
        "contender": name,
        "messages": records["accepted"],
        "rate": round((len(stamps) - 1) / span, 2) if span else None,
        "steady_rate": _steady_rate(stamps),
        # First delivery minus the instant everyone was due (scheduled runs only; goal < 2 s).
        "start_lag": round(stamps[0] - due, 3) if due is not None and stamps else None,
        "seconds": round(contender["seconds"], 2),
        "rate_limited": records["rate_limited"],
        "rate_limited_pct": round(100 * records["rate_limited"] / sends, 3) if sends else 0.0,
        "lost": len(expected - set(received)),
        "duplicated": sum(n - 1 for n in received.values() if n > 1) + stray,
        "peak_rss_mb": contender["peak_rss_mb"],
        **{k: v for k, v in contender.items() if k not in ("seconds", "peak_rss_mb", "records")},
    }


def _steady_rate(stamps: list[float]) -> float | None:
    """Rate between the 10th and the 90th percentile acceptance: the run without its edges."""
    if len(stamps) < 20:
        return None
    low, high = len(stamps) // 10, len(stamps) * 9 // 10
    return round((high - low) / (stamps[high] - stamps[low]), 2)


def _per_second(rate: float) -> str:
    return "any rate" if rate >= UNLIMITED else f"{rate:g}/s"


@contextlib.contextmanager
def contender_of(spec: Run, pg: PgServer | None) -> Iterator[Callable[..., None]]:
    """The child to run for `spec`: as it is on SQLite (its own temporary file); on PostgreSQL
    given an empty database of its own on `pg`, dropped when the run is over."""
    if spec.backend == "sqlite":
        yield spec.child
        return
    assert pg is not None, "a PostgreSQL run needs the server main() starts"
    with database(pg) as url:
        yield functools.partial(spec.child, database=url)


def run(
    name: str, platform: str, count: int, settings: dict, pg: PgServer | None = None
) -> dict[str, Any]:
    spec = RUNS[name]
    side = platform_module(platform)
    if spec.concurrency is not None:
        settings = {"concurrency": spec.concurrency} | settings
    in_flight = settings.get("concurrency", "default")
    limit = f"fake allows {_per_second(spec.fake_rate)}" if spec.fake_rate else "nothing sent"
    print(
        f"{name}: {count} messages at {_per_second(spec.rate)} ({limit}; {in_flight} in flight)",
        flush=True,
    )
    timeout = 4 * count / min(spec.rate, 100.0) + 300
    fake = ChildServer(side.serve_fake, spec.fake_rate, 1.0) if spec.fake_rate else None
    server_cpu = server_cpu_seconds(pg) if pg is not None and spec.backend != "sqlite" else None
    try:
        address = fake.address if fake else None
        with contender_of(spec, pg) as child:
            contender = run_child(
                child, platform, address, count, spec.rate, settings, timeout=timeout
            )
    finally:
        records = fake.stop() if fake else None
    figures = judge(name, records or contender["records"], contender, count)
    figures["concurrency"] = in_flight
    if spec.child in ENGINE_CHILDREN:
        figures["backend"] = spec.backend
    if records:
        figures["fake_peak_rss_mb"] = records["peak_rss_mb"]
    if server_cpu is not None:
        assert pg is not None
        figures["server_cpu_seconds"] = round(server_cpu_seconds(pg) - server_cpu, 2)
    return figures


def run_all(names: list[str], platform: str, counts: dict[str, int], settings: dict) -> dict:
    """Every run in turn, and the PostgreSQL server's commit settings if any run used it: one
    server for the invocation, started only if a run needs it."""
    on_postgresql = any(RUNS[name].backend == "postgresql" for name in names)
    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(server()) if on_postgresql else None
        figures: dict[str, Any] = {}
        if pg is not None:  # refuse a server that would flatter the figures before any run
            figures["postgresql"] = asyncio.run(durability(pg.url("postgres")))
        figures["runs"] = [run(name, platform, counts[name], settings, pg) for name in names]
        return figures


def table(runs: list[dict]) -> None:
    columns = [
        ("contender", ""),
        ("messages", "sent"),
        ("rate", "msg/s"),
        ("steady_rate", "steady/s"),
        ("start_lag", "lag s"),
        ("rate_limited", "429s"),
        ("rate_limited_pct", "429 %"),
        ("lost", "lost"),
        ("duplicated", "dup"),
        ("peak_rss_mb", "RSS MB"),
        ("seconds", "wall s"),
    ]
    rows = [[label for _, label in columns]]
    rows += [[str(run.get(key)) for key, _ in columns] for run in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for row in rows:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument(
        "--ceiling-subscribers",
        type=int,
        default=None,
        help="messages for the 1,000/s runs (default: --subscribers)",
    )
    parser.add_argument("--platform", default="telegram", choices=[*sorted(PLATFORMS), "discord"])
    parser.add_argument(
        "--runs",
        default=",".join(SQLITE_RUNS),
        help="comma-separated, of: " + ", ".join(RUNS) + " (default: every SQLite run)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="delivery.concurrency (default: config's)"
    )
    args = parser.parse_args()
    if args.platform == "discord":  # a self-contained benchmark of its own
        from bench import broadcast_discord

        figures = broadcast_discord.run(args.subscribers)
        print("\n".join(f"{key:>22}: {value}" for key, value in figures.items()))
        emit({"benchmark": "broadcast", **figures})
        return
    settings = {} if args.concurrency is None else {"concurrency": args.concurrency}
    names = args.runs.split(",")
    unknown = [name for name in names if name not in RUNS]
    if unknown:
        parser.error(f"unknown runs: {', '.join(unknown)}")
    ceiling = args.ceiling_subscribers or args.subscribers
    counts = {name: ceiling if RUNS[name].ceiling else args.subscribers for name in names}
    load_before = load_average()
    figures = run_all(names, args.platform, counts, settings)
    table(figures["runs"])
    emit(
        {
            "benchmark": "broadcast",
            "platform": args.platform,
            "subscribers": args.subscribers,
            "settings": settings,
            **figures,
            "load_before": load_before,
            "load_after": load_average(),
            "cpus": os.cpu_count(),
        }
    )


if __name__ == "__main__":
    main()
