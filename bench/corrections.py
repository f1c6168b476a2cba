"""Benchmark: correcting one brief in 10,000 messages already sent, within Telegram's limits.

What it measures: how fast the running delivery engine applies a correction to every copy of
a brief already sent (one `editMessageText` per message, paced like sends), against a fake
Bot API that enforces Telegram's 30 requests/s overall and 1/s per chat and answers 429
beyond them: edits per second (first to last accepted) beside the fake's limit, 429s, messages
that carried the brief and got no edit, and messages edited twice.

The real path, in two phases, against one fake (`bench._telegram.FakeWithEdits`, in a process
of its own; an edit is accepted only for a message the same fake sent):

1. **Digests.** N private chats subscribed in a temporary SQLite file (`bench._engine_run`'s
   subscribers, all in one zone and following nothing, so every digest carries the same
   briefs), due now; one tick and the engine delivers a digest to each, which records each
   message with the id the fake gave it. Not measured: the fake has no limits yet and the
   engine sends at up to 1,000/s with 32 in flight.
2. **The correction** (measured). A brief every digest carried (read from the sent records)
   gets a new English title in a temporary copy of the shipped library; the catalog reloads;
   `plan_correction` + `queue_correction` queue one 'correction' job per message, as
   `briefbot correct ENTRY --yes` does. The fake now enforces the limits, and a fresh engine
   wired as `briefbot run` wires it (`bot.bootstrap`, shipped settings: concurrency 8, the
   pacing of `telegram_limits(Config())`) drains the jobs.

Missed and repeated edits come from what the fake accepted per (chat, message id); every
accepted edit must carry the new title. Only 127.0.0.1 and temporary files are used.

Run from the project root:   .venv/bin/python -m bench.corrections
Quick check:                 .venv/bin/python -m bench.corrections --messages 300
It prints a table and, last, one line of JSON with the figures. A full run takes about
N/30 seconds for the edits plus half a minute: about 6 minutes for 10,000 (15 s for 300).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench._common import SPAWN, emit, load_average, peak_rss_mb, receive
from bench._engine_run import ROOT, ZONES, seed_due
from bench._telegram import FakeWithEdits, limits, make_bot, make_sender
from bench.broadcast import _steady_rate
from bot.catalog.model import Brief
from bot.config import Config, DeliveryConfig
from bot.core.context import Services
from bot.store import Store
from bot.store.db import Database

PLATFORM = "telegram"
NEW_TITLE = "A corrected title the editors wrote"
TELEGRAM_PER_SECOND = 30.0  # what the fake enforces in phase 2: Telegram's own limits
TELEGRAM_PER_CHAT = 1.0
LIFTED_PER_SECOND = 1000.0  # phase 1's pacing (not measured), as bench.broadcast's ceiling run
LIFTED_CONCURRENCY = 32


def engine_child(pipe: Connection, base_url: str, count: int) -> None:
    """Both phases in a child process: sends phase 1's figures, waits for "go" (the fake then
    enforces its limits), runs phase 2 and sends its figures."""
    logging.basicConfig(level=logging.WARNING)
    pipe.send(asyncio.run(correct_sent(pipe, base_url, count)))


async def correct_sent(pipe: Connection, base_url: str, count: int) -> dict[str, Any]:
    from bot.bootstrap import delivery_engine, open_services
    from bot.core.corrections import plan_correction, queue_correction
    from bot.domain.queue import CORRECT
    from bot.runner import settle_heap

    with tempfile.TemporaryDirectory(prefix="briefbot-bench-") as folder:
        content = Path(folder) / "content"
        shutil.copytree(ROOT / "content", content)
        shipped = Config(content_dir=content, database=Path(folder) / "bench.sqlite3")
        async with (
            open_services(shipped, platforms=[PLATFORM]) as services,
            make_bot(base_url) as bot,
        ):
            started = time.monotonic()
            await subscribe_alike(services, count)
            unpaced = replace(limits(shipped), per_second=LIFTED_PER_SECOND)
            fast = shipped.model_copy(
                update={"delivery": DeliveryConfig(concurrency=LIFTED_CONCURRENCY)}
            )
            engine = delivery_engine(services, [make_sender(bot, unpaced)], fast)
            await engine.start()
            try:
                await engine.tick()
                await engine.run_until_idle(timeout=count / 50 + 120)
            finally:
                await engine.stop()
            delivered = time.monotonic() - started

            brief_id, carrying = await brief_in_every_message(services)
            old_title = retitle(content, brief_id, NEW_TITLE)
            services.catalog.reload()
            plan = await plan_correction(services, brief_id, CORRECT)
            _, queued = await queue_correction(services, plan)
            pipe.send(
                {
                    "delivered_seconds": round(delivered, 2),
                    "brief": brief_id,
                    "old_title": old_title,
                    "queued": queued,
                }
            )
            await receive(pipe)  # "go": the fake now enforces Telegram's limits

            engine = delivery_engine(services, [make_sender(bot, limits(shipped))], shipped)
            settle_heap()  # as `delivering` does before the engine starts
            started = time.monotonic()
            await engine.start()
            try:
                await engine.run_until_idle(timeout=3 * queued / TELEGRAM_PER_SECOND + 120)
            finally:
                await engine.stop()
            seconds = time.monotonic() - started
            async with database(services).read() as connection:
                rows = await connection.execute_fetchall(
                    "SELECT state, count(*) FROM outbox WHERE job = 'correction' GROUP BY state"
                )
    return {
        "carrying": carrying,
        "seconds": seconds,
        "flood_waits": engine.flood_waits,
        "states": {state: n for state, n in rows},
        "peak_rss_mb": peak_rss_mb(),
    }


def database(services: Services) -> Database:
    """The SQLite database behind the services (the bench reads and seeds it directly)."""
    assert isinstance(services.store, Store)
    return services.store.db


async def subscribe_alike(services: Services, count: int) -> None:
    """`bench._engine_run`'s N subscribers due this minute, then all moved to one zone and
    following nothing: they then share one digest, so one brief is in every message."""
    due = services.clock.now().replace(second=0, microsecond=0)
    await seed_due(services, PLATFORM, count, due)
    local = due.astimezone(ZoneInfo(ZONES[0])).strftime("%H:%M")
    async with database(services).write() as connection:
        await connection.execute(
            "UPDATE chats SET timezone = ?, delivery_time = ?", (ZONES[0], local)
        )
        await connection.execute("DELETE FROM follows")


async def brief_in_every_message(services: Services) -> tuple[str, list[tuple[int, int]]]:
    """The brief carried by the most recorded messages (all of them, as seeded), and those
    messages as (chat id, message id): the copies a correction of it must edit."""
    async with database(services).read() as connection:
        counts = await connection.execute_fetchall(
            """SELECT entry_id, count(*) FROM sent_entries
               GROUP BY entry_id ORDER BY count(*) DESC, entry_id"""
        )
        library = services.catalog.current
        brief_id = next(e for e, _ in counts if isinstance(library.entry(e), Brief))
        rows = await connection.execute_fetchall(
            """SELECT c.chat_id, m.message_id FROM sent_entries e
               JOIN sent_messages m USING (chat_pk, job, key, part)
               JOIN chats c ON c.id = m.chat_pk
               WHERE e.entry_id = ?""",
            (brief_id,),
        )
    return brief_id, [(int(chat), int(message)) for chat, message in rows]


def retitle(content: Path, entry_id: str, title: str) -> str:
    """The editors' fix, as in tests/e2e/test_corrections.py: the brief's English title
    changed in its file; returns the old title."""
    from bot.bootstrap import load_content

    path, lines = load_content(content).locations[entry_id]
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines["title"] - 1
    old = str(yaml.safe_load(text[line])["title"])
    text[line] = text[line].replace(old, title) if old in text[line] else f"title: {title}\n"
    path.write_text("".join(text), encoding="utf-8")
    return old


def _answer(connection: Connection, timeout: float, what: str) -> Any:
    if not connection.poll(timeout):
        raise TimeoutError(f"{what}: nothing within {timeout:.0f}s")
    return connection.recv()


def run(count: int) -> dict[str, Any]:
    """Both phases: the fake and the engine in processes of their own, this one between
    them to set the fake's limits once the correction is queued."""
    fake = FakeWithEdits(NEW_TITLE)
    parent, child = SPAWN.Pipe()
    process = SPAWN.Process(target=engine_child, args=(child, fake.address, count), daemon=True)
    try:
        process.start()
        child.close()
        print(f"phase 1: {count} digests, the fake with no limits", flush=True)
        digests = _answer(parent, count / 20 + 300, "phase 1")
        print(
            f"phase 2: correcting {digests['brief']!r} in {digests['queued']} messages, the"
            f" fake at {TELEGRAM_PER_SECOND:g}/s and {TELEGRAM_PER_CHAT:g}/s per chat",
            flush=True,
        )
        fake.limit(TELEGRAM_PER_SECOND, TELEGRAM_PER_CHAT)
        parent.send("go")
        edited = _answer(parent, 4 * count / TELEGRAM_PER_SECOND + 300, "phase 2")
    finally:
        records = fake.stop()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    return judge(count, digests, edited, records)


def judge(
    count: int, digests: dict[str, Any], edited: dict[str, Any], records: dict[str, Any]
) -> dict[str, Any]:
    """The figures, from what the fake accepted against what the sent records say."""
    expected = set(map(tuple, edited["carrying"]))
    edits = Counter((chat, message) for chat, message, _, _ in records["edits"])
    stamps = sorted(records["accepted_at"])
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    rate = (len(stamps) - 1) / span if span else None
    requests = records["accepted"] + records["rate_limited"]
    return {
        "benchmark": "corrections",
        "subscribers": count,
        "digests_sent": len(records["sent"]),
        "digests_seconds": digests["delivered_seconds"],
        "brief": digests["brief"],
        "messages": len(expected),  # recorded messages carrying the brief
        "queued": digests["queued"],
        "edits": records["accepted"],
        "edits_per_s": round(rate, 2) if rate else None,
        "steady_edits_per_s": _steady_rate(stamps),
        "limit_per_s": TELEGRAM_PER_SECOND,
        "ratio_to_limit": round(rate / TELEGRAM_PER_SECOND, 3) if rate else None,
        "rate_limited": records["rate_limited"],
        "rate_limited_pct": round(100 * records["rate_limited"] / requests, 3) if requests else 0,
        "flood_waits": edited["flood_waits"],
        "missed": len(expected - set(edits)),
        "edited_twice": sum(1 for n in edits.values() if n > 1),
        "stray_edits": sum(n for key, n in edits.items() if key not in expected),
        "without_new_title": sum(1 for *_, has_title in records["edits"] if not has_title),
        # editMessageText requests neither accepted nor 429: "not modified" (a repeated edit)
        # or "not found" would be counted here.
        "edits_refused_otherwise": records["edit_requests"] - requests,
        "seconds": round(edited["seconds"], 2),
        "states": edited["states"],
        "peak_rss_mb": edited["peak_rss_mb"],
        "fake_peak_rss_mb": records["peak_rss_mb"],
    }


def table(figures: dict[str, Any]) -> None:
    rows = [
        ("messages carrying the brief", figures["messages"], ""),
        ("edits accepted", figures["edits"], ""),
        ("edits/s, first to last accepted", figures["edits_per_s"], ">= 27"),
        ("steady edits/s (10th-90th pct)", figures["steady_edits_per_s"], ""),
        (
            "fake's limit /s (ratio)",
            f"{figures['limit_per_s']:g} ({figures['ratio_to_limit']})",
            "",
        ),
        ("429s (share %)", f"{figures['rate_limited']} ({figures['rate_limited_pct']})", "< 1 %"),
        ("missed", figures["missed"], "0"),
        ("edited twice", figures["edited_twice"], "0"),
        ("edits without the new title", figures["without_new_title"], "0"),
        ("phase 2 seconds (engine start to idle)", figures["seconds"], ""),
    ]
    width = max(len(label) for label, _, _ in rows)
    for label, value, goal in rows:
        print(f"{label:>{width}}  {value!s:>14}  {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="subscribers (messages)")
    args = parser.parse_args()
    load_before, started = load_average(), datetime.now().astimezone()
    figures = run(args.messages)
    figures |= {
        "load_before": load_before,
        "load_after": load_average(),
        "cpus": os.cpu_count(),
        "started": started.isoformat(timespec="seconds"),
    }
    table(figures)
    emit(figures)


if __name__ == "__main__":
    main()
