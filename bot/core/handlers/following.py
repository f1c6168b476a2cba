"""Preferring topics in the digest: /follow and /unfollow."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.handlers.reading import unknown_topic
from bot.core.messages import t
from bot.core.reply import Reply, text_reply


async def follow(ctx: Context, args: str) -> Reply:
    """Prefer a topic when the digest picks its briefs."""
    found = ctx.catalog.topic(args) if args.strip() else None
    if not args.strip():
        return text_reply(t("follow.missing"))
    if found is None:
        return unknown_topic(ctx, args.strip())
    chat = await ctx.ensure_chat()
    added = await ctx.store.follow(chat.address, found.slug)
    return text_reply(t("follow.added" if added else "follow.already", title=found.title))


async def unfollow(ctx: Context, args: str) -> Reply:
    """Stop preferring a topic."""
    if not args.strip():
        return text_reply(t("follow.missing"))
    found = ctx.catalog.topic(args)
    if found is None:
        return unknown_topic(ctx, args.strip())
    chat = await ctx.chat()
    removed = chat is not None and await ctx.store.unfollow(chat.address, found.slug)
    return text_reply(t("unfollow.removed" if removed else "unfollow.not", title=found.title))
