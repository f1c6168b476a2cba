"""The "I prayed" button: one anonymous count per person, chat, prayer point and day.

The button's data carries the day of the message it is on and the prayer's short key
(`views.prayed_button`). A press counts for that day, so a chat that changes time zone between
two presses is still counted once, and only for that day's own prayer point as this chat got
it: data made up by hand cannot count any other prayer in the library, or a day long gone.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.catalog.model import Prayer
from bot.core.context import Context
from bot.core.daily import digest_for
from bot.core.messages import t, tn
from bot.core.people import person_of
from bot.core.reply import Reply
from bot.core.views import DAY_FORMAT, prayed_button

# Presses count for today and yesterday (a digest read after midnight); who prayed what is
# kept two days, so older days could not be counted once each anyway.
DAYS_OPEN = 2


async def prayed(ctx: Context, value: str) -> Reply:
    """Count the press once per person for its day and show how many prayed for it then."""
    today = await ctx.today()
    day, prayer = _pressed(ctx, value, today)
    if prayer is None:
        return Reply(notice=t("prayed.unknown"))
    if day is None or not 0 <= (today - day).days < DAYS_OPEN:
        return Reply(notice=t("prayed.other_day"))
    chat = await ctx.ensure_chat()  # the count is kept only for a chat that exists
    shown = await digest_for(ctx.store, ctx.catalog, chat, day, ctx.settings.max_briefs)
    if shown.prayer != prayer:
        return Reply(notice=t("prayed.other_day"))
    person = person_of(ctx.services.prayer_key, ctx.request.address.platform, ctx.request.user_id)
    counted, total = await ctx.store.record_prayer(ctx.request.address, prayer.id, day, person)
    notice = tn("prayed.thanks", total) if counted else t("prayed.again")
    return Reply(update=prayed_button(prayer, total, day), notice=notice)


def _pressed(ctx: Context, value: str, today: date) -> tuple[date | None, Prayer | None]:
    """The day and prayer a button names: "20261203:<key>", or an older message's bare
    prayer id (which meant today)."""
    day_text, _, key = value.partition(":")
    if not key:
        entry = ctx.catalog.entry(value)
        return today, entry if isinstance(entry, Prayer) else None
    try:
        day = datetime.strptime(day_text, DAY_FORMAT).date()
    except ValueError:
        day = None
    return day, ctx.catalog.prayer_by_key(key)
