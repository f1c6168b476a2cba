"""The bot's figures in Prometheus' terms, on a registry of its own.

Two kinds: what happens (sends, 429s, flood waits, send latency, tick duration, digests queued)
is counted as it happens by `measured.py`; what is (subscribers, queue rows, the content served)
is read when Prometheus asks, by `refresh`, so a scrape always shows the database as it is and a
state that empties shows 0 instead of its last value. Every label comes from a fixed set
(platform names, queue states, outcome kinds): no chat id and no server text, so the series
stay few and say nothing about readers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from bot.catalog.live import LiveCatalog
from bot.domain.figures import PlatformCounts
from bot.domain.ports import ChatStore, QueueFigures
from bot.domain.queue import STATES, EnqueueResult

EVERY_ROW = datetime(1970, 1, 1, tzinfo=UTC)
SEND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
TICK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass
class Snapshot:
    """The database's figures as of the last scrape."""

    subscribers: dict[str, PlatformCounts] = field(default_factory=dict)
    queue: dict[str, dict[str, int]] = field(default_factory=dict)


class Metrics:
    def __init__(self, catalog: LiveCatalog, platforms: Iterable[str]) -> None:
        self.platforms = tuple(platforms)
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.snapshot = Snapshot()
        self.registry.register(_ScrapeTime(self, catalog))
        self.sends = Counter(
            "briefbot_sends",
            "Messages of the delivery queue handed to a platform, by what it answered.",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.flood_waits = Counter(
            "briefbot_flood_wait_seconds",
            "Seconds the platform asked the bot to wait after a 429.",
            ["platform"],
            registry=self.registry,
        )
        self.send_seconds = Histogram(
            "briefbot_send_seconds",
            "Time from handing a message to the platform to its answer.",
            ["platform"],
            buckets=SEND_BUCKETS,
            registry=self.registry,
        )
        self.tick_seconds = Histogram(
            "briefbot_tick_seconds",
            "Duration of the scheduler tick that queues the digests due.",
            buckets=TICK_BUCKETS,
            registry=self.registry,
        )
        self.last_tick = Gauge(
            "briefbot_last_tick_timestamp_seconds",
            "When the last tick finished without error (Unix time).",
            registry=self.registry,
        )
        self.digests = Counter(
            "briefbot_digests",
            "Digests the tick queued, or skipped because their time passed beyond catch-up.",
            ["result"],
            registry=self.registry,
        )
        self.last_tick_monotonic: float | None = None
        for platform in self.platforms:  # every series exists from the start, at 0
            self.flood_waits.labels(platform)
            self.send_seconds.labels(platform)
            for outcome in ("delivered", "rate_limited"):
                self.sends.labels(platform, outcome)
        for result in ("enqueued", "skipped"):
            self.digests.labels(result)

    def sent(self, platform: str, outcome: str, seconds: float) -> None:
        self.sends.labels(platform, outcome).inc()
        self.send_seconds.labels(platform).observe(seconds)

    def flood_wait(self, platform: str, seconds: float) -> None:
        self.flood_waits.labels(platform).inc(seconds)

    def ticked(self, result: EnqueueResult) -> None:
        self.last_tick.set_to_current_time()
        self.last_tick_monotonic = time.monotonic()
        self.digests.labels("enqueued").inc(result.enqueued)
        self.digests.labels("skipped").inc(result.skipped)

    async def refresh(self, store: ChatStore, queue: QueueFigures) -> None:
        """Read the figures that live in the database, for the scrape about to be written."""
        subscribers = await store.platform_counts()
        rows = await queue.stats(since=EVERY_ROW)
        self.snapshot = Snapshot(subscribers, rows.by_state)

    def text(self) -> bytes:
        """Every figure in Prometheus' text format."""
        return generate_latest(self.registry)


class _ScrapeTime(Collector):
    """The figures read at scrape time: the database snapshot and the content served."""

    def __init__(self, metrics: Metrics, catalog: LiveCatalog) -> None:
        self._metrics = metrics
        self._catalog = catalog

    def collect(self) -> Iterator[Metric]:
        snapshot = self._metrics.snapshot
        platforms = sorted({*self._metrics.platforms, *snapshot.subscribers, *snapshot.queue})
        subscribers = GaugeMetricFamily(
            "briefbot_subscribers",
            "Chats known to the bot, by platform and state.",
            labels=["platform", "state"],
        )
        queue = GaugeMetricFamily(
            "briefbot_queue_rows",
            "Rows of the delivery queue, by platform and state.",
            labels=["platform", "state"],
        )
        for platform in platforms:
            counts = snapshot.subscribers.get(platform, PlatformCounts())
            for state in ("subscribed", "unsubscribed", "deactivated"):
                subscribers.add_metric([platform, state], getattr(counts, state))
            for state in STATES:
                queue.add_metric([platform, state], snapshot.queue.get(platform, {}).get(state, 0))
        yield subscribers
        yield queue
        yield from self._content()

    def _content(self) -> Iterator[Metric]:
        catalog = self._catalog
        info = InfoMetricFamily("briefbot_content", "The content library being served.")
        info.add_metric([], {"version": catalog.version})
        yield info
        entries = GaugeMetricFamily(
            "briefbot_content_entries", "Entries of the library served.", labels=["kind"]
        )
        library = catalog.current
        entries.add_metric(["briefs"], len(library.briefs))
        entries.add_metric(["prayers"], len(library.prayers))
        entries.add_metric(["topics"], len(library.topics))
        yield entries
        yield CounterMetricFamily(
            "briefbot_content_reload_failures",
            "Reloads refused since start (the previous library stayed).",
            value=catalog.failed_reloads,
        )
        yield GaugeMetricFamily(
            "briefbot_content_problems",
            "Problems found by the last load of the content (0 once one succeeds).",
            value=catalog.problems,
        )
