"""Putting one message of a job on the wire: a send, or a correction's edit or deletion.

A withdrawal that may delete its message asks the platform to delete it first; where the
platform no longer allows it (Telegram: 48 hours after sending) the notice replaces the
entry instead, and what is recorded says which of the two happened.
"""

from __future__ import annotations

from dataclasses import replace

from bot.delivery.outcomes import Failed, Outcome
from bot.delivery.ports import PlatformSender
from bot.domain.queue import Prepared


async def put(
    sender: PlatformSender, chat_id: str, prepared: Prepared, message: object
) -> tuple[Outcome, Prepared]:
    """The platform's answer, and the job as it now stands (a deletion may have become an
    edit)."""
    if not prepared.edit:
        return await sender.send(chat_id, message), prepared
    if prepared.remove:
        outcome = await sender.delete(chat_id, prepared.edit)
        if not isinstance(outcome, Failed):
            return outcome, prepared
        corrected = prepared.corrected and replace(prepared.corrected, deleted=False)
        prepared = replace(prepared, remove=False, corrected=corrected)
    return await sender.edit(chat_id, prepared.edit, message), prepared
