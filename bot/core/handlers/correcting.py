"""/correct and /withdraw: an operator fixes or takes back an entry already sent, in chat.

The command only asks: its reply says how many messages the correction will touch and what
it cannot reach, and the buttons queue it (the running bot applies it, as for `briefbot
correct`). A button holds the entry's short key, never its id, so any id fits Telegram's 64
bytes; a correction's button also holds the start of the revision it brings, so a press after
another reload asks again instead of queueing a text the operator never saw counted.
"""

from __future__ import annotations

from bot.catalog.keys import key_of
from bot.core.context import Context
from bot.core.corrections import (
    CorrectionPlan,
    CorrectionRefused,
    describe,
    entry_with_key,
    plan_correction,
    queue_correction,
)
from bot.core.messages import t, tn
from bot.core.reply import Button, Paragraph, Reply, text_reply
from bot.domain.queue import CORRECT, WITHDRAW

CORRECTION_ACTION = "fix:"
CANCEL = "x"
VERBS = {"c": (CORRECT, False), "w": (WITHDRAW, False), "d": (WITHDRAW, True)}
REVISION_SHOWN = 8  # hex digits of the revision a button holds: enough to tell two apart


async def correct(ctx: Context, args: str) -> Reply:
    """/correct ID: what correcting the entry in every copy sent would touch, to confirm."""
    return await _ask(ctx, args, CORRECT)


async def withdraw(ctx: Context, args: str) -> Reply:
    """/withdraw ID: what withdrawing the entry would touch, with replace and delete buttons."""
    return await _ask(ctx, args, WITHDRAW)


async def _ask(ctx: Context, args: str, action: str) -> Reply:
    entry_id = args.strip()
    if not entry_id:
        return text_reply(t(f"correction.missing.{action}"))
    try:
        plan = await plan_correction(ctx.services, entry_id, action)
    except CorrectionRefused as refused:
        return text_reply(str(refused))
    count = plan.messages
    if action == CORRECT:
        buttons = [Button(tn("correction.button.correct", count), _data("c", plan))]
    else:
        buttons = [
            Button(tn("correction.button.withdraw", count), _data("w", plan)),
            Button(t("correction.button.delete"), _data("d", plan)),
        ]
    cancel = Button(t("broadcast.cancel"), f"{CORRECTION_ACTION}{CANCEL}")
    parts = [Paragraph(describe(plan)), Paragraph(t("correction.unreachable"))]
    if action == WITHDRAW:
        parts.append(Paragraph(t("correction.delete.when")))
    return Reply(parts=tuple(parts), buttons=(tuple(buttons), (cancel,)))


async def decide(ctx: Context, value: str) -> Reply:
    """A button of `_ask` was pressed: queue the correction as planned now, or drop it."""
    verb, _, rest = value.partition(":")
    shown_revision, _, key = rest.partition(":")
    if verb == CANCEL:
        return _replaced(t("correction.cancelled"))
    if verb not in VERBS or not key:
        return Reply(notice=t("button.expired"))
    action, remove = VERBS[verb]
    entry_id = await entry_with_key(ctx.services, key)
    if entry_id is None:
        return _replaced(t("correction.gone"))
    try:
        plan = await plan_correction(ctx.services, entry_id, action)
    except CorrectionRefused as refused:
        return _replaced(str(refused))
    if plan.revision[:REVISION_SHOWN] != shown_revision:
        return _replaced(t("correction.changed", id=entry_id))
    correction_id, queued = await queue_correction(ctx.services, plan, remove)
    ctx.services.queued.set()
    return _replaced(tn("correction.queued", queued, id=entry_id, number=correction_id))


def _data(verb: str, plan: CorrectionPlan) -> str:
    """Button data: 'fix:<verb>:<revision start>:<entry key>', at most 26 bytes."""
    return f"{CORRECTION_ACTION}{verb}:{plan.revision[:REVISION_SHOWN]}:{key_of(plan.entry_id)}"


def _replaced(sentence: str) -> Reply:
    """The question is replaced by what became of it, so its buttons cannot be pressed twice."""
    return Reply(parts=text_reply(sentence).parts, edit=True, notice=sentence)
