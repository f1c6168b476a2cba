"""Plain text for the console: no markup, buttons shown as numbered choices."""

from __future__ import annotations

from bot.core.reply import Heading, Kicker, Link, Meta, Paragraph, Part, Reply, Separator
from bot.render.split import pack

CONSOLE_LIMIT = 100_000


def format_part(part: Part) -> str:
    match part:
        case Heading(text):
            return f"== {text} =="
        case Kicker(text):
            return f"[{text}]"
        case Paragraph(text):
            return text
        case Meta(text):
            return f"   {text}"
        case Link(label, url):
            return f"   {label}: {url}"
        case Separator():
            return ""
    raise TypeError(f"unknown part {part!r}")


def render(reply: Reply) -> str:
    """The whole reply as one block of text, with its buttons numbered from `first`."""
    return "\n".join(pack(reply.parts, format_part, CONSOLE_LIMIT))


def render_buttons(reply: Reply, first: int = 1) -> str:
    labels = [b.label for row in reply.buttons for b in row]
    return "  ".join(f"[{i}] {label}" for i, label in enumerate(labels, start=first))
