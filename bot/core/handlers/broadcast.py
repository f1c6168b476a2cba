"""/broadcast: an operator's message to every subscriber, through the same queue and limits.

The text is saved as a draft first and only queued when the operator presses the confirmation
button, which shows how many chats it will reach.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.messages import t, tn
from bot.core.reply import Button, Paragraph, Reply, text_reply

SEND = "broadcast:send:"
CANCEL = "broadcast:cancel:"
MAX_TEXT = 3500
MAX_ID_DIGITS = 18  # row ids stay well inside SQLite's 64-bit integers


async def broadcast(ctx: Context, args: str) -> Reply:
    """Draft a broadcast and ask for confirmation."""
    text = args.strip()
    if not text:
        return text_reply(t("broadcast.missing"))
    draft, count = await ctx.services.outbox.draft_broadcast(text, ctx.services.platforms)
    buttons = (
        (
            Button(t("broadcast.confirm", count=count), f"{SEND}{draft}"),
            Button(t("broadcast.cancel"), f"{CANCEL}{draft}"),
        ),
    )
    return Reply(parts=(Paragraph(tn("broadcast.ask", count)), Paragraph(text)), buttons=buttons)


async def decide(ctx: Context, value: str) -> Reply:
    """The operator pressed Send or Cancel on a draft."""
    verb, _, number = value.partition(":")
    if not (number.isascii() and number.isdecimal()) or len(number) > MAX_ID_DIGITS:
        return Reply(notice=t("button.expired"))
    outbox = ctx.services.outbox
    if verb == "cancel":
        done = await outbox.cancel_broadcast(int(number))
        sentence = t("broadcast.cancelled") if done else t("broadcast.gone")
        return Reply(parts=text_reply(sentence).parts, edit=True, notice=sentence)
    count = await outbox.confirm_broadcast(int(number), ctx.services.platforms)
    if count is None:
        return Reply(parts=text_reply(t("broadcast.gone")).parts, edit=True)
    ctx.services.queued.set()
    sentence = tn("broadcast.queued", count)
    return Reply(parts=text_reply(sentence).parts, edit=True, notice=sentence)
