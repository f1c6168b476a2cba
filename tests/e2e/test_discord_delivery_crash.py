"""A crash in the middle of a Discord delivery run loses nothing and sends little twice.

200 Discord subscribers are due at once: 175 server channels and 5 DMs that can receive, 5
users who closed their DMs (403 50007), 5 channels the bot lost access to (403 50001) and 10
channels that were deleted (404 10003). A delivery process (`discord_delivery_worker`, the
real sender and engine) sends through the fake Discord with its global and per-channel
limits and is SIGKILLed part-way; a second process resumes the queue.

The bound on duplicates: a message is sent twice only if Discord accepted it and the killed
process had not written that down. The engine has at most `concurrency` (8) messages on the
wire, so the test kills it at the worst moment: 8 messages held unanswered by a slow Discord
(which accepts them after the kill), every earlier acceptance recorded. Exactly those 8 are
sent again. (On Discord itself the `nonce` + `enforce_nonce` each message carries lets Discord
answer such a resend with the first message, for a restart within minutes; the fake does not
enforce nonces, so this test sees the engine's own bound.)
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.address import ChatKind
from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.discord_delivery_helpers import (
    CONCURRENCY,
    FIRST_CHANNEL,
    TOKEN,
    chat,
    digests,
    outbox_rows,
    posts_to,
    server_with_channels,
    subscribe,
)
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timing  # SIGKILL mid-delivery under rate limits

REPO = Path(__file__).resolve().parents[2]
SERVER = server_with_channels(180)
SERVER_CHANNELS = [channel.id for channel in SERVER.channels]
USERS = [1400000000000000100 + n for n in range(10)]
VANISHED = [FIRST_CHANNEL + 5000 + n for n in range(10)]
SLOW_FROM = 70  # queue position from which Discord answers slowly (and the kill comes)
SLOW_SECONDS = 3.0

StartWorker = Callable[[Path, FakeDiscord, str], Awaitable[asyncio.subprocess.Process]]


@pytest.fixture
async def start_worker(tmp_path: Path) -> AsyncIterator[StartWorker]:
    """Start delivery processes; any still running at the end is killed."""
    started: list[asyncio.subprocess.Process] = []

    async def start(database: Path, fake: FakeDiscord, name: str) -> asyncio.subprocess.Process:
        with (tmp_path / f"{name}.log").open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.e2e.discord_delivery_worker",
                str(database), fake.rest_base, "--claim-timeout", "2",
                cwd=REPO, env=os.environ | {"DISCORD_BOT_TOKEN": TOKEN},
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


def log_tail(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text(errors="replace")[-3000:]


async def test_a_killed_delivery_run_resumes_and_every_channel_ends_with_one_digest(
    tmp_path: Path, start_worker: StartWorker
) -> None:
    database = tmp_path / "bot.sqlite3"
    async with FakeDiscord(TOKEN, guilds=(SERVER,)) as fake:
        dms = [fake.dm_channel_id(user) for user in USERS]
        blocked, open_dms = dms[:5], dms[5:]
        lost_access = SERVER_CHANNELS[:5]
        for channel in blocked:
            fake.fail_channel(channel, 403, 50007, "Cannot send messages to this user")
        for channel in lost_access:
            fake.fail_channel(channel, 403, 50001, "Missing Access")
        unreachable = blocked + lost_access + VANISHED
        reachable = SERVER_CHANNELS[5:] + open_dms
        # Some unreachable subscribers come first in the queue, the rest last: the first are
        # met by the killed process, the others only by the one that resumes.
        early, late = unreachable[::3], [c for c in unreachable if c not in unreachable[::3]]
        await seed(database, [early, reachable, late], private=set(dms))
        # Discord is slow to answer for some channels part-way down the queue: the killed
        # process has a full set of messages on the wire, which Discord goes on to accept.
        slow = reachable[SLOW_FROM : SLOW_FROM + 2 * CONCURRENCY]
        for channel in slow:
            fake.delay_channel(channel, SLOW_SECONDS)

        first = await start_worker(database, fake, "first")
        await until(lambda: len(on_the_wire(fake, slow)) == CONCURRENCY, timeout=30)
        await every_accepted_message_is_recorded(database, fake)
        in_doubt = on_the_wire(fake, slow)
        first.send_signal(signal.SIGKILL)
        await asyncio.wait_for(first.wait(), 5)
        delivered_before_restart = len(fake.deliveries)
        for channel in slow:
            fake.heal_channel(channel)

        second = await start_worker(database, fake, "second")
        assert await asyncio.wait_for(second.wait(), 45) == 0, log_tail(tmp_path, "second")
        await until(lambda: not on_the_wire(fake, slow), timeout=SLOW_SECONDS + 1)

        received = {channel: len(digests(fake, channel)) for channel in reachable}
        refused = {channel: len(refusals(fake, channel)) for channel in unreachable}

    assert SLOW_FROM <= delivered_before_restart < len(reachable)  # killed part-way
    assert len(in_doubt) == CONCURRENCY  # the engine never had more on the wire
    assert all(count >= 1 for count in received.values()), "a digest was lost"
    twice = {channel for channel, count in received.items() if count > 1}
    assert twice == in_doubt  # only messages on the wire at the crash were sent again...
    assert all(received[channel] == 2 for channel in twice)  # ...and only once more
    assert refused == {channel: 1 for channel in unreachable}  # never retried

    async with await Store.open(database, SystemClock()) as store:
        for channel in unreachable:
            record = await chat(store, channel)
            assert not record.subscribed and record.deactivated_reason
        for channel in reachable:
            assert (await chat(store, channel)).subscribed
        rows = await outbox_rows(store)
    assert {rows[str(c)]["state"] for c in reachable} == {"sent"}
    assert {rows[str(c)]["state"] for c in unreachable} == {"failed"}


def on_the_wire(fake: FakeDiscord, channels: list[int]) -> set[int]:
    """Channels with a message create the fake received and has not answered yet."""
    paths = {f"/channels/{channel}/messages": channel for channel in channels}
    return {paths[r.path] for r in fake.requests if r.path in paths and r.status == 0}


def refusals(fake: FakeDiscord, channel: int) -> list[int]:
    """Error answers to the channel's messages (a 429 is a "not yet", not a refusal)."""
    return [r.status for r in posts_to(fake, channel) if r.status not in (0, 200, 429)]


async def every_accepted_message_is_recorded(database: Path, fake: FakeDiscord) -> None:
    """Wait until the delivery process has written down each message Discord accepted, so
    the messages on the wire are the only ones whose fate it does not know."""
    async with await Store.open(database, SystemClock()) as store:

        async def recorded() -> int:
            return sum(row["state"] == "sent" for row in (await outbox_rows(store)).values())

        async with asyncio.timeout(10):
            while await recorded() < len(fake.deliveries):
                await asyncio.sleep(0.02)


async def until(condition: Callable[[], object], timeout: float) -> None:
    """Poll a condition on state another process changes (a fake request arriving does not
    wake `FakeDiscord.wait_until`, which is woken by answers)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def seed(database: Path, groups: list[list[int]], private: set[int]) -> None:
    """Subscribe every channel, due now; each group falls due a minute after the one before,
    which is the order they are queued and sent in."""
    now = datetime.now(UTC)
    async with await Store.open(database, SystemClock()) as store:
        for minutes, group in enumerate(groups):
            due = now - timedelta(minutes=len(groups) - minutes)
            for channel in group:
                kind = ChatKind.PRIVATE if channel in private else ChatKind.SERVER_CHANNEL
                await subscribe(store, channel, due, kind)
