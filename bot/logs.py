"""Logging set-up, with secrets scrubbed from every line before it is written.

httpx logs each request URL at INFO, and Telegram puts the bot token in the URL, so the
handler's formatter replaces known secrets and anything shaped like a bot token with a
placeholder (`bot.domain.secrets`), whatever library produced the line.
Scrubbing happens when a line is formatted, so log records themselves are never altered for
other handlers.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from bot.domain.secrets import keep_secret, scrub

QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "discord.http", "discord.gateway")
# python-telegram-bot logs a whole traceback when a proxy answers an HTML error page (a
# passing 502); it also raises NetworkError, which the sender retries and records.
SILENCED = ("telegram.request.BaseRequest",)


class ScrubbingFormatter(logging.Formatter):
    """One line per event, secrets scrubbed: a traceback is folded into its event's line
    (" | " between its lines), so a log collector never splits one failure into many."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        keep_secret(*secrets)

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record).replace("\n", " | "))


class JsonFormatter(ScrubbingFormatter):
    """One JSON object per line: time, level, logger, message, and the folded traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__("%(message)s", secrets)

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(event, ensure_ascii=False))


def setup_logging(
    level: str = "INFO",
    secrets: Iterable[str] = (),
    stream: TextIO = sys.stderr,
    json_lines: bool = False,
) -> None:
    """Log to `stream` at `level`, one line per event (JSON objects with `json_lines`),
    scrubbing `secrets` (and from then on every string that passes
    `bot.domain.secrets.scrub`); chatty libraries only warn."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter(secrets)
        if json_lines
        else ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old.formatter, ScrubbingFormatter):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    for name in SILENCED:
        logging.getLogger(name).setLevel(logging.CRITICAL)
