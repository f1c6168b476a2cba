"""Discord's native look: each section of a reply becomes an embed, within Discord's limits.

A reply is cut into sections at its separators; a section's leading labels (kickers: "From the
archive · June 2019") are the embed's author line, shown above its title; its first heading is
the embed title, its text the description, its closing source/date lines the footer. Text is
escaped for Discord markdown, so `**x**` or `<@123>` in content or in a reader's argument shows
literally; adapters also send `allowed_mentions` with nothing allowed, so `@everyone` never
pings.

Limits (Discord API): title and author name 256, description 4,096, footer 2,048, 6,000
characters across a message's embeds, 10 embeds a message. Pure data out (dicts in the API's
JSON shape), so both the interaction replies and the delivery engine's REST sender use it
without a client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.reply import Button, Heading, Kicker, Link, Meta, Paragraph, Part, Reply, Separator
from bot.render.split import pack

TITLE_LIMIT = 256
AUTHOR_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
MESSAGE_EMBEDS_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
ACCENT = 0x2F6F9F
CUSTOM_ID_PREFIX = "bb:"
ROWS_PER_MESSAGE = 5
BUTTONS_PER_ROW = 5

_MARKDOWN = re.compile(r"([\\*_~`|>#\-\[\]()<:])")


def escape(text: str) -> str:
    """Make text show literally in Discord markdown (and break mention syntax like <@1>)."""
    return _MARKDOWN.sub(r"\\\1", text)


@dataclass
class DiscordMessage:
    """One message's JSON-ready parts; `buttons` rows are core buttons for the adapter to wire."""

    embeds: list[dict] = field(default_factory=list)
    buttons: tuple[tuple[Button, ...], ...] = ()

    def components(self) -> list[dict]:
        """Button rows as Discord components (custom ids carry the core's action).

        Discord allows 5 rows of 5 buttons; when the core's rows would need more than 5 rows,
        the buttons are reflowed 5 to a row so none is lost (up to 25).
        """
        rows = [list(row) for row in self.buttons]
        if len(rows) > ROWS_PER_MESSAGE:
            flat = [b for row in rows for b in row][: ROWS_PER_MESSAGE * BUTTONS_PER_ROW]
            rows = [flat[i : i + BUTTONS_PER_ROW] for i in range(0, len(flat), BUTTONS_PER_ROW)]
        return [
            {
                "type": 1,
                "components": [
                    {
                        "type": 2,
                        "style": 1,
                        "label": b.label[:80],
                        "custom_id": custom_id(b.action),
                    }
                    for b in row[:BUTTONS_PER_ROW]
                ],
            }
            for row in rows
        ]


def custom_id(action: str) -> str:
    return (CUSTOM_ID_PREFIX + action)[:100]


def render(reply: Reply) -> list[DiscordMessage]:
    """The messages for a reply, in order; buttons go on the last one."""
    embeds = [embed for section in _sections(reply.parts) for embed in _embeds(section)]
    messages: list[DiscordMessage] = []
    size = 0
    for embed in embeds:
        length = _length(embed)
        if (
            not messages
            or len(messages[-1].embeds) == EMBEDS_PER_MESSAGE
            or size + length > MESSAGE_EMBEDS_LIMIT
        ):
            messages.append(DiscordMessage())
            size = 0
        messages[-1].embeds.append(embed)
        size += length
    if not messages:
        messages.append(DiscordMessage())
    messages[-1].buttons = reply.buttons
    return messages


def _sections(parts: tuple[Part, ...]) -> list[list[Part]]:
    sections: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Separator):
            sections.append([])
        else:
            sections[-1].append(part)
    return [s for s in sections if s]


def _embeds(section: list[Part]) -> list[dict]:
    """One embed for a section, or several if its text is longer than a description."""
    title = None
    url = None
    kickers: list[str] = []
    while section and isinstance(kicker := section[0], Kicker):  # shown above the title
        kickers.append(kicker.text)
        section.pop(0)
    if section and isinstance(section[0], Heading):
        title = _clip(escape(section[0].text), TITLE_LIMIT)
        section = section[1:]
    footer: list[str] = []
    while section and isinstance(section[-1], Meta | Link):
        last = section.pop()
        if isinstance(last, Link) and url is None and title:
            url = last.url
        elif isinstance(last, Meta):
            footer.insert(0, last.text)
        else:
            section.append(last)
            break
    chunks = pack(section, _format, DESCRIPTION_LIMIT) if section else []
    embeds = [{"description": chunk, "color": ACCENT} for chunk in chunks] or [{"color": ACCENT}]
    if title:
        embeds[0]["title"] = title
        if url:
            embeds[0]["url"] = url
    if kickers:
        embeds[0]["author"] = {"name": _clip(" · ".join(kickers), AUTHOR_LIMIT)}
    if footer:
        embeds[-1]["footer"] = {"text": _clip(" · ".join(footer), FOOTER_LIMIT)}
    return embeds


def _format(part: Part) -> str:
    match part:
        case Heading(text):
            return f"**{escape(text)}**"
        case Paragraph(text):
            return escape(text)
        case Meta(text) | Kicker(text):
            return f"*{escape(text)}*"
        case Link(label, url):
            return f"[{escape(label)}]({url})"
        case Separator():
            return ""
    raise TypeError(f"unknown part {part!r}")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _length(embed: dict) -> int:
    footer = embed.get("footer", {}).get("text", "")
    author = embed.get("author", {}).get("name", "")
    return sum(map(len, (embed.get("title", ""), embed.get("description", ""), footer, author)))
