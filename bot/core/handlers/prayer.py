"""The "I prayed" button: one anonymous count per chat, prayer point and day."""

from __future__ import annotations

from bot.catalog.model import Prayer
from bot.core.context import Context
from bot.core.messages import t, tn
from bot.core.reply import Reply
from bot.core.views import NAMED_SUFFIX, prayed_button


async def prayed(ctx: Context, value: str) -> Reply:
    """Count the press once a day and show how many chats prayed for it today."""
    prayer_id = value.removesuffix(NAMED_SUFFIX)
    entry = ctx.catalog.entry(prayer_id)
    if not isinstance(entry, Prayer):
        return Reply(notice=t("prayed.unknown"))
    day = await ctx.today()
    counted, total = await ctx.store.record_prayer(ctx.request.address, prayer_id, day)
    notice = tn("prayed.thanks", total) if counted else t("prayed.again")
    button = prayed_button(entry, total, named=value.endswith(NAMED_SUFFIX))
    return Reply(update=button, notice=notice)
