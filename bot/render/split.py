"""Packing rendered parts into messages that respect a platform's length limit.

Every platform has a ceiling (Telegram 4,096, Discord 2,000/4,096) and escaping makes text
longer, so we measure the *formatted* text and split the *plain* text: a cut never lands
inside an HTML tag or an escape sequence. Messages break between parts where possible,
preferably at a separator, and only a single oversized paragraph is cut, at a word boundary.
How length is counted is the platform's call (`measure`): Telegram counts UTF-16 code units.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from bot.core.reply import Heading, Link, Meta, Paragraph, Part, Separator

Formatter = Callable[[Part], str]
Measure = Callable[[str], int]


@dataclass(frozen=True)
class Budget:
    fmt: Formatter
    limit: int
    measure: Measure = len

    def fits(self, part: Part) -> bool:
        return self.measure(self.fmt(part)) <= self.limit


def pack(
    parts: Iterable[Part], fmt: Formatter, limit: int, joiner: str = "\n", measure: Measure = len
) -> list[str]:
    """Format `parts` and group them into as few messages as fit in `limit` each."""
    budget = Budget(fmt, limit, measure)
    gap = measure(joiner)
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for part in parts:
        if isinstance(part, Separator) and current and size > limit // 2:
            messages.append(joiner.join(current))
            current, size = [], 0
            continue
        for block in _fitting_blocks(part, budget):
            extra = measure(block) + (gap if current else 0)
            if current and size + extra > limit:
                messages.append(joiner.join(current))
                current, size = [], 0
                extra = measure(block)
            current.append(block)
            size += extra
    while current and current[-1] == "":
        current.pop()
    if current:
        messages.append(joiner.join(current))
    return [m for m in messages if m.strip()]


def _fitting_blocks(part: Part, budget: Budget) -> list[str]:
    if budget.fits(part):
        return [budget.fmt(part)]
    if isinstance(part, Link):
        part = Paragraph(f"{part.label}: {part.url}")
    if not isinstance(part, Heading | Paragraph | Meta):
        return [budget.fmt(part)[: budget.limit]]
    return [budget.fmt(piece) for piece in _split_text(part, budget)]


def _split_text(part: Heading | Paragraph | Meta, budget: Budget) -> list[Part]:
    """Cut a part's text into pieces whose formatted form fits, at spaces where possible."""
    pieces: list[Part] = []
    current = ""
    for word in part.text.split(" "):
        candidate = f"{current} {word}" if current else word
        if budget.fits(replace(part, text=candidate)):
            current = candidate
            continue
        if current:
            pieces.append(replace(part, text=current))
        current = word
        while not budget.fits(replace(part, text=current)):
            head, current = _longest_fitting_prefix(part, current, budget)
            pieces.append(replace(part, text=head))
    if current:
        pieces.append(replace(part, text=current))
    return pieces


def _longest_fitting_prefix(
    part: Heading | Paragraph | Meta, text: str, budget: Budget
) -> tuple[str, str]:
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if budget.fits(replace(part, text=text[:mid])):
            low = mid
        else:
            high = mid - 1
    return text[:low], text[low:]
