"""Managing a chat's daily digest: /subscribe, /unsubscribe, /time, /timezone, /settings.

Every change that moves the delivery time recomputes the next due instant at once, so the
scheduler's "who is due now" query never sees a stale time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.context import Context
from bot.core.handlers.reading import topic_title
from bot.core.messages import day_text, t
from bot.core.reply import Button, Heading, Meta, Paragraph, Part, Reply, text_reply
from bot.core.timeparse import TimeFormatError, TimezoneError, parse_hhmm, resolve_timezone
from bot.domain.chat import ChatRecord
from bot.domain.schedule import next_due_after_day

TIMEZONE_ACTION = "tz:"


def _next_due(ctx: Context, chat: ChatRecord) -> datetime:
    return next_due_after_day(chat.delivery_time, chat.timezone, chat.last_day, ctx.now)


def _when(instant: datetime, chat: ChatRecord) -> str:
    local = instant.astimezone(ZoneInfo(chat.timezone))
    return t(
        "when",
        date=day_text(local.date(), "date.short"),
        time=f"{local:%H:%M}",
        zone=chat.timezone,
    )


async def _save(ctx: Context, chat: ChatRecord, **changes: object) -> ChatRecord:
    """Apply `changes` and the due time they lead to in one write: two writes let a crash
    between them leave a chat subscribed with no due time, so never delivered to."""
    changed = replace(chat, **changes)  # type: ignore[arg-type]
    due = _next_due(ctx, changed) if changed.subscribed else None
    chat = await ctx.store.update_chat(chat.address, **changes, next_due_utc=due)  # type: ignore[arg-type]
    ctx.remember(chat)
    return chat


async def subscribe(ctx: Context, args: str) -> Reply:
    """Start the daily digest, optionally at a given time."""
    try:
        when = parse_hhmm(args) if args.strip() else None
    except TimeFormatError as error:
        return text_reply(str(error))
    chat = await ctx.ensure_chat()
    if chat.subscribed and (when is None or when == chat.delivery_time):
        return text_reply(
            t("subscribed.already", time=f"{chat.delivery_time:%H:%M}", zone=chat.timezone),
            t("subscribed.hint"),
        )
    chat = await _save(
        ctx,
        chat,
        subscribed=True,
        delivery_time=when or chat.delivery_time,
        deactivated_reason=None,
    )
    assert chat.next_due_utc is not None
    return text_reply(
        t("subscribed", time=f"{chat.delivery_time:%H:%M}", zone=chat.timezone),
        t("subscribed.next", when=_when(chat.next_due_utc, chat)),
        t("subscribed.hint"),
    )


async def unsubscribe(ctx: Context, args: str) -> Reply:
    """Stop the daily digest; settings and followed topics are kept for a comeback."""
    chat = await ctx.chat()
    if chat is None or not chat.subscribed:
        return text_reply(t("unsubscribed.not"))
    await _save(ctx, chat, subscribed=False)
    return text_reply(t("unsubscribed"))


async def set_time(ctx: Context, args: str) -> Reply:
    """Change the local time of day the digest arrives."""
    if not args.strip():
        return text_reply(t("time.missing"))
    try:
        when = parse_hhmm(args)
    except TimeFormatError as error:
        return text_reply(str(error))
    chat = await _save(ctx, await ctx.ensure_chat(), delivery_time=when)
    return _confirm(chat, t("time.set", time=f"{when:%H:%M}", zone=chat.timezone))


async def set_timezone(ctx: Context, args: str) -> Reply:
    """Change the chat's time zone, suggesting near misses as buttons."""
    if not args.strip():
        return text_reply(t("zone.missing"))
    try:
        zone = resolve_timezone(args)
    except TimezoneError as error:
        return _unknown_zone(args.strip(), error.suggestions)
    chat = await _save(ctx, await ctx.ensure_chat(), timezone=zone)
    return _confirm(chat, t("zone.set", zone=zone, time=f"{chat.delivery_time:%H:%M}"))


async def choose_timezone(ctx: Context, zone: str) -> Reply:
    """A suggestion button was pressed: same as typing /timezone with it."""
    return await set_timezone(ctx, zone)


def _unknown_zone(text: str, suggestions: Sequence[str]) -> Reply:
    lines = [t("zone.unknown", zone=text[:60])]
    if suggestions:
        lines.append(t("zone.suggest", options=", ".join(suggestions)))
    lines.append(t("zone.hint"))
    buttons = tuple((Button(zone, TIMEZONE_ACTION + zone),) for zone in suggestions)
    return text_reply(*lines, buttons=buttons)


def _confirm(chat: ChatRecord, sentence: str) -> Reply:
    if chat.subscribed and chat.next_due_utc:
        return text_reply(sentence, t("subscribed.next", when=_when(chat.next_due_utc, chat)))
    return text_reply(sentence, t("settings.status.off"))


async def settings(ctx: Context, args: str) -> Reply:
    """Show the chat's subscription, time, time zone and topics."""
    chat = await ctx.chat()
    time_, zone = ctx.settings.default_time, ctx.settings.default_timezone
    parts: list[Part] = [Heading(t("settings.title"))]
    if chat is None or not chat.subscribed:
        if chat and chat.deactivated_reason:
            parts.append(Paragraph(t("settings.status.gone", reason=chat.deactivated_reason)))
        else:
            parts.append(Paragraph(t("settings.status.off")))
    else:
        parts.append(Paragraph(t("settings.status.on")))
    if chat is not None:
        time_, zone = chat.delivery_time, chat.timezone
    parts += [
        Paragraph(t("settings.time", time=f"{time_:%H:%M}")),
        Paragraph(t("settings.zone", zone=zone)),
    ]
    if chat and chat.topics:
        titles = [topic_title(ctx, slug) for slug in chat.topics]
        parts.append(Paragraph(t("settings.topics", topics=", ".join(titles))))
    else:
        parts.append(Paragraph(t("settings.topics.none")))
    if chat and chat.subscribed and chat.next_due_utc:
        parts.append(Meta(t("settings.next", when=_when(chat.next_due_utc, chat))))
    return Reply(parts=tuple(parts))
