"""The secret scrubber every operator-facing string passes through: logs, start-up errors,
failure reasons stored in the queue, `/stats` and CLI output.

Telegram puts the bot token in every request path, and a server's error text may echo that
path back; a line that quotes it would show the token to whoever reads the log, the database
or the operator's chat. Secrets the process knows (`keep_secret`, called once the tokens are
read from the environment) are replaced whole, URL-encoded and by their secret part alone, and
anything shaped like a Telegram or Discord bot token is replaced whether known or not. It is
process-wide on purpose: a string may reach the operator from any layer, and each layer
should not have to be handed the tokens to keep them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

TOKEN_SHAPE = re.compile(
    r"\d{5,}(?::|%3A)[A-Za-z0-9_-]{20,}"  # Telegram: bot id, colon (maybe URL-encoded), secret
    r"|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}",  # Discord: three dotted parts
    re.IGNORECASE,
)
HIDDEN = "[token hidden]"
MIN_SECRET_PART = 16

_known: list[str] = []  # every variant of every secret, longest first


def secret_variants(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear in a line: whole, URL-encoded, and its part after ':'."""
    variants: set[str] = set()
    for secret in filter(None, secrets):
        variants |= {secret, quote(secret, safe="")}
        _, _, tail = secret.partition(":")
        if len(tail) >= MIN_SECRET_PART:
            variants.add(tail)
    return sorted(variants, key=len, reverse=True)


def keep_secret(*secrets: str) -> None:
    """From now on, `scrub` hides these wherever they appear."""
    _known[:] = secret_variants({*_known, *secrets})


def scrub(text: str) -> str:
    """`text` with every known secret and everything shaped like a token hidden."""
    for secret in _known:
        text = text.replace(secret, HIDDEN)
    return TOKEN_SHAPE.sub(HIDDEN, text)
