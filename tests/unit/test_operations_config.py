"""The webhook and monitoring settings: what Telegram would refuse is refused at `check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config
from tests.unit.test_config import ROOT, problems, write


def test_the_example_shows_the_operations_defaults() -> None:
    example = load_config(ROOT / "config.example.yaml")
    assert example.telegram.mode == "polling"
    assert example.telegram.drop_pending_updates is False
    assert example.telegram.webhook.listen == "127.0.0.1"
    assert example.monitoring.enabled and example.monitoring.listen == "127.0.0.1"


def test_webhook_mode_needs_a_public_url(tmp_path: Path) -> None:
    assert problems(tmp_path, "telegram:\n  mode: webhook\n") == [
        "1: telegram: webhook.public_url is needed when mode is webhook"
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://bot.example.org/telegram", "must be an https:// address"),
        ("https://bot.example.org:8080/telegram", "must use one of the ports 443, 80, 88, 8443"),
    ],
)
def test_the_official_api_takes_only_https_on_its_ports(
    tmp_path: Path, url: str, reason: str
) -> None:
    text = f"telegram:\n  mode: webhook\n  webhook:\n    public_url: {url}\n"
    [problem] = problems(tmp_path, text)
    assert reason in problem


@pytest.mark.parametrize("port", ["", ":443", ":88", ":8443"])
def test_the_ports_telegram_allows_are_accepted(tmp_path: Path, port: str) -> None:
    text = f"telegram:\n  mode: webhook\n  webhook:\n    public_url: https://b.example{port}/t\n"
    assert load_config(write(tmp_path, text)).telegram.webhook.public_url.endswith("/t")


def test_a_self_hosted_bot_api_may_post_plain_http_anywhere(tmp_path: Path) -> None:
    text = (
        "telegram:\n  mode: webhook\n  base_url: http://127.0.0.1:8081/bot\n"
        "  webhook:\n    public_url: http://127.0.0.1:8780/telegram\n"
    )
    assert load_config(write(tmp_path, text)).telegram.mode == "webhook"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("monitoring:\n  listen: http://0.0.0.0\n", "expected a host name or IP address"),
        ("monitoring:\n  port: 70000\n", "must be between 1 and 65,535"),
        ("telegram:\n  webhook:\n    path: telegram\n", "expected a URL path that starts with /"),
    ],
)
def test_listeners_are_checked(tmp_path: Path, text: str, expected: str) -> None:
    [problem] = problems(tmp_path, text)
    assert expected in problem
