"""Telegram's HTML parse mode: escaping, emphasis and the 4,096-character limit.

Pure formatting with no python-telegram-bot import, so the content checker can measure how
long an entry becomes once rendered without starting a bot.
"""

from __future__ import annotations

from html import escape

from bot.core.reply import Heading, Kicker, Link, Meta, Paragraph, Part, Reply, Separator
from bot.render.split import pack

TELEGRAM_LIMIT = 4096


def format_part(part: Part) -> str:
    match part:
        case Heading(text):
            return f"<b>{escape(text, quote=False)}</b>"
        case Kicker(text):
            return f"<i>{escape(text, quote=False)}</i>"
        case Paragraph(text):
            return escape(text, quote=False)
        case Meta(text):
            return f"<i>{escape(text, quote=False)}</i>"
        case Link(label, url):
            return f'<a href="{escape(url, quote=True)}">{escape(label, quote=False)}</a>'
        case Separator():
            return ""
    raise TypeError(f"unknown part {part!r}")


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units: an emoji may count as two."""
    return len(text.encode("utf-16-le")) // 2


def escaped_at_most(text: str) -> int:
    """The most `text` can count once escaped as a message's text (&amp; adds four)."""
    return utf16_length(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def render(reply: Reply, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The message texts for `reply`, in order; buttons belong on the last one."""
    return pack(reply.parts, format_part, limit, measure=utf16_length)


def rendered_length(parts: list[Part]) -> int:
    """How long `parts` would be as one Telegram message (used by the content checker)."""
    return utf16_length("\n".join(format_part(p) for p in parts))
