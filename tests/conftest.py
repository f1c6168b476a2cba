"""Fixtures shared by the whole suite: a fake clock, a real SQLite store, the core bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.catalog.live import LiveCatalog
from bot.catalog.loader import LoadResult
from bot.core.context import CoreSettings, Services
from bot.core.dispatch import BriefBot
from bot.domain.clock import FakeClock
from bot.store import Store
from bot.store.outbox import Outbox
from tests import builders

REPO = Path(__file__).resolve().parent.parent
OPERATOR = ("telegram", "999")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "bot.sqlite3", clock)
    yield store
    await store.close()


@pytest.fixture
def library():
    return builders.library()


@pytest.fixture
def catalog(library) -> LiveCatalog:
    live = LiveCatalog(Path("unused"), load=lambda _root: LoadResult(library))
    live.reload()
    return live


@pytest.fixture
def services(store: Store, catalog: LiveCatalog, clock: FakeClock) -> Services:
    settings = CoreSettings(
        default_time=time(7, 0),
        default_timezone="Asia/Seoul",
        max_briefs=2,
        operators=frozenset({OPERATOR}),
    )
    return Services(
        store=store,
        outbox=Outbox(store.db, clock),
        catalog=catalog,
        clock=clock,
        settings=settings,
        platforms=("telegram",),
    )


@pytest.fixture
def core(services: Services) -> BriefBot:
    return BriefBot(services)


@pytest.fixture(autouse=True)
def _restore_logging():
    """Tests that run the real entry points call setup_logging; undo it for the next test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
