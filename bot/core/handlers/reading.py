"""Reading the library: /today, /pray, /topic, /topics and /search. Anyone may use these."""

from __future__ import annotations

from bot.catalog.keys import key_of
from bot.catalog.model import Brief, Topic
from bot.core.context import Context
from bot.core.daily import digest_for, record_sent
from bot.core.digest import Digest
from bot.core.messages import t, tn
from bot.core.reply import (
    Button,
    Heading,
    Kicker,
    Meta,
    Paragraph,
    Part,
    Reply,
    Separator,
    text_reply,
)
from bot.core.views import (
    age_label,
    brief_date,
    brief_parts,
    digest_reply,
    long_date,
    prayer_buttons,
    prayer_parts,
)

TOPIC_ACTION = "topic:"
LATEST_BRIEFS = 3
LATEST_PRAYERS = 2
SEARCH_RESULTS = 5
SNIPPET = 180


def topic_title(ctx: Context, slug: str) -> str:
    topic = ctx.catalog.topic(slug)
    return topic.title if topic else slug


async def _todays_digest(ctx: Context) -> Digest:
    """Today's digest for this chat, the same one the scheduler sends."""
    chat = await ctx.chat()
    day = await ctx.today()
    digest = await digest_for(ctx.store, ctx.catalog, chat, day, ctx.settings.max_briefs)
    if chat is not None and chat.subscribed:
        await record_sent(ctx.store, chat, digest)
    return digest


async def today(ctx: Context, args: str) -> Reply:
    """Send today's digest now."""
    digest = await _todays_digest(ctx)
    count = await ctx.store.prayer_count(digest.prayer.id, digest.day) if digest.prayer else 0
    reply = digest_reply(digest, count, ctx.settings.archive_after_months)
    return Reply(parts=reply.parts, buttons=reply.buttons, protect=ctx.settings.protect_content)


async def pray(ctx: Context, args: str) -> Reply:
    """Send today's prayer point with its 'I prayed' button."""
    digest = await _todays_digest(ctx)
    if digest.prayer is None:
        return text_reply(t("pray.none"))
    count = await ctx.store.prayer_count(digest.prayer.id, digest.day)
    parts = prayer_parts(digest.prayer, heading=t("pray.title", date=long_date(digest.day)))
    return Reply(parts=tuple(parts), buttons=prayer_buttons(digest.prayer, count, digest.day))


def topic_buttons(topics: list[Topic], per_row: int = 2) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(topic.title, TOPIC_ACTION + key_of(topic.slug)) for topic in topics]
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def unknown_topic(ctx: Context, name: str) -> Reply:
    """Say the topic is unknown, offering near matches as buttons."""
    suggestions = ctx.catalog.suggest_topics(name)
    lines = [t("topic.unknown", name=name[:60])]
    if suggestions:
        lines.append(t("topic.suggest", options=", ".join(s.slug for s in suggestions)))
    lines.append(t("topic.see_all"))
    return text_reply(*lines, buttons=topic_buttons(suggestions))


async def topic(ctx: Context, args: str) -> Reply:
    """Show a topic's latest briefs and prayer points; with no name, offer them all."""
    name = args.strip()
    if not name:
        return Reply(
            parts=(Paragraph(t("topic.missing")),),
            buttons=topic_buttons(list(ctx.catalog.topics)),
        )
    found = ctx.catalog.topic(name)
    if found is None:
        return unknown_topic(ctx, name)
    parts: list[Part] = [
        Heading(t("topic.title", title=found.title)),
        Paragraph(found.description),
    ]
    briefs = ctx.catalog.briefs_for(found.slug)[:LATEST_BRIEFS]
    prayers = ctx.catalog.prayers_for(found.slug)[:LATEST_PRAYERS]
    if not briefs and not prayers:
        parts.append(Meta(t("topic.empty")))
    day = await ctx.today()
    for brief in briefs:
        parts += [Separator(), *brief_parts(brief, day, ctx.settings.archive_after_months)]
    for prayer in prayers:  # no "I prayed" here: it counts only the day's own prayer point
        parts += [Separator(), *prayer_parts(prayer)]
    return Reply(parts=tuple(parts))


async def topic_pressed(ctx: Context, value: str) -> Reply:
    """A topic button: its data is the topic's short key (older messages: its slug)."""
    pressed = ctx.catalog.topic_by_key(value)
    return await topic(ctx, pressed.slug if pressed else value)


async def topics(ctx: Context, args: str) -> Reply:
    """List every topic with how much the library holds on it."""
    catalog = ctx.catalog
    parts: list[Part] = [Heading(t("topics.title"))]
    for item in catalog.topics:
        line = t(
            "topics.line",
            title=item.title,
            slug=item.slug,
            briefs=tn("count.briefs", len(catalog.briefs_for(item.slug))),
            prayers=tn("count.prayers", len(catalog.prayers_for(item.slug))),
        )
        parts.append(Paragraph(line))
    parts.append(Meta(t("topics.footer")))
    return Reply(parts=tuple(parts), buttons=topic_buttons(list(catalog.topics)))


async def search(ctx: Context, args: str) -> Reply:
    """Find briefs and prayer points by words, best matches first."""
    query = " ".join(args.split())
    if not query:
        return text_reply(t("search.missing"))
    hits = ctx.catalog.search(query, limit=SEARCH_RESULTS)
    if not hits:
        return text_reply(t("search.none", query=query[:60]))
    parts: list[Part] = [Heading(t("search.title", query=query[:60]))]
    day = await ctx.today()
    for hit in hits:
        entry = hit.entry
        if isinstance(entry, Brief):
            label = age_label(entry, day, ctx.settings.archive_after_months)
            parts += [
                Separator(),
                *([Kicker(label)] if label else []),
                Heading(entry.title),
                Meta(f"{t('search.kind.brief')} · {brief_date(entry)}"),
            ]
            parts.append(Paragraph(_snippet(entry.summary)))
        else:
            parts += [Separator(), Heading(entry.title or t("search.kind.prayer"))]
            parts += [Meta(t("search.kind.prayer")), Paragraph(_snippet(entry.text))]
    return Reply(parts=tuple(parts))


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + " …"
