"""Logging set-up, with secrets scrubbed from every line before it is written.

httpx logs each request URL at INFO, and Telegram puts the bot token in the URL, so the
handler's formatter replaces known secrets — whole, their secret part alone, and URL-encoded —
and anything shaped like a bot token with a placeholder, whatever library produced the line.
Scrubbing happens when a line is formatted, so log records themselves are never altered for
other handlers.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

TOKEN_SHAPE = re.compile(
    r"\d{5,}(?::|%3A)[A-Za-z0-9_-]{20,}"  # Telegram: bot id, colon (maybe URL-encoded), secret
    r"|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}",  # Discord: three dotted parts
    re.IGNORECASE,
)
HIDDEN = "[token hidden]"
QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "discord.http", "discord.gateway")
# python-telegram-bot logs a whole traceback when a proxy answers an HTML error page (a
# passing 502); it also raises NetworkError, which the sender retries and records.
SILENCED = ("telegram.request.BaseRequest",)
MIN_SECRET_PART = 16


def secret_variants(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear in a line: whole, URL-encoded, and its part after ':'."""
    variants: set[str] = set()
    for secret in filter(None, secrets):
        variants |= {secret, quote(secret, safe="")}
        _, _, tail = secret.partition(":")
        if len(tail) >= MIN_SECRET_PART:
            variants.add(tail)
    return sorted(variants, key=len, reverse=True)


class ScrubbingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = secret_variants(secrets)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return TOKEN_SHAPE.sub(HIDDEN, text)

    def format(self, record: logging.LogRecord) -> str:
        return self.scrub(super().format(record))


def setup_logging(
    level: str = "INFO", secrets: Iterable[str] = (), stream: TextIO = sys.stderr
) -> None:
    """Log to `stream` at `level`, scrubbing `secrets`; chatty libraries only warn."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
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
