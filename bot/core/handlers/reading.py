"""Reading the library: /today, /pray, /topic, /topics and /search. Anyone may use these."""

from __future__ import annotations

from bot.catalog.keys import key_of
from bot.catalog.model import Topic
from bot.core.context import Context
from bot.core.daily import digest_for, record_sent
from bot.core.digest import Digest
from bot.core.messages import t, tn
from bot.core.reply import (
    Button,
    Heading,
    Meta,
    Paragraph,
    Part,
    Reply,
    Separator,
    text_reply,
)
from bot.core.views import (
    brief_parts,
    digest_reply,
    long_date,
    prayer_buttons,
    prayer_parts,
    shown_description,
    shown_title,
)

TOPIC_ACTION = "topic:"
FOLLOW_ACTION = "follow:"
UNFOLLOW_ACTION = "unfollow:"
LATEST_BRIEFS = 3
LATEST_PRAYERS = 2


def topic_title(ctx: Context, slug: str) -> str:
    topic = ctx.catalog.topic(slug)
    return shown_title(topic) if topic else slug


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
    reply = digest_reply(
        digest, count, ctx.settings.archive_after_months, ctx.settings.digest_style
    )
    return Reply(parts=reply.parts, buttons=reply.buttons, protect=ctx.settings.protect_content)


async def pray(ctx: Context, args: str) -> Reply:
    """Send today's prayer point with its 'I prayed' button."""
    digest = await _todays_digest(ctx)
    if digest.prayer is None:
        return text_reply(t("pray.none"))
    count = await ctx.store.prayer_count(digest.prayer.id, digest.day)
    parts = prayer_parts(digest.prayer, heading=t("pray.title", date=long_date(digest.day)))
    return Reply(parts=tuple(parts), buttons=prayer_buttons(digest.prayer, count, digest.day))


def topic_buttons(
    topics: list[Topic], per_row: int = 2, action: str = TOPIC_ACTION
) -> tuple[tuple[Button, ...], ...]:
    buttons = [Button(shown_title(topic), action + key_of(topic.slug)) for topic in topics]
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def unknown_topic(ctx: Context, name: str, action: str = TOPIC_ACTION) -> Reply:
    """Say the topic is unknown, offering near matches as buttons that do what was asked
    (`action`: open the topic, or follow it)."""
    suggestions = ctx.catalog.suggest_topics(name)
    lines = [t("topic.unknown", name=name[:60])]
    if suggestions:
        lines.append(t("topic.suggest", options=", ".join(s.slug for s in suggestions)))
    lines.append(t("topic.see_all"))
    return text_reply(*lines, buttons=topic_buttons(suggestions, action=action))


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
    return await _topic_page(ctx, found, 0)


async def topic_pressed(ctx: Context, value: str) -> Reply:
    """A topic button: "<key>" (older messages: the slug), or "<key>:<start>" for a later
    page of its briefs."""
    key, _, start = value.partition(":")
    pressed = ctx.catalog.topic_by_key(key)
    if pressed is None:
        return await topic(ctx, value)
    return await _topic_page(ctx, pressed, int(start) if start.isdigit() else 0)


async def _topic_page(ctx: Context, found: Topic, start: int) -> Reply:
    """A page of the topic's briefs, latest first (its prayer points on the first page), with
    what a reader may do next: follow or unfollow it, subscribe, see more."""
    parts: list[Part] = [Heading(t("topic.title", title=shown_title(found)))]
    if start == 0:
        parts.append(Paragraph(shown_description(found)))
    briefs = ctx.catalog.briefs_for(found.slug)
    prayers = ctx.catalog.prayers_for(found.slug)[:LATEST_PRAYERS] if start == 0 else []
    page = briefs[start : start + LATEST_BRIEFS]
    if not page and not prayers:
        parts.append(Meta(t("topic.empty")))
    day = await ctx.today()
    for brief in page:
        parts += [Separator(), *brief_parts(brief, day, ctx.settings.archive_after_months)]
    for prayer in prayers:  # no "I prayed" here: it counts only the day's own prayer point
        parts += [Separator(), *prayer_parts(prayer)]
    chat = await ctx.chat()
    key = key_of(found.slug)
    following = chat is not None and found.slug in chat.topics
    buttons = [
        Button(t("button.unfollow"), UNFOLLOW_ACTION + key)
        if following
        else Button(t("button.follow"), FOLLOW_ACTION + key)
    ]
    if chat is None or not chat.subscribed:
        buttons.append(Button(t("button.subscribe"), "subscribe"))
    if len(briefs) > start + LATEST_BRIEFS:
        buttons.append(Button(t("button.more"), f"{TOPIC_ACTION}{key}:{start + LATEST_BRIEFS}"))
    return Reply(parts=tuple(parts), buttons=(tuple(buttons),))


async def topics(ctx: Context, args: str) -> Reply:
    """List every topic with how much the library holds on it."""
    catalog = ctx.catalog
    parts: list[Part] = [Heading(t("topics.title"))]
    for item in catalog.topics:
        line = t(
            "topics.line",
            title=shown_title(item),
            slug=item.slug,
            briefs=tn("count.briefs", len(catalog.briefs_for(item.slug))),
            prayers=tn("count.prayers", len(catalog.prayers_for(item.slug))),
        )
        parts.append(Paragraph(line))
    parts.append(Meta(t("topics.footer")))
    return Reply(parts=tuple(parts), buttons=topic_buttons(list(catalog.topics)))
