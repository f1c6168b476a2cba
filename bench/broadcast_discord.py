"""Benchmark: N Discord channels all due at once, delivered within Discord's global limit.

The fake Discord (REST API on 127.0.0.1) runs in a process of its own with Discord's limits:
50 requests/s per bot (global; 429 with `retry_after` beyond that) and 5 messages per 5 s per
channel, and records every message it accepts. The engine runs in another fresh process, as
`briefbot run` delivers: N server channels seeded due now in a temporary SQLite file with the
shipped content, one tick, then the delivery engine drains the queue through the real
`DiscordSender` (discord.py's REST client). Figures come from the fake's records:

- rate: messages accepted per second, first to last accepted message (goal: at least 45/s
  against the 50/s ceiling); end-to-end rate counts from the tick instead;
- lost: channels with no digest; duplicated: digests beyond one per channel (goal: 0 and 0);
- 429s the fake answered (global and per-channel), and the engine's flood waits;
- peak RSS of the engine process and of the fake's.

Run from the project root:  .venv/bin/python -m bench.broadcast_discord --subscribers 300
(or python bench/broadcast_discord.py ...). `run(subscribers, ...)` returns the figures for
`bench.broadcast --platform discord`. It prints a short table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ChildServer, emit, load_average, peak_rss_mb, receive, run_child

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "MTIwMDAwMDAwMDAwMDAwMDAwMg.bench.discord-token"
FIRST_CHANNEL = 1300000000000100000
GLOBAL_RATE = 50  # Discord: requests per second per bot


# --- the fake Discord, in its own process ---------------------------------------------------


def serve_fake(pipe: Connection, channels: int, global_rate: int) -> None:
    """Child process: FakeDiscord with `channels` server channels; answers "stop" with what
    it accepted."""
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_serve(pipe, channels, global_rate))


async def _serve(pipe: Connection, channels: int, global_rate: int) -> None:
    from tests.e2e.discord_delivery_helpers import server_with_channels
    from tests.fakes.discord_api import FakeDiscord

    server = server_with_channels(channels, FIRST_CHANNEL)
    async with FakeDiscord(TOKEN, guilds=(server,), global_rate=global_rate) as fake:
        pipe.send(fake.rest_base)
        await receive(pipe)
        pipe.send(
            {
                "accepted_at": [d.at for d in fake.deliveries],
                "per_channel": dict(Counter(d.channel_id for d in fake.deliveries)),
                "global_429": fake.stats["global_rate_limited"],
                "all_429": fake.stats["rate_limited"],
                "errors": fake.stats["errors"],
                "peak_rss_mb": peak_rss_mb(),
            }
        )


# --- the engine, in its own process ---------------------------------------------------------


def engine_child(pipe: Connection, rest_base: str, channels: int, per_second: float) -> None:
    logging.basicConfig(level=logging.WARNING)
    pipe.send(asyncio.run(_deliver(rest_base, channels, per_second)))


async def _deliver(rest_base: str, channels: int, per_second: float) -> dict[str, Any]:
    from dataclasses import replace

    from bot.adapters.discord.sender import DISCORD_LIMITS, discord_sender
    from bot.domain.clock import SystemClock
    from bot.store import Store
    from tests.e2e.discord_delivery_helpers import engine_for, just_due, subscribe

    clock = SystemClock()
    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        store = await Store.open(Path(folder) / "bench.sqlite3", clock)
        sender = await discord_sender(
            TOKEN, rest_base, replace(DISCORD_LIMITS, per_second=per_second)
        )
        try:
            seeded = time.monotonic()
            due = just_due()
            for n in range(channels):
                await subscribe(store, FIRST_CHANNEL + n, due)
            engine = engine_for(store, sender, clock, poll_seconds=1.0)
            started = time.monotonic()
            tick = await engine.tick()
            await engine.start()
            try:
                await engine.run_until_idle(timeout=channels / 10 + 60)
            finally:
                await engine.stop()
            return {
                "seed_s": round(started - seeded, 2),
                "started_at": started,
                "drained_s": round(time.monotonic() - started, 2),
                "enqueued": tick.enqueued,
                "flood_waits": engine.flood_waits,
                "peak_rss_mb": peak_rss_mb(),
            }
        finally:
            await sender.close()
            await store.close()


# --- the run --------------------------------------------------------------------------------


def run(
    subscribers: int, *, per_second: float | None = None, global_rate: int = GLOBAL_RATE
) -> dict[str, Any]:
    """Deliver one digest to each of `subscribers` channels; the figures, from the fake's
    records. `per_second`: the engine's pace (default: the sender's `DISCORD_LIMITS`)."""
    from bot.adapters.discord.sender import DISCORD_LIMITS

    pace = per_second or DISCORD_LIMITS.per_second
    fake = ChildServer(serve_fake, subscribers, global_rate)
    try:
        engine = run_child(
            engine_child, fake.address, subscribers, pace, timeout=subscribers / 10 + 120
        )
    finally:
        records = fake.stop()
    accepted = sorted(records["accepted_at"])
    counts = records["per_channel"]
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0
    return {
        "platform": "discord",
        "subscribers": subscribers,
        "engine_per_second": pace,
        "fake_global_per_second": global_rate,
        "accepted": len(accepted),
        "rate_per_s": round((len(accepted) - 1) / span, 1) if span else None,
        "end_to_end_per_s": round(len(accepted) / (accepted[-1] - engine["started_at"]), 1)
        if accepted
        else None,
        "drained_s": engine["drained_s"],
        "lost": sum(1 for n in range(subscribers) if not counts.get(FIRST_CHANNEL + n)),
        "duplicated": sum(count - 1 for count in counts.values()),
        "global_429": records["global_429"],
        "all_429": records["all_429"],
        "errors": records["errors"],
        "flood_waits": engine["flood_waits"],
        "seed_s": engine["seed_s"],
        "engine_peak_rss_mb": engine["peak_rss_mb"],
        "fake_peak_rss_mb": records["peak_rss_mb"],
        "load_average": load_average(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument(
        "--per-second",
        type=float,
        default=None,
        help="the engine's pace (default: the Discord sender's limit)",
    )
    parser.add_argument(
        "--global-rate",
        type=int,
        default=GLOBAL_RATE,
        help="the fake's global limit, requests per second",
    )
    args = parser.parse_args()
    figures = run(args.subscribers, per_second=args.per_second, global_rate=args.global_rate)
    for key in (
        "subscribers",
        "rate_per_s",
        "end_to_end_per_s",
        "lost",
        "duplicated",
        "global_429",
        "all_429",
        "engine_peak_rss_mb",
    ):
        print(f"{key:>18}: {figures[key]}")
    emit(figures)


if __name__ == "__main__":
    main()
