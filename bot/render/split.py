"""Packing rendered parts into messages that respect a platform's length limit.

Every platform has a ceiling (Telegram 4,096 characters, Discord 2,000) and escaping makes
text longer, so we measure the *formatted* text and split the *plain* text: a cut never lands
inside an HTML tag or an escape sequence. Messages break between parts where possible,
preferably at a separator, and only a single oversized paragraph is cut, at a word boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from bot.core.reply import Heading, Link, Meta, Paragraph, Part, Separator

Formatter = Callable[[Part], str]


def pack(parts: Iterable[Part], fmt: Formatter, limit: int, joiner: str = "\n") -> list[str]:
    """Format `parts` and group them into as few messages of at most `limit` characters."""
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for part in parts:
        if isinstance(part, Separator) and current and size > limit // 2:
            messages.append(joiner.join(current))
            current, size = [], 0
            continue
        for block in _fitting_blocks(part, fmt, limit):
            extra = len(block) + (len(joiner) if current else 0)
            if current and size + extra > limit:
                messages.append(joiner.join(current))
                current, size = [], 0
                extra = len(block)
            current.append(block)
            size += extra
    while current and current[-1] == "":
        current.pop()
    if current:
        messages.append(joiner.join(current))
    return [m for m in messages if m.strip()]


def _fitting_blocks(part: Part, fmt: Formatter, limit: int) -> list[str]:
    block = fmt(part)
    if len(block) <= limit:
        return [block]
    if isinstance(part, Link):
        part = Paragraph(f"{part.label}: {part.url}")
    if not isinstance(part, Heading | Paragraph | Meta):
        return [block[:limit]]
    return [fmt(piece) for piece in _split_text(part, fmt, limit)]


def _split_text(part: Heading | Paragraph | Meta, fmt: Formatter, limit: int) -> list[Part]:
    """Cut a part's text into pieces whose formatted form fits, at spaces where possible."""
    pieces: list[Part] = []
    words = part.text.split(" ")
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(fmt(replace(part, text=candidate))) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(replace(part, text=current))
        current = word
        while len(fmt(replace(part, text=current))) > limit:
            head, current = _longest_fitting_prefix(part, current, fmt, limit)
            pieces.append(replace(part, text=head))
    if current:
        pieces.append(replace(part, text=current))
    return pieces


def _longest_fitting_prefix(part: Part, text: str, fmt: Formatter, limit: int) -> tuple[str, str]:
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if len(fmt(replace(part, text=text[:mid]))) <= limit:
            low = mid
        else:
            high = mid - 1
    return text[:low], text[low:]
