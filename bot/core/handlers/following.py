"""Preferring topics in the digest: /follow and /unfollow, and their buttons."""

from __future__ import annotations

import re

from bot.catalog.model import Topic
from bot.core.context import Context
from bot.core.handlers.reading import (
    FOLLOW_ACTION,
    UNFOLLOW_ACTION,
    topic_buttons,
    unknown_topic,
)
from bot.core.messages import t
from bot.core.reply import Reply, text_reply
from bot.core.views import shown_title


async def follow(ctx: Context, args: str) -> Reply:
    """Prefer one topic, or several named together ("church border"), in the digest."""
    if not args.strip():
        return text_reply(
            t("follow.missing"),
            buttons=topic_buttons(list(ctx.catalog.topics), action=FOLLOW_ACTION),
        )
    found = _topics(ctx, args)
    if found is None:
        return unknown_topic(ctx, args.strip(), action=FOLLOW_ACTION)
    chat = await ctx.ensure_chat()
    added = [topic for topic in found if await ctx.store.follow(chat.address, topic.slug)]
    if len(found) > 1:
        return text_reply(
            t("follow.added.many", titles=", ".join(shown_title(topic) for topic in found))
        )
    return text_reply(
        t("follow.added" if added else "follow.already", title=shown_title(found[0]))
    )


async def unfollow(ctx: Context, args: str) -> Reply:
    """Stop preferring a topic; with none named, list the ones followed to tap."""
    chat = await ctx.chat()
    if not args.strip():
        followed = [ctx.catalog.topic(slug) for slug in (chat.topics if chat else ())]
        topics = [topic for topic in followed if topic is not None]
        if not topics:
            return text_reply(t("unfollow.none"))
        return text_reply(
            t("unfollow.which"), buttons=topic_buttons(topics, action=UNFOLLOW_ACTION)
        )
    found = _topics(ctx, args)
    if found is None:
        return unknown_topic(ctx, args.strip(), action=UNFOLLOW_ACTION)
    removed = [
        topic
        for topic in found
        if chat is not None and await ctx.store.unfollow(chat.address, topic.slug)
    ]
    if len(found) > 1:
        titles = ", ".join(shown_title(topic) for topic in found)
        return text_reply(t("unfollow.removed.many", titles=titles))
    return text_reply(
        t("unfollow.removed" if removed else "unfollow.not", title=shown_title(found[0]))
    )


async def follow_pressed(ctx: Context, key: str) -> Reply:
    found = ctx.catalog.topic_by_key(key)
    return await follow(ctx, found.slug) if found else Reply(notice=t("button.expired"))


async def unfollow_pressed(ctx: Context, key: str) -> Reply:
    found = ctx.catalog.topic_by_key(key)
    return await unfollow(ctx, found.slug) if found else Reply(notice=t("button.expired"))


def _topics(ctx: Context, text: str) -> list[Topic] | None:
    """The topic `text` names, or the topics its words or comma-separated parts each name;
    None unless every part is a topic."""
    whole = ctx.catalog.topic(text)
    if whole is not None:
        return [whole]
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    found = [ctx.catalog.topic(part) for part in parts]
    if len(parts) < 2 or any(topic is None for topic in found):
        return None
    return list(dict.fromkeys(topic for topic in found if topic is not None))
