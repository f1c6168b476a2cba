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
from bot.core.languages import LANGUAGES
from bot.core.messages import clock_text, current_locale, day_text, t
from bot.core.places.lookup import utc_offset
from bot.core.reply import Button, Heading, Meta, Paragraph, Part, Reply, text_reply
from bot.core.timeparse import (
    TimeFormatError,
    TimezoneError,
    known_timezones,
    parse_hhmm,
    read_place,
)
from bot.domain.chat import ChatRecord
from bot.domain.schedule import next_due_after_day

TIMEZONE_ACTION = "tz:"
# One tap away when a reader is asked where they are: where most readers live (Korea, and
# the Korean churches of North America, Europe and Australia).
COMMON_ZONES = (
    "Asia/Seoul",
    "America/Los_Angeles",
    "America/New_York",
    "America/Toronto",
    "Europe/London",
    "Australia/Sydney",
)


def _next_due(ctx: Context, chat: ChatRecord) -> datetime:
    return next_due_after_day(chat.delivery_time, chat.timezone, chat.last_day, ctx.now)


def _when(instant: datetime, chat: ChatRecord) -> str:
    local = instant.astimezone(ZoneInfo(chat.timezone))
    return t(
        "when",
        date=day_text(local.date(), "date.short"),
        time=clock_text(local.time()),
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
    """Start the daily digest, optionally at a given time; ask where the reader is if they
    never said, since the default zone would bring a morning digest in the afternoon."""
    try:
        when = parse_hhmm(args) if args.strip() else None
    except TimeFormatError as error:
        return text_reply(str(error))
    chat = await ctx.ensure_chat()
    if chat.subscribed and (when is None or when == chat.delivery_time):
        return text_reply(
            t("subscribed.already", time=clock_text(chat.delivery_time), zone=chat.timezone),
            t("subscribed.hint"),
        )
    if chat.subscribed:
        chat = await _save(ctx, chat, delivery_time=when)
        return _confirm(
            chat, t("time.set", time=clock_text(chat.delivery_time), zone=chat.timezone)
        )
    chat = await _save(
        ctx,
        chat,
        subscribed=True,
        delivery_time=when or chat.delivery_time,
        deactivated_reason=None,
    )
    assert chat.next_due_utc is not None
    done = (
        t("subscribed", time=clock_text(chat.delivery_time), zone=chat.timezone),
        t("subscribed.next", when=_when(chat.next_due_utc, chat)),
    )
    if chat.timezone != ctx.settings.default_timezone:
        return text_reply(*done, t("subscribed.hint"))
    question = where_are_you(ctx, chat)
    return replace(question, parts=text_reply(*done).parts + question.parts)


def where_are_you(ctx: Context, chat: ChatRecord | None) -> Reply:
    """Ask for the reader's place: common zones one tap away, any city as an answer."""
    zones = dict.fromkeys((ctx.settings.default_timezone, *COMMON_ZONES))
    if chat is not None:
        zones.pop(chat.timezone, None)
    buttons = tuple((_zone_button(ctx, zone),) for zone in zones)
    return Reply(parts=text_reply(t("zone.ask")).parts, buttons=buttons, asks="timezone")


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
    return _confirm(chat, t("time.set", time=clock_text(when), zone=chat.timezone))


async def set_timezone(ctx: Context, args: str) -> Reply:
    """Change the chat's time zone from a city, a country, an abbreviation, an offset or a
    zone name; ask when the answer fits several zones, or a fixed one it probably does not
    mean; suggest near misses as buttons."""
    if not args.strip():
        return where_are_you(ctx, await ctx.chat())
    try:
        found = read_place(args)
    except TimezoneError as error:
        return _unknown_zone(args.strip(), error.suggestions)
    if found.sure and found.how != "fixed":
        return await _set_zone(ctx, found.zones[0], found.place)
    if found.how == "offset":
        question = t("zone.choose.offset", offset=found.place)
    elif found.how == "fixed":
        question = t("zone.choose.fixed", zone=found.place, offset=utc_offset(found.place))
    else:
        question = t("zone.choose", text=args.strip()[:60])
    buttons = tuple((_zone_button(ctx, zone),) for zone in found.zones)
    return text_reply(question, buttons=buttons)


async def choose_timezone(ctx: Context, zone: str) -> Reply:
    """A zone button was pressed: the reader chose exactly this zone."""
    if zone not in known_timezones():
        return text_reply(t("zone.unknown", zone=zone[:60]), t("zone.hint"))
    return await _set_zone(ctx, zone, "")


async def _set_zone(ctx: Context, zone: str, place: str) -> Reply:
    chat = await _save(ctx, await ctx.ensure_chat(), timezone=zone)
    time_ = clock_text(chat.delivery_time)
    sentence = (
        t("zone.set.place", zone=zone, place=place, time=time_)
        if place
        else t("zone.set", zone=zone, time=time_)
    )
    reply = _confirm(chat, sentence)
    if zone.startswith("Etc/"):
        reply = replace(
            reply, parts=reply.parts + text_reply(t("zone.fixed.note", zone=zone)).parts
        )
    return reply


def _zone_button(ctx: Context, zone: str) -> Button:
    """A zone with its clock now, so the reader recognises their own; a fixed zone says so."""
    if zone.startswith("Etc/"):
        return Button(t("zone.button.fixed", zone=zone), TIMEZONE_ACTION + zone)
    local = ctx.now.astimezone(ZoneInfo(zone)).time()
    return Button(t("zone.button", zone=zone, time=clock_text(local)), TIMEZONE_ACTION + zone)


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
        Paragraph(t("settings.time", time=clock_text(time_))),
        Paragraph(t("settings.zone", zone=zone)),
    ]
    if chat and chat.topics:
        titles = [topic_title(ctx, slug) for slug in chat.topics]
        parts.append(Paragraph(t("settings.topics", topics=", ".join(titles))))
    else:
        parts.append(Paragraph(t("settings.topics.none")))
    parts.append(Paragraph(t("settings.language", language=LANGUAGES[current_locale.get()])))
    if chat and chat.subscribed and chat.next_due_utc:
        parts.append(Meta(t("settings.next", when=_when(chat.next_due_utc, chat))))
    return Reply(parts=tuple(parts))
