"""`briefbot run` refuses to start when it cannot deliver, and says why in one sentence.

Operators meet these messages first; each must name what to fix. The command is run the way
the console script runs it (`bot.cli.main`), with the environment and files it would see.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e import disks
from tests.e2e.delivery_helpers import CONTENT, due_minute, seed_due


def config_file(tmp_path: Path, **settings: object) -> Path:
    path = tmp_path / "config.yaml"
    config = {"content_dir": str(CONTENT), "database": str(tmp_path / "data" / "bot.sqlite3")}
    path.write_text(yaml.safe_dump({**config, **settings}), encoding="utf-8")
    return path


def test_run_without_a_token_names_the_variable_and_offers_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    code = main(["run", "--config", str(config_file(tmp_path))])

    err = capsys.readouterr().err
    assert code == 1
    assert "export TELEGRAM_BOT_TOKEN=" in err
    assert "briefbot console" in err
    assert not (tmp_path / "data").exists()


def test_run_without_a_token_names_the_variable_the_config_chose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ignored-because-another-name-is-configured")
    monkeypatch.delenv("CHURCH_BOT_TOKEN", raising=False)
    config = config_file(tmp_path, telegram={"token_env": "CHURCH_BOT_TOKEN"})

    assert main(["run", "--config", str(config)]) == 1
    assert "export CHURCH_BOT_TOKEN=" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"delivery": {"concurrency": "eight"}}, "delivery.concurrency: expected a whole number"),
        ({"delivery": {"claim_timeout_seconds": 0}}, "delivery.claim_timeout_seconds: must be"),
        (
            {"delivery": {"tick_second": 1}},
            "delivery.tick_second: unknown setting (did you mean 'tick_seconds'?)",
        ),
        ({"telegram": {"base_url": "api.telegram.org"}}, "telegram.base_url: expected an http"),
    ],
)
def test_run_with_a_bad_config_names_the_key_and_creates_no_database(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: dict,
    named: str,
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")

    code = main(["run", "--config", str(config_file(tmp_path, **settings))])

    err = capsys.readouterr().err
    assert code == 1
    assert "The configuration has problems" in err
    assert named in err
    assert not (tmp_path / "data").exists()


# A database file briefbot cannot use: one clear sentence, exit 1, no traceback.


async def briefbot_database(path: Path, chats: int = 2000) -> None:
    """A real briefbot database with `chats` chats in it: several pages of rows."""
    async with await Store.open(path, SystemClock()) as store:
        await seed_due(store, range(chats), due_minute(SystemClock().now()))


def refused_start(
    tmp_path: Path, database: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> str:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC")
    code = main(["run", "--config", str(config_file(tmp_path, database=str(database)))])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    return err


async def test_run_on_a_damaged_database_says_so_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    database = tmp_path / "bot.sqlite3"
    await briefbot_database(database)
    with database.open("r+b") as file:  # a page in the middle of the chats: the header is fine
        file.seek(5 * 4096)
        file.write(b"\xff" * 4096)

    err = await asyncio.to_thread(refused_start, tmp_path, database, monkeypatch, capsys)

    assert f"{database} is damaged" in err and "restore it from a backup" in err


async def test_run_on_a_read_only_disk_says_the_file_must_be_writable(
    tmp_path: Path,
    small_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    database = small_disk / "bot.sqlite3"
    await briefbot_database(database, chats=10)
    disks.remount_read_only(small_disk)

    err = await asyncio.to_thread(refused_start, tmp_path, database, monkeypatch, capsys)

    assert f"cannot write {database}" in err and "mounted read-only" in err


async def test_run_on_a_full_disk_says_it_is_full(
    tmp_path: Path,
    small_disk: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    database = small_disk / "bot.sqlite3"
    disks.fill(small_disk)

    err = await asyncio.to_thread(refused_start, tmp_path, database, monkeypatch, capsys)

    assert f"the disk holding {database} is full" in err
