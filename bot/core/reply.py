"""Platform-neutral replies: what the core says, before any adapter formats it.

The core never writes HTML, Markdown or escapes anything. It hands back a `Reply` made of
typed parts; each platform's renderer (see `bot.render`) decides how a heading looks, how to
escape, and how to split a long reply into several messages within its limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A bold title line, e.g. a brief's headline."""

    text: str


@dataclass(frozen=True)
class Kicker:
    """A short label shown before an item's title, which the reader must see first:
    "From the archive · June 2019", "Undated: the source gives no date"."""

    text: str


@dataclass(frozen=True)
class Paragraph:
    """Plain running text."""

    text: str


@dataclass(frozen=True)
class Meta:
    """A small, de-emphasised line: a date, a source attribution, a hint."""

    text: str


@dataclass(frozen=True)
class Link:
    """A labelled web address."""

    label: str
    url: str


@dataclass(frozen=True)
class Separator:
    """A visual break between the items of a digest; renderers may also split here."""


Part = Kicker | Heading | Paragraph | Meta | Link | Separator


@dataclass(frozen=True)
class Button:
    """An inline button. `action` is an opaque id the core understands when it is pressed."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    """One logical answer. Renderers may split it into several messages, buttons on the last.

    `edit` asks the adapter to replace the message whose button was pressed rather than send a
    new one; `update` replaces just the pressed button (same action) and leaves the message
    and its other buttons alone; `notice` is a short toast for a button press (Telegram's
    answerCallbackQuery text). `asks` names the command a plain-text answer to this reply is
    the argument of ("timezone" after "where are you?"): the core takes the next message as
    that answer, and adapters where group members cannot be read otherwise ask for a reply.
    """

    parts: tuple[Part, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False
    update: Button | None = None
    notice: str | None = None
    protect: bool = field(default=False, compare=False)
    asks: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.parts and not self.buttons and self.update is None


def text_reply(*paragraphs: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    """Build the common case: a few plain paragraphs."""
    return Reply(parts=tuple(Paragraph(p) for p in paragraphs), buttons=buttons)
