"""`briefbot backup` while the real bot delivers: the copy is whole and holds every message
recorded as sent before the backup began, and the bot never notices."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import TOKEN
from tests.e2e.delivery_helpers import digest_counts
from tests.e2e.delivery_process import BotProcess, write_config
from tests.e2e.test_delivery_db_faults import seed, states
from tests.fakes.telegram_api import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN) as api:
        yield api


def sent_rows(database: Path) -> int:
    with closing(sqlite3.connect(database)) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE state = 'sent'").fetchone()[0]


async def test_a_backup_taken_mid_delivery_is_whole_and_holds_what_was_sent(
    api: FakeBotApi,
    tmp_path: Path,
    processes: Callable[[Path], BotProcess],
    capsys: pytest.CaptureFixture[str],
):
    database = tmp_path / "bot.sqlite3"
    chat_ids = [60_000 + n for n in range(300)]
    await seed(database, chat_ids, due_in=timedelta(0))
    config = write_config(tmp_path, api, tick_seconds=1)
    bot = processes(config)
    await api.wait_for(lambda: api.stats.accepted >= 60, timeout=30)

    before = sent_rows(database)
    copy = tmp_path / "backup.sqlite3"
    code = await asyncio.to_thread(main, ["backup", str(copy), "--config", str(config)])
    during = api.stats.accepted

    assert code == 0, capsys.readouterr().err
    assert "its integrity check passed" in capsys.readouterr().out
    with closing(sqlite3.connect(copy)) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        in_copy = restored.execute("SELECT count(*) FROM outbox WHERE state = 'sent'").fetchone()
    assert before <= in_copy[0] <= len(chat_ids)
    assert during < len(chat_ids), "the delivery was over before the backup: move it earlier"
    async with await Store.open(copy, SystemClock()):  # a restored copy opens as a database
        pass
    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=60)
    assert digest_counts(api, chat_ids) == {chat_id: 1 for chat_id in chat_ids}
    assert await states(database) == {"sent": len(chat_ids)}
    assert "Traceback" not in bot.output()


def test_a_backup_never_overwrites_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {tmp_path / 'bot.sqlite3'}\n", encoding="utf-8")
    sqlite3.connect(tmp_path / "bot.sqlite3").close()
    (tmp_path / "old.sqlite3").write_bytes(b"an older backup")

    assert main(["backup", str(tmp_path / "old.sqlite3"), "--config", str(config)]) == 1
    assert "exists already; a backup never overwrites a file" in capsys.readouterr().err
    assert (tmp_path / "old.sqlite3").read_bytes() == b"an older backup"
