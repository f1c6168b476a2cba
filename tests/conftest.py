"""Fixtures shared by the whole suite: a fake clock, a real SQLite store, the core bot.

It also sorts tests into tiers: everything under tests/e2e starts servers or processes and is
`slow`, so `pytest -m "not slow"` is the quick tier; a test marked `timing` joins the xdist
group "serial", which `--dist loadgroup` runs in one worker, one test at a time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
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
from tests.pg_server import PgServer, bindir, fresh_database, started

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


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every store and queue test (a unit test using `store`) runs on both backends; the
    end-to-end tests use SQLite, except those that ask for `postgres_url` themselves."""
    if "store" in metafunc.fixturenames and E2E not in metafunc.definition.path.parents:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", BACKENDS[:1] if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A real PostgreSQL server for the run (`tests.pg_server`), started on first use. On a
    machine without the server's binaries the PostgreSQL tests are skipped, saying why; on
    CI (which installs them, `.ci/run`) they fail instead."""
    if bindir() is None:
        reason = "no PostgreSQL server binaries: install the postgresql package to run these"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield from started()


@pytest.fixture
def postgres_url(pg_server: PgServer) -> Iterator[str]:
    """A database of its own on the run's PostgreSQL server, dropped afterwards."""
    yield from fresh_database(pg_server)


@pytest.fixture
async def store(
    tmp_path: Path, clock: FakeClock, backend: str, request: pytest.FixtureRequest
) -> AsyncIterator[Store]:
    """A real store: a SQLite file in tmp_path, or a database on a real PostgreSQL server."""
    if backend == "postgresql":
        target: Path | str = request.getfixturevalue("postgres_url")
    else:
        target = tmp_path / "bot.sqlite3"
    store = await Store.open(target, clock)
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
