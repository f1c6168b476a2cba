"""Finding and opening entries: /search with its pages, /brief, and the Open buttons.

Every list of entries can be opened and paged: a search result or a topic's brief is one tap
from its whole text (`open:<key>`), and a list longer than a page ends with a More button
that carries where the next page starts.
"""

from __future__ import annotations

from bot.catalog.keys import key_of
from bot.catalog.model import Brief, Entry
from bot.catalog.translations import in_language
from bot.core.context import Context
from bot.core.messages import current_locale, t
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
from bot.core.views import OPEN_ACTION, age_label, brief_date, brief_parts, prayer_parts

SEARCH_ACTION = "search:"
PAGE = 5
MAX_PAGES = 10  # a search shows at most 50 results
SNIPPET = 180
BUTTON_DATA_BYTES = 64  # Telegram's limit; a More button that would not fit is left out
LABEL = 40


def open_button(number: int, entry: Entry) -> Button:
    entry, _ = in_language(entry, current_locale.get())
    title = entry.title if isinstance(entry, Brief) else entry.title or t("search.kind.prayer")
    label = title if len(title) <= LABEL else title[: LABEL - 1].rstrip() + "…"
    return Button(t("button.open", number=number, title=label), OPEN_ACTION + key_of(entry.id))


async def search(ctx: Context, args: str) -> Reply:
    """Find briefs and prayer points by words, best matches first, a page at a time."""
    return await _search_page(ctx, " ".join(args.split()), 0)


async def search_more(ctx: Context, value: str) -> Reply:
    """A More button: "<start>:<query>"."""
    start, _, query = value.partition(":")
    return await _search_page(ctx, query, int(start) if start.isdigit() else 0)


async def _search_page(ctx: Context, query: str, start: int) -> Reply:
    if not query:
        return text_reply(t("search.missing"))
    hits = ctx.catalog.search(query, limit=min(start + PAGE + 1, PAGE * MAX_PAGES))
    page = hits[start : start + PAGE]
    if not page:
        return text_reply(t("search.none", query=query[:60]))
    parts: list[Part] = [Heading(t("search.title", query=query[:60]))]
    day = await ctx.today()
    for number, hit in enumerate(page, start + 1):
        entry, translated = in_language(hit.entry, current_locale.get())
        untranslated = [] if translated else [Meta(t("entry.untranslated"))]
        if isinstance(entry, Brief):
            label = age_label(entry, day, ctx.settings.archive_after_months)
            parts += [
                Separator(),
                *([Kicker(label)] if label else []),
                Heading(f"{number}. {entry.title}"),
                Meta(f"{t('search.kind.brief')} · {brief_date(entry)}"),
                *untranslated,
                Paragraph(_snippet(entry.summary)),
            ]
        else:
            title = entry.title or t("search.kind.prayer")
            parts += [Separator(), Heading(f"{number}. {title}"), Meta(t("search.kind.prayer"))]
            parts += [*untranslated, Paragraph(_snippet(entry.text))]
    buttons = [(open_button(n, hit.entry),) for n, hit in enumerate(page, start + 1)]
    more = f"{SEARCH_ACTION}{start + PAGE}:{query}"
    if len(hits) > start + PAGE and len(more.encode()) <= BUTTON_DATA_BYTES:
        buttons.append((Button(t("button.more"), more),))
    return Reply(parts=tuple(parts), buttons=tuple(buttons))


async def open_entry(ctx: Context, key: str) -> Reply:
    """An Open button: the entry's whole text, as a new message."""
    entry = ctx.catalog.entry_by_key(key)
    if entry is None:
        return Reply(notice=t("button.expired"))
    return await _whole(ctx, entry)


async def brief(ctx: Context, args: str) -> Reply:
    """/brief ID: one brief (or prayer point) in full, by the id editors and buttons use."""
    wanted = args.strip()
    if not wanted:
        return text_reply(t("brief.missing"))
    entry = ctx.catalog.entry(wanted) or ctx.catalog.entry_by_key(wanted)
    if entry is None:
        return text_reply(t("brief.unknown", id=wanted[:60]), t("brief.missing"))
    return await _whole(ctx, entry)


async def _whole(ctx: Context, entry: Entry) -> Reply:
    if isinstance(entry, Brief):
        parts = brief_parts(entry, await ctx.today(), ctx.settings.archive_after_months)
    else:
        parts = prayer_parts(entry)
    return Reply(parts=tuple(parts), protect=ctx.settings.protect_content)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + " …"
