"""Logging set-up, with secrets scrubbed from every record before it is written.

httpx logs each request URL at INFO, and Telegram puts the bot token in the URL, so a filter
on the root handler replaces known secrets (and anything shaped like a bot token) with a
placeholder — whatever library produced the line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable

TOKEN_SHAPE = re.compile(
    r"\d{5,}:[A-Za-z0-9_-]{20,}"  # Telegram: bot id, colon, secret
    r"|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}"  # Discord: three dotted parts
)
HIDDEN = "[token hidden]"
QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "discord.http", "discord.gateway")


class SecretFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return TOKEN_SHAPE.sub(HIDDEN, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.scrub(message)
        if record.exc_info and record.exc_info[1] is not None:
            formatted = logging.Formatter().formatException(record.exc_info)
            clean = f"{clean}\n{self.scrub(formatted)}"
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = clean, None
        return True


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (), stream=sys.stderr) -> None:
    """Log to `stream` at `level`, scrubbing `secrets`; chatty libraries only warn."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
