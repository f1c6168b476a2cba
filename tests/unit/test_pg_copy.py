"""`briefbot copy-database`: a SQLite database moved to a real PostgreSQL server, row for row."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.store import Store
from bot.store.outbox import Outbox
from bot.store.sender_lock import SenderLock

CLOCK = FakeClock(datetime(2026, 12, 4, 6, tzinfo=UTC))
ALICE, GROUP = Address("telegram", "1001"), Address("discord", "5005")


async def _filled(path: Path) -> None:
    async with await Store.open(path, CLOCK) as store:
        for address, kind in ((ALICE, ChatKind.PRIVATE), (GROUP, ChatKind.GROUP)):
            await store.ensure_chat(address, kind, delivery_time=time(7), timezone="Asia/Seoul")
            await store.update_chat(address, subscribed=True)
        await store.follow(ALICE, "defectors")
        await store.record_prayer(ALICE, "prayer-a", date(2026, 12, 4))
        outbox = Outbox(store.db, CLOCK)
        await outbox.draft_broadcast("Thank you for praying", ("telegram", "discord"))


async def _copy(tmp_path: Path, source: Path, url: str) -> int:
    """`briefbot copy-database URL`, as an operator runs it (in a thread: it runs a loop)."""
    return await asyncio.to_thread(
        main, ["copy-database", url, "--config", _config(tmp_path, source)]
    )


def _config(tmp_path: Path, database: Path) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(f"database: {database}\n", encoding="utf-8")
    return str(path)


async def test_every_row_moves_and_new_ids_follow_the_copied_ones(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bot.sqlite3"
    await _filled(source)

    code = await _copy(tmp_path, source, postgres_url)

    assert code == 0, capsys.readouterr()
    assert "Copied 2 chats and 0 queue rows" in capsys.readouterr().out
    async with await Store.open(postgres_url, CLOCK) as copy:
        alice = await copy.get_chat(ALICE)
        assert alice is not None and alice.subscribed and alice.topics == ("defectors",)
        assert await copy.prayer_count("prayer-a", date(2026, 12, 4)) == 1
        third = await copy.ensure_chat(
            Address("telegram", "7"), ChatKind.PRIVATE, delivery_time=time(7), timezone="UTC"
        )
        assert third.pk == 3  # the identity goes on after the copied ids
    assert await _copy(tmp_path, source, postgres_url) == 1
    assert "already holds briefbot's data" in capsys.readouterr().err


async def test_a_running_bot_is_not_copied_from(
    tmp_path: Path, postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bot.sqlite3"
    await _filled(source)
    running = SenderLock(source)
    assert running.try_acquire()

    code = await _copy(tmp_path, source, postgres_url)

    running.release()
    assert code == 1
    assert "stop it before copying" in capsys.readouterr().err
