"""`briefbot run` refuses to start, before touching the database, when it cannot deliver.

Operators meet these messages first; each must name what to fix. The command is run the way
the console script runs it (`bot.cli.main`), with the environment and files it would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from tests.e2e.delivery_helpers import CONTENT


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
