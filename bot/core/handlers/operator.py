"""Operator commands: /stats and /reload. The dispatcher has already checked who asks."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import asdict

from bot.catalog.model import Library
from bot.catalog.revisions import revision, snapshot
from bot.core.context import Context
from bot.core.messages import t, tn
from bot.core.reply import Heading, Meta, Paragraph, Part, Reply, text_reply
from bot.core.views import library_counts
from bot.domain.corrections import CorrectionProgress
from bot.domain.figures import DeliveryStats, StoreStats

MAX_PROBLEMS_SHOWN = 15


async def stats(ctx: Context, args: str) -> Reply:
    """Show subscribers, today's queue and failures, today's prayers and corrections under
    way."""
    midnight = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0)
    figures = await ctx.store.stats(today=await ctx.today())
    outbox = ctx.services.outbox
    delivery = await outbox.stats(since=midnight)
    return stats_reply(figures, delivery, await outbox.running_corrections())


def stats_reply(
    figures: StoreStats,
    delivery: DeliveryStats,
    corrections: Sequence[CorrectionProgress] = (),
) -> Reply:
    """The figures as a reply; `briefbot stats` prints the same thing as plain text."""
    parts: list[Part] = [Heading(t("stats.title"))]
    if not figures.platforms:
        parts.append(Paragraph(t("stats.none")))
    for platform, counts in sorted(figures.platforms.items()):
        parts.append(Paragraph(t("stats.platform", platform=platform, **asdict(counts))))
    parts += _ranked("stats.zones", figures.subscribed_by_timezone)
    parts += _ranked("stats.topics", figures.subscribed_by_topic)
    prayers = figures.prayers
    parts.append(Paragraph(t("stats.prayers", today=prayers.today, total=prayers.total)))
    parts += _ranked("stats.top_prayers", dict(prayers.top_today))
    parts += _delivery(delivery)
    parts += _corrections(corrections)
    return Reply(parts=tuple(parts))


def _corrections(running: Sequence[CorrectionProgress]) -> list[Part]:
    """One line per correction still editing messages, newest first."""
    if not running:
        return []
    lines = [
        t(
            "stats.correction.line",
            number=progress.correction.id,
            action=t(f"stats.correction.{progress.correction.action}"),
            id=progress.correction.entry_id,
            finished=progress.finished,
            messages=progress.messages,
            edited=progress.edited,
            unreachable=progress.unreachable,
        )
        for progress in running
    ]
    return [Meta(t("stats.corrections")), *(Paragraph(line) for line in lines)]


def _delivery(delivery: DeliveryStats) -> list[Part]:
    parts: list[Part] = [Meta(t("stats.queue"))]
    for platform, states in sorted(delivery.by_state.items()):
        summary = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        parts.append(Paragraph(t("stats.queue.line", platform=platform, states=summary)))
    if delivery.failures:
        parts.append(Meta(t("stats.failures")))
        for platform, state, reason, count in delivery.failures[:10]:
            line = t(
                "stats.failure.line", platform=platform, state=state, reason=reason, count=count
            )
            parts.append(Paragraph(line))
    return parts if len(parts) > 1 else []


def _ranked(title: str, counts: dict[str, int], top: int = 10) -> list[Part]:
    if not counts:
        return []
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return [Meta(t(title)), *(Paragraph(t("stats.line", name=n, count=c)) for n, c in ranked)]


async def reload(ctx: Context, args: str) -> Reply:
    """Reload the content; on failure keep serving the old library and list the problems.
    `/reload force` accepts a library that drops more than half of what is served. Reading
    and checking run in a worker thread: a big library must not stall every chat."""
    force = args.strip().lower() == "force"
    before = ctx.services.catalog.current.library
    result = await asyncio.to_thread(ctx.services.catalog.reload, force)
    if result.library is None:
        problems = [str(p) for p in result.problems]
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(t("reload.more", count=len(problems) - len(shown)))
        return text_reply(tn("reload.failed", len(problems)), *shown)
    library = result.library
    reloaded = t("reload.ok", **library_counts(library))
    copies = await ctx.services.outbox.copies_of(changed_entries(before, library))
    if not copies:
        return text_reply(reloaded)
    lines = [tn("reload.copies", count, id=entry) for entry, count in sorted(copies.items())]
    return text_reply(reloaded, t("reload.changed"), *lines, t("reload.hint"))


def changed_entries(before: Library, after: Library) -> dict[str, str]:
    """The entries of `before` that `after` changes or drops, each with its revision now
    ("" when dropped): readers who were sent them still have the old text."""
    now = {entry.id: entry for entry in after.entries}
    changed = {}
    for entry in before.entries:
        current = now.get(entry.id)
        if current != entry:
            changed[entry.id] = "" if current is None else revision(snapshot(current))
    return changed
