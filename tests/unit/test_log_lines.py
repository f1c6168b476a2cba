"""Log lines as an operator's collector reads them: one event, one line, no secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging

TOKEN = "5123456789:AAHfakeSecretPart-for_tests_0123456789"


@pytest.fixture
def root_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def failure() -> None:
    try:
        raise ValueError(f"refused for {TOKEN}")
    except ValueError:
        logging.getLogger("bot.test").exception("sending to %s failed", "chat 1")


@pytest.mark.usefixtures("root_restored")
def test_a_traceback_is_folded_into_its_events_one_line() -> None:
    out = io.StringIO()
    setup_logging("INFO", secrets=[TOKEN], stream=out)
    failure()

    [line] = out.getvalue().splitlines()
    assert "ERROR bot.test: sending to chat 1 failed | Traceback (most recent call last):" in line
    assert line.endswith("ValueError: refused for [token hidden]")


@pytest.mark.usefixtures("root_restored")
def test_json_lines_carry_the_event_and_its_exception_scrubbed() -> None:
    out = io.StringIO()
    setup_logging("INFO", secrets=[TOKEN], stream=out, json_lines=True)
    failure()
    logging.getLogger("bot.test").info("plain news, 서울")

    first, second = map(json.loads, out.getvalue().splitlines())
    assert (first["level"], first["logger"], first["message"]) == (
        "ERROR",
        "bot.test",
        "sending to chat 1 failed",
    )
    assert first["exception"].endswith("ValueError: refused for [token hidden]")
    assert TOKEN not in out.getvalue()
    assert second["message"] == "plain news, 서울" and "exception" not in second
