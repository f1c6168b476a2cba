"""Fixtures shared by the whole suite: a fake clock, a real SQLite store, the core bot.

It also sorts tests into tiers: everything under tests/e2e starts servers or processes and is
`slow`, so `pytest -m "not slow"` is the quick tier; a test marked `timing` joins the xdist
group "serial", which `--dist loadgroup` runs in one worker, one test at a time.
"""

from __future__ import annotations

import logging
import os
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
E2E = REPO / "tests" / "e2e"

# A message key or placeholder the catalog lacks raises in tests (and in the bots the e2e tests
# start, which inherit the environment) instead of quietly showing the key to a reader.
os.environ.setdefault("BRIEFBOT_STRICT_MESSAGES", "1")

OPERATOR = ("telegram", "999")
SERIAL = "serial"  # the xdist group of every timing-sensitive test


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark each test as it is collected, before any plugin sorts, selects or groups them."""
    if E2E in item.path.parents:
        item.add_marker(pytest.mark.slow)
    if item.get_closest_marker("timing"):
        item.add_marker(pytest.mark.xdist_group(SERIAL))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Refuse to run timing tests side by side when xdist failed to group them.

    pytest-xdist groups by appending "@serial" to the node id; a pytest that keeps its node
    ids elsewhere (9.2 with xdist 3.8) makes that a silent no-op, and the pacing tests would
    then flake on two busy cores; this stops the run instead.
    """
    if not getattr(session.config.option, "loadgroup", False):
        return
    for item in session.items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            raise pytest.UsageError(
                f"pytest-xdist did not put {item.nodeid} in its group; this pytest and "
                "pytest-xdist do not work together (see the pin in pyproject.toml)"
            )


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
