"""Running the bot: every enabled platform in one event loop, until a stop signal.

`run_bot` is what `briefbot run` does; `run_console` is `briefbot console`. Both refuse to
start, with a message saying what to fix, when content, config, database or token are wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from bot.adapters.console import CONSOLE, CONSOLE_USER, Console, ConsoleSender
from bot.adapters.errors import StartupError
from bot.bootstrap import ContentError, delivery_engine, open_services, shared_send_budget
from bot.config import Config
from bot.core.context import Services
from bot.core.dispatch import BriefBot
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ports import PlatformSender
from bot.delivery.ticker import Ticker
from bot.domain.secrets import scrub
from bot.logs import setup_logging
from bot.monitoring.listener import MonitoringListener
from bot.monitoring.measured import MeasuredSender, measured_tick
from bot.monitoring.metrics import Metrics
from bot.monitoring.readiness import Readiness
from bot.platforms import Platform, Running, enabled_platforms
from bot.standby import sender_lock, stand_by
from bot.store import StoreError, location

if TYPE_CHECKING:
    from bot.standby import SenderLock

log = logging.getLogger(__name__)

TAKEOVER_PAUSE_SECONDS = 1.0  # the platforms' rate windows are one second long


def _fail(lines: list[str] | str) -> int:
    """Say why the bot cannot run, on stderr (which the log scrubber does not see: scrubbed
    here), and give the exit code."""
    for line in [lines] if isinstance(lines, str) else lines:
        print(scrub(line), file=sys.stderr)
    return 1


def settle_heap() -> None:
    """Take what is loaded by now out of the garbage collector's full passes.

    By the time a bot starts delivering, what it has loaded (libraries, content, platform
    clients) lives as long as the process, yet every full collection walks all of it: about
    20 ms with the event loop stopped, which holds back the sends in flight by as much as the
    pacer's flood margin (`bench.broadcast` at 1,000/s saw 429s follow such pauses). Frozen
    objects are still freed by reference counting, and a content reload leaves no cycles
    behind, so freezing keeps nothing alive.
    """
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def delivering(
    services: Services,
    senders: Sequence[PlatformSender],
    config: Config,
    metrics: Metrics | None = None,
) -> AsyncIterator[DeliveryEngine]:
    """Run the delivery engine and its tick for the duration of the block; with `metrics`,
    every send and tick is counted there."""
    if metrics is not None:
        senders = [MeasuredSender(sender, metrics) for sender in senders]
    engine = delivery_engine(services, senders, config)
    keep = timedelta(days=config.delivery.keep_days)
    records = timedelta(days=config.delivery.sent_records_days)
    ticker = Ticker(
        engine.tick if metrics is None else measured_tick(engine.tick, metrics),
        config.delivery.tick_seconds,
        lambda: prune(services, keep, records),
        health=engine.health,
    )
    settle_heap()
    await engine.start()
    ticker.start()
    try:
        yield engine
    finally:
        await ticker.stop()
        await engine.stop()


async def prune(services: Services, keep_queue: timedelta, keep_sent: timedelta) -> None:
    """Forget which chat prayed what after two days (the anonymous daily tallies stay),
    finished queue rows after `keep_queue`, and which message carried what after
    `keep_sent`."""
    now = services.clock.now()
    removed = await services.store.prune_prayers(before=now.date() - timedelta(days=2))
    if removed:
        log.info("pruned %d per-chat prayer record(s)", removed)
    removed = await services.outbox.prune_finished(before=now - keep_queue)
    if removed:
        log.info("deleted %d finished queue row(s) older than %s", removed, keep_queue)
    removed = await services.outbox.prune_sent(before=now - keep_sent)
    if removed:
        log.info("deleted %d record(s) of messages sent over %s ago", removed, keep_sent)


async def run_console(config: Config, operator: bool = False, language: str | None = None) -> int:
    """The console chat; its user is an operator only when asked (`operator`)."""
    try:
        async with open_services(
            config,
            extra_operators=[CONSOLE_USER] if operator else [],
            platforms=[CONSOLE.platform],
        ) as services:
            console = Console(BriefBot(services), language=language)
            async with delivering(services, [ConsoleSender(console)], config) as engine:
                await console.run()
                if not sys.stdin.isatty():
                    await deliver_before_exit(engine)
    except ContentError as error:
        return _fail(["The content library has problems:", *error.problems])
    except StoreError as error:
        return _fail(str(error))
    return 0


async def deliver_before_exit(engine: DeliveryEngine, timeout: float = 30.0) -> None:
    """A scripted console (input piped in) ends when its input does; what it queued for itself
    (a /broadcast, a digest that came due) is delivered first, so the script sees it."""
    try:
        await engine.run_until_idle(timeout, platform=CONSOLE.platform)
    except TimeoutError:
        print(
            "Some messages were still queued; they are delivered the next time the console runs.",
            file=sys.stderr,
        )


@contextlib.asynccontextmanager
async def monitoring(
    services: Services,
    config: Config,
    running: dict[str, Running],
    metrics: Metrics,
    standing_by: bool = False,
) -> AsyncIterator[None]:
    """Serve /healthz, /readyz and /metrics for the duration of the block, if enabled."""
    settings = config.monitoring
    if not settings.enabled:
        yield
        return
    readiness = Readiness(
        services.store,
        {name: platform.connected for name, platform in running.items()},
        lambda: metrics.last_tick_monotonic,
        config.delivery.tick_seconds,
        standing_by,
    )
    listener = MonitoringListener(readiness, metrics, services.store, services.outbox)
    async with listener.serving(settings.listen, settings.port):
        yield


async def wait_for_stop(unhealthy: asyncio.Event) -> bool:
    """Return on SIGINT or SIGTERM (False), or once the bot is `unhealthy` (True)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(unhealthy.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for wait in waits:
            wait.cancel()
        return unhealthy.is_set()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _wait_for_sender_lock(
    lock: SenderLock,
    services: Services,
    config: Config,
    answering: dict[str, Running],
) -> bool:
    """Stand by while another process holds the database's sender lock; True once it is ours,
    False if stopped first. Meanwhile its health is served, and the platforms in `answering`
    answer readers (it is ready when they are connected; without them it is never ready)."""
    log.info(
        "another briefbot process delivers from %s; standing by to take over when it stops%s",
        location.shown(config.database),
        f", answering readers on {', '.join(answering)} meanwhile" if answering else "",
    )
    metrics = Metrics(services.catalog, answering)
    async with monitoring(services, config, answering, metrics, standing_by=True):
        if not await stand_by(lock):
            return False
    log.info("the process that delivered stopped; taking over")
    # What it sent in its last second still counts against the token's budget (and a chat's
    # one message a second): wait that second out rather than meet it with a burst of 429s.
    await asyncio.sleep(TAKEOVER_PAUSE_SECONDS)
    return True


async def run_bot(config: Config) -> int:
    """Run every enabled platform, the delivery engine and its tick until SIGINT/SIGTERM."""
    platforms = enabled_platforms(config)
    if not platforms:
        return _fail(
            "No platform is enabled: set telegram.enabled or discord.enabled in the config."
        )
    missing = [p.missing_token for p in platforms if p.token is None]
    if missing:
        return _fail("\n\n".join(missing))
    setup_logging(
        config.log_level,
        secrets=[secret for p in platforms for secret in p.secrets],
        json_lines=config.log_format == "json",
    )
    try:
        async with (
            open_services(config, platforms=[p.name for p in platforms]) as services,
            contextlib.AsyncExitStack() as stack,
        ):
            core = BriefBot(services)
            shared = partial(shared_send_budget, services)
            running: dict[str, Running] = {}

            async def launch(chosen: Sequence[Platform]) -> None:
                for p in chosen:
                    running[p.name] = await p.launch(core, p.token or "", config, stack, shared)

            lock = sender_lock(config.database)
            if not await lock.try_acquire():
                await launch([p for p in platforms if p.answers_standing_by])
                if not await _wait_for_sender_lock(lock, services, config, dict(running)):
                    return 0  # stopped while standing by
            stack.push_async_callback(lock.release)  # released once the engine has stopped
            await launch([p for p in platforms if p.name not in running])
            metrics = Metrics(services.catalog, running)
            senders = [platform.sender for platform in running.values()]
            async with (
                delivering(services, senders, config, metrics) as engine,
                monitoring(services, config, running, metrics),
            ):
                lost = "the connection holding the sender lock dropped"
                lock.on_lost(lambda: engine.health.stop_now(lost))
                log.info("running on %s", ", ".join(p.name for p in platforms))
                if await wait_for_stop(engine.health.unhealthy):
                    return _fail(f"Stopped because the bot is unhealthy: {engine.health.reason}")
    except ContentError as error:
        return _fail(["The content library has problems:", *error.problems])
    except (StoreError, StartupError) as error:
        return _fail(str(error))
    return 0
