"""Rendering a changed reply into the same messages it was first sent as.

A long digest goes out split into several messages, and an edit can change a message only in
place. Rendered again as a whole, a digest whose entry was withdrawn (shorter) or corrected
(longer) may pack differently: its second message's text may now start in the first, and
every part would change, or the count of messages would, and no edit could follow it. So a
re-rendering keeps the split as sent: the reply's sections (the runs of parts between
separators) are matched to the messages they were sent in, and each group of sections is
rendered again on its own. Only a group that no longer fits its message changes the count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.core.reply import Part, Reply, Separator

Render = Callable[[Reply], Sequence[object]]
Groups = tuple[tuple[int, int, int], ...]  # (first section, end section, messages) per group


def sections(reply: Reply) -> list[tuple[Part, ...]]:
    """The runs of parts between separators, in order."""
    found: list[list[Part]] = [[]]
    for part in reply.parts:
        if isinstance(part, Separator):
            found.append([])
        else:
            found[-1].append(part)
    return [tuple(section) for section in found]


def groups(reply: Reply, sent: Sequence[object], render: Render) -> Groups | None:
    """Which sections of `reply` each run of `sent` messages holds, found by rendering
    groups of sections alone until they give back the messages as sent; None where the
    split fell inside a section (a paragraph cut in two), which no grouping reproduces."""
    runs = sections(reply)
    found: list[tuple[int, int, int]] = []
    start = message = 0
    while start < len(runs):
        for end in range(start + 1, len(runs) + 1):
            out = list(render(_group(reply, runs, start, end)))
            if out and list(sent[message : message + len(out)]) == out:
                found.append((start, end, len(out)))
                start, message = end, message + len(out)
                break
        else:
            return None
    return tuple(found) if message == len(sent) else None


def render_as(reply: Reply, grouping: Groups, render: Render) -> list[object] | None:
    """`reply` rendered in `grouping`'s messages, or None where a group no longer fits the
    messages it was sent in (or the reply's sections are not the ones grouped)."""
    runs = sections(reply)
    if not grouping or grouping[-1][1] != len(runs):
        return None
    messages: list[object] = []
    for start, end, count in grouping:
        out = list(render(_group(reply, runs, start, end)))
        if len(out) != count:
            return None
        messages += out
    return messages


def _group(reply: Reply, runs: list[tuple[Part, ...]], start: int, end: int) -> Reply:
    """Sections start..end as a reply of their own: the buttons only on the reply's last."""
    parts: list[Part] = []
    for index, section in enumerate(runs[start:end]):
        if index:
            parts.append(Separator())
        parts += section
    buttons = reply.buttons if end == len(runs) else ()
    return replace(reply, parts=tuple(parts), buttons=buttons)
