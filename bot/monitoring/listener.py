"""The monitoring listener: `/healthz`, `/readyz` and `/metrics` over plain HTTP.

It has an address of its own (127.0.0.1 by default, apart from the Telegram webhook's), so
exposing the webhook to the internet never exposes the figures. It answers from the bot's own
event loop: a `/healthz` that answers at all proves the loop is not stuck. Failing to bind (the
port taken by another program) is logged and the bot runs on without it: delivery matters more
than being watched, and a container's health check then reports the problem.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.domain.ports import ChatStore, QueueFigures
from bot.monitoring.metrics import Metrics
from bot.monitoring.readiness import Readiness, Verdict

log = logging.getLogger(__name__)


class MonitoringListener:
    def __init__(
        self, readiness: Readiness, metrics: Metrics, store: ChatStore, queue: QueueFigures
    ) -> None:
        self._readiness = readiness
        self._metrics = metrics
        self._store = store
        self._queue = queue
        self.port = 0  # the port bound, once serving

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._scrape)
        return app

    @asynccontextmanager
    async def serving(self, host: str, port: int) -> AsyncIterator[MonitoringListener]:
        runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, host, port).start()
            except OSError as error:
                log.error(
                    "the monitoring listener cannot use %s:%d (%s): /healthz, /readyz and "
                    "/metrics are off until a restart; set monitoring.port to a free port",
                    host,
                    port,
                    error.strerror or error,
                )
            else:
                self.port = runner.addresses[0][1]
                log.info("monitoring on http://%s:%d (/healthz /readyz /metrics)", host, self.port)
            yield self
        finally:
            await runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        return _verdict(await self._readiness.health())

    async def _readyz(self, request: web.Request) -> web.Response:
        return _verdict(await self._readiness.ready())

    async def _scrape(self, request: web.Request) -> web.Response:
        try:
            await self._metrics.refresh(self._store, self._queue)
        except Exception as error:  # the counters still tell something; the gauges are stale
            log.warning("metrics: reading the database failed: %s", error)
        response = web.Response(body=self._metrics.text())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response


def _verdict(verdict: Verdict) -> web.Response:
    return web.Response(status=200 if verdict.ok else 503, text=verdict.text())
