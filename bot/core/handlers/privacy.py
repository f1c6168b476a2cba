"""/forget: deleting everything stored about a chat, after an explicit confirmation."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import t
from bot.core.reply import Button, Reply, text_reply

FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"


async def forget(ctx: Context, args: str) -> Reply:
    """Ask before deleting: the button is the confirmation."""
    buttons = ((Button(t("forget.confirm"), FORGET_YES), Button(t("forget.cancel"), FORGET_NO)),)
    return text_reply(t("forget.ask"), buttons=buttons)


async def confirm(ctx: Context, answer: str) -> Reply:
    """Carry out (or drop) the deletion and replace the question with the outcome."""
    if answer != "yes":
        return Reply(parts=text_reply(t("forget.cancelled")).parts, edit=True)
    existed = await ctx.store.forget(ctx.request.address)
    ctx.remember(None)
    sentence = t("forget.done") if existed else t("forget.nothing")
    return Reply(parts=text_reply(sentence).parts, edit=True, notice=sentence)
