"""What the corrections tests share: the editors' fix, the operator's config, the queue rows
a correction made, and the clock the command and the engine agree on.

The operator's command runs on the system clock, as in production, and queues its rows for its
own now; the engine's clock (`clock`) stands a few minutes later, so they are due. Modules use
the fixtures by importing them.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.bootstrap import load_content, telegram_limits
from bot.config import Config
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.delivery_helpers import CONTENT

SHIPPED = telegram_limits(Config())  # the pacing a fresh install runs with
NEW_TITLE = "A corrected title the editors wrote"


def operator_config(tmp_path: Path, content: Path) -> str:
    """A config for the operator's commands: this content copy, the database in tmp_path."""
    path = tmp_path / "config.yaml"
    settings = {"content_dir": str(content), "database": str(tmp_path / "bot.sqlite3")}
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return str(path)


def retitle(content: Path, entry_id: str, title: str) -> str:
    """The editors' fix: the brief's English title changed in its file; the old title."""
    path, lines = load_content(content).locations[entry_id]
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = lines["title"] - 1
    old = yaml.safe_load(text[line])["title"]
    text[line] = text[line].replace(old, title) if old in text[line] else f"title: {title}\n"
    path.write_text("".join(text), encoding="utf-8")
    return old


async def queue_rows(store: Store, job: str) -> list[dict]:
    """The queue rows of one job: chat, state, reason and priority."""
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            """SELECT c.chat_id, o.state, o.reason, o.priority FROM outbox o
               JOIN chats c ON c.id = o.chat_pk WHERE o.job = ?""",
            (job,),
        )
    return [dict(row) for row in rows]


@pytest.fixture
def clock() -> FakeClock:
    """Today: the operator's command runs on the system clock, as in production, and queues
    its rows for its own now; the engine's clock stands a few minutes later, so they are due."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped library, for the editors' fix."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy
