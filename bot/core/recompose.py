"""A message as it was sent, rendered again with one entry corrected or withdrawn.

A correction changes one entry and nothing else a reader was shown: the message is rebuilt
from what was recorded when it was sent (its entries by revision, its language and style, its
day, the notes of earlier corrections), the corrected entry is swapped for its new revision,
and a dated note follows it. A withdrawal replaces the entry with the editors' notice. The
count on the "I prayed" button is today's, as the button itself keeps it.

When the corrected text would no longer fit the message it was sent in (the split of a long
digest would change), the withdrawal notice is used instead, and that is reported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.catalog.model import Brief, Prayer
from bot.catalog.revisions import restore
from bot.core.digest import Digest
from bot.core.messages import use_locale
from bot.core.reply import Reply
from bot.core.views import digest_reply
from bot.domain.queue import CORRECT, WITHDRAW, Corrected, Edit, Prepared

log = logging.getLogger(__name__)

Render = Callable[[Reply], Sequence[object]]


def prepare_edit(
    edit: Edit | None,
    prayed: Mapping[tuple[str, date], int],
    render: Render,
    archive_after: int,
    protect: bool,
) -> Prepared:
    """The edit of one recorded message, or `unchanged` when it has nothing to change."""
    if edit is None or edit.message.day is None:
        return Prepared(unchanged=True)  # its record was pruned, or it carried no entries
    message, correction = edit.message, edit.correction
    sent = [restore(edit.bodies[rev]) for _, rev in message.entries if rev in edit.bodies]
    revision = dict(message.entries).get(correction.entry_id, "")
    notes = {**message.notes, correction.entry_id: (correction.action, str(correction.noted_on))}
    now = sent
    if correction.action == CORRECT:
        new = restore(edit.bodies[correction.revision])
        now = [new if entry.id == new.id else entry for entry in sent]
        revision = correction.revision

    def rendered(entries: list[Brief | Prayer], shown: Mapping[str, tuple[str, str]]) -> list:
        digest = Digest(
            message.day,  # type: ignore[arg-type]  # checked above
            tuple(e for e in entries if isinstance(e, Brief)),
            next((e for e in entries if isinstance(e, Prayer)), None),
        )
        count = prayed.get((digest.prayer.id, digest.day), 0) if digest.prayer else 0
        reply = digest_reply(digest, count, archive_after, message.style, shown)
        return list(render(replace(reply, protect=protect)))

    with use_locale(message.language):
        before = rendered(sent, message.notes)
        if correction.action == CORRECT and rendered(now, message.notes) == before:
            # The change is not shown in this message (a field its style leaves out): no
            # edit and no note, but the copy is up to date now.
            same = Corrected(message.pk, correction.entry_id, revision, message.notes)
            return Prepared(unchanged=True, corrected=same)
        after = rendered(now, notes)
        fitted = len(after) == message.parts
        if not fitted:
            log.warning(
                "correction %d: the corrected %s no longer fits its message; "
                "the withdrawal notice replaces it there",
                correction.id,
                correction.entry_id,
            )
            notes[correction.entry_id] = (WITHDRAW, str(correction.noted_on))
            after = rendered(sent, notes)
            revision = dict(message.entries).get(correction.entry_id, "")
    corrected = Corrected(message.pk, correction.entry_id, revision, notes, fitted=fitted)
    if len(after) != message.parts:
        return Prepared(unchanged=True, corrected=corrected)
    target = after[message.part - 1]
    if len(before) == message.parts and before[message.part - 1] == target:
        return Prepared(unchanged=True, corrected=corrected)
    remove = correction.remove and correction.action == WITHDRAW and len(message.entries) == 1
    if remove:
        corrected = replace(corrected, deleted=True)
    return Prepared(
        messages=(target,), edit=message.message_id, remove=remove, corrected=corrected
    )
