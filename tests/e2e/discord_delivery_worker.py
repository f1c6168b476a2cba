"""A delivery process for the Discord crash test: what `briefbot run` does for delivery, alone.

It seeds nothing. It opens the database, logs a `DiscordSender` in to the API at `api_base`
(the token comes from the DISCORD_BOT_TOKEN environment variable), builds the engine on the
shipped content with the real clock, ticks once, drains the queue and exits 0 — unless the
test kills it first, which is the point.

    python -m tests.e2e.discord_delivery_worker DATABASE API_BASE [--claim-timeout S]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from datetime import timedelta
from pathlib import Path

from bot.adapters.discord.sender import discord_sender
from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.discord_delivery_helpers import CONCURRENCY, engine_for


async def deliver(database: Path, api_base: str, claim_timeout: float, timeout: float) -> None:
    clock = SystemClock()
    store = await Store.open(database, clock)
    sender = await discord_sender(os.environ["DISCORD_BOT_TOKEN"], api_base)
    engine = engine_for(
        store, sender, clock,
        claim_timeout=timedelta(seconds=claim_timeout), concurrency=CONCURRENCY,
    )
    try:
        await engine.tick()
        await engine.start()
        await engine.run_until_idle(timeout)
    finally:
        await engine.stop()
        await sender.close()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("api_base")
    parser.add_argument("--claim-timeout", type=float, default=2.0,
                        help="seconds before a dead sender's claimed rows are resumed")
    parser.add_argument("--timeout", type=float, default=40.0,
                        help="seconds to wait for the queue to drain")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(deliver(args.database, args.api_base, args.claim_timeout, args.timeout))


if __name__ == "__main__":
    main()
