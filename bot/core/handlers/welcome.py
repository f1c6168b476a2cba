"""First contact: /start (with deep links) and /about."""

from __future__ import annotations

from collections import Counter

from bot.core.context import Context
from bot.core.handlers import reading
from bot.core.messages import clock_text, t
from bot.core.reply import Button, Heading, Meta, Paragraph, Reply
from bot.core.views import library_counts

DEEP_LINK_TOPIC = "topic-"


async def start(ctx: Context, args: str) -> Reply:
    """Greet the reader, or open a topic when the deep link asks for one."""
    payload = args.strip()
    if payload.startswith(DEEP_LINK_TOPIC):
        return await reading.topic(ctx, payload.removeprefix(DEEP_LINK_TOPIC))
    chat = await ctx.chat()
    if chat is not None and chat.subscribed:
        when = t("welcome.subscribed", time=clock_text(chat.delivery_time), zone=chat.timezone)
        parts = (Heading(t("welcome.title")), Paragraph(t("welcome.body")), Paragraph(when))
        return Reply(parts=parts, buttons=((Button(t("button.topics"), "topics"),),))
    buttons = ((Button(t("button.subscribe"), "subscribe"), Button(t("button.topics"), "topics")),)
    parts = (
        Heading(t("welcome.title")),
        Paragraph(t("welcome.body")),
        Paragraph(t("welcome.next")),
    )
    return Reply(parts=parts, buttons=buttons)


async def about(ctx: Context, args: str) -> Reply:
    """Say where the content comes from and how it is curated."""
    library = ctx.catalog.library
    sources = Counter(s for b in library.briefs for s in b.sources)
    parts = (
        Heading(t("about.title")),
        Paragraph(t("about.body")),
        Paragraph(
            t("about.sources", sources=", ".join(name for name, _ in sources.most_common()))
        ),
        Meta(t("about.counts", **library_counts(library))),
    )
    return Reply(parts=parts)
