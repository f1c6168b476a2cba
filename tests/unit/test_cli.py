"""The operator's subcommands as an operator types them: `check`, `preview`, `topics`, `stats`.

Each runs through `main([...])`, the entry point the installed `briefbot` script calls, over
the small fixture library and a real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.cli import main
from bot.domain.address import Address, ChatKind
from bot.domain.clock import FakeClock
from bot.store import Store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "content"
DAY = "2026-12-10"


def output(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out


def write_config(tmp_path: Path, text: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"content_dir: {FIXTURE}\ndatabase: bot.sqlite3\n{text}", encoding="utf-8")
    return path


def test_check_counts_the_library_with_real_plurals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--content", str(FIXTURE)]) == 0
    assert f"OK: 4 topics, 4 briefs, 3 prayer points in {FIXTURE}; config is valid." in output(
        capsys
    )


def test_check_lists_one_problem_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, "briefs_per_digest: 50\n")
    assert main(["check", "--config", str(config)]) == 1
    out = output(capsys)
    assert f"{config}:3: briefs_per_digest:" in out
    assert "\n1 problem found. Fix them and run `briefbot check` again." in out


def test_check_of_a_missing_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--content", str(tmp_path / "nowhere")]) == 1
    assert "the content folder does not exist" in output(capsys)


def test_preview_prints_the_digest_of_a_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--content", str(FIXTURE), "--date", DAY]) == 0
    out = output(capsys)
    assert "Thursday 10 December 2026" in out
    assert "Prayer" in out


def test_preview_follows_one_reader_for_days_and_says_when_repeats_begin(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["preview", "--content", str(FIXTURE), "--date", "2026-12-01", "--days", "4"]
    assert main(args) == 0
    out = output(capsys)
    days = [line for line in out.splitlines() if line.endswith("December 2026")]
    assert days == [
        f"{d} December 2026" for d in ("Tuesday 1", "Wednesday 2", "Thursday 3", "Friday 4")
    ]
    assert out.count("  prayer ") == 4
    briefs = [line for line in out.splitlines() if line.startswith("  brief ")]
    repeats = [line for line in briefs if "(repeat: last read" in line]
    assert len(briefs) - len(repeats) == 3  # the fixture's three undated briefs, once each
    assert "Day 3 (Thursday 3 December 2026) brings the first repeat." in out


def test_preview_follows_a_reader_in_korean(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["preview", "--content", str(FIXTURE), "--date", "2026-12-01", "--days", "4"]
    assert main([*args, "--language", "ko"]) == 0
    out = output(capsys)
    assert out.startswith("2026년 12월 1일 화요일에 구독을 시작한 사람:")
    assert out.count("  기도    ") == 4 and "  브리프  " in out
    assert "(반복: 마지막으로 읽은 날 2026년 12월 1일 화요일)" in out
    assert "3일째(2026년 12월 3일 목요일)에 처음으로 이미 받은 브리프가 다시 나옵니다." in out
    assert "brief" not in out.replace("-brief", "")


def test_preview_refuses_a_number_of_days_that_is_not_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["preview", "--content", str(FIXTURE), "--days", "0"])
    assert exit.value.code == 2
    assert "'0' is not a number of days from 1 to 366" in capsys.readouterr().err


def test_preview_as_telegram_shows_each_message_and_its_buttons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["preview", "--content", str(FIXTURE), "--date", DAY, "--as", "telegram"]) == 0
    out = output(capsys)
    assert "--- Telegram message 1 of " in out
    assert "<b>" in out


def test_preview_as_discord_prints_the_api_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--content", str(FIXTURE), "--date", DAY, "--as", "discord"]) == 0
    messages = json.loads(output(capsys))
    assert messages and all("embeds" in message for message in messages)


def test_preview_for_an_unknown_topic_suggests_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--content", str(FIXTURE), "--topics", "defecters"]) == 1
    out = output(capsys)
    assert "Unknown topic 'defecters'. Did you mean: defectors?" in out
    assert "`briefbot topics` lists them all." in out


def test_preview_refuses_a_date_that_is_not_one(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["preview", "--content", str(FIXTURE), "--date", "10/12/2026"])
    assert exit_.value.code == 2
    assert "'10/12/2026' is not a date; use YYYY-MM-DD" in capsys.readouterr().err


def test_topics_lists_counts_and_aliases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["topics", "--content", str(FIXTURE)]) == 0
    lines = output(capsys).splitlines()
    assert lines[0].split() == ["defectors", "Defectors", "and", "escape"]
    assert lines[1].strip() == "2 briefs, 2 prayer points"
    assert lines[2].strip() == "also: defector, escape, refugees"
    assert "1 brief, 0 prayer points" in [line.strip() for line in lines]
    # The longest slug still leaves a gap before its title.
    assert any(line.startswith("persecuted-church  The persecuted church") for line in lines)


def test_stats_before_the_bot_ever_ran(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--config", str(write_config(tmp_path))]) == 0
    assert "No database at" in output(capsys)


def test_stats_on_a_file_that_is_not_sqlite_says_so_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bot.sqlite3").write_text("these are someone's notes, not a database\n" * 200)
    assert main(["stats", "--config", str(write_config(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "is not a SQLite database" in err and "Traceback" not in err
    assert str(tmp_path / "bot.sqlite3") in err  # absolute, whatever the working directory


def test_relative_paths_in_a_config_are_absolute_from_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import load_config

    (tmp_path / "deploy").mkdir()
    config = tmp_path / "deploy" / "config.yaml"
    config.write_text("content_dir: ../content\ndatabase: data/bot.sqlite3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "deploy")
    loaded = load_config(Path("config.yaml"))
    assert loaded.content_dir == tmp_path / "content"
    assert loaded.database == tmp_path / "deploy" / "data" / "bot.sqlite3"


def test_stats_counts_the_chats_in_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)

    async def subscribe_two_of_three() -> None:
        clock = FakeClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
        async with await Store.open(tmp_path / "bot.sqlite3", clock) as store:
            for chat_id in ("1", "2", "3"):
                address = Address("telegram", chat_id)
                await store.ensure_chat(
                    address, ChatKind.PRIVATE, delivery_time=time(7, 0), timezone="Asia/Seoul"
                )
                await store.update_chat(address, subscribed=chat_id != "3")

    asyncio.run(subscribe_two_of_three())
    assert main(["stats", "--config", str(config)]) == 0
    out = output(capsys)
    assert "telegram: 2 subscribed, 1 not subscribed, 0 deactivated" in out
    assert "Asia/Seoul" in out
    assert main(["stats", "--config", str(config), "--language", "ko"]) == 0
    korean = output(capsys)
    assert "Asia/Seoul" in korean and "subscribed" not in korean


def console(config: Path, lines: str, *flags: str) -> str:
    """`briefbot console` as a process with `lines` piped in: what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(config), *flags],
        input=lines,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    return done.stdout


@pytest.mark.slow
def test_the_console_keeps_its_own_database_and_is_an_operator_only_when_asked(
    tmp_path: Path,
) -> None:
    config = write_config(tmp_path)
    refused = "that command is for the bot's operators"
    assert refused in console(config, "/subscribe\n/stats\n")
    assert (tmp_path / "console.sqlite3").exists()
    assert not (tmp_path / "bot.sqlite3").exists(), "the production database was opened"
    assert refused not in console(config, "/stats\n", "--operator")
    console(config, "/about\n", "--production-database")
    assert (tmp_path / "bot.sqlite3").exists()


@pytest.mark.slow
def test_the_console_speaks_the_language_it_is_given_and_keeps_it(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert console(config, "/help\n", "--language", "ko").startswith("== 할 수 있는 일 ==")
    assert console(config, "/help\n").startswith("== 할 수 있는 일 ==")  # the chat's now
    assert console(config, "/help\n", "--language", "en").startswith("== What I can do ==")


@pytest.mark.slow
def test_a_broadcast_from_a_piped_console_is_delivered_before_it_exits(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    out = console(config, "/subscribe\n/broadcast Please pray tonight.\n1\n", "--operator")
    queued, _, delivered = out.partition("Queued for 1 chat.")
    assert "Send this message to 1 subscribed chat?" in queued
    assert "Delivered by the bot" in delivered and "Please pray tonight." in delivered


def test_operator_views_take_a_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", "--language", "ko", "--date", "2026-12-03"]) == 0
    assert capsys.readouterr().out.startswith("== 데일리 브리프 — 2026년 12월 3일 목요일 ==")
    assert main(["topics", "--language", "ko"]) == 0
    assert "탈북과 탈출\n" in capsys.readouterr().out
    assert main(["topics"]) == 0
    assert "Defectors and escape\n" in capsys.readouterr().out
