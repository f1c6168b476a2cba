"""A message as it was sent, rendered again with one entry corrected or withdrawn.

A correction changes one entry and nothing else a reader was shown: the message is rebuilt
from what was recorded when it was sent (its entries by revision, its language and style, its
day, the notes of earlier corrections), the corrected entry is swapped for its new revision,
and a dated note follows it. A withdrawal replaces the entry with the editors' notice. The
count on the "I prayed" button is today's, as the button itself keeps it.

When the corrected text would no longer fit the message it was sent in (the split of a long
digest would change), the withdrawal notice is used instead, and that is reported.

A withdrawal asked to delete deletes a message only where it shows nothing but the withdrawn
entry: a part of a split digest that holds that entry alone, or a message of one entry. Any
other message keeps the rest of what the reader was sent, with the notice in the entry's place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from bot.catalog.model import Brief, Prayer
from bot.catalog.revisions import restore
from bot.core.as_sent import groups, render_as
from bot.core.digest import Digest
from bot.core.messages import use_locale
from bot.core.reply import Reply
from bot.core.views import digest_reply
from bot.domain.queue import (
    CORRECT,
    WITHDRAW,
    Corrected,
    Correction,
    Edit,
    Prepared,
    SentMessage,
)

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

    def reply_of(entries: list[Brief | Prayer], shown: Mapping[str, tuple[str, str]]) -> Reply:
        digest = Digest(
            message.day,  # type: ignore[arg-type]  # checked above
            tuple(e for e in entries if isinstance(e, Brief)),
            next((e for e in entries if isinstance(e, Prayer)), None),
        )
        count = prayed.get((digest.prayer.id, digest.day), 0) if digest.prayer else 0
        reply = digest_reply(digest, count, archive_after, message.style, shown)
        return replace(reply, protect=protect)

    def rendered(entries: list[Brief | Prayer], shown: Mapping[str, tuple[str, str]]) -> list:
        """In the messages it was sent as (`as_sent`); [] when that split cannot hold it."""
        reply = reply_of(entries, shown)
        if grouping is None:
            return list(render(reply))
        return render_as(reply, grouping, render) or []

    with use_locale(message.language):
        # The split is the one it was first sent in, before any correction (notes) changed it.
        first = reply_of(sent, {})
        grouping = groups(first, list(render(first)), render) if message.parts > 1 else None
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
    remove = correction.remove and correction.action == WITHDRAW
    if remove:
        with use_locale(message.language):
            remove = not _holds_others(message, correction, before, lambda n: rendered(sent, n))
    if remove:
        corrected = replace(corrected, deleted=True)
    return Prepared(
        messages=(target,), edit=message.message_id, remove=remove, corrected=corrected
    )


def _holds_others(
    message: SentMessage,
    correction: Correction,
    before: list,
    rendered: Callable[[Mapping[str, tuple[str, str]]], list],
) -> bool:
    """Whether the message's part shows any entry besides the withdrawn one: an entry does
    if withdrawing it too would change this part (its text or its buttons). Deleting the part
    would take those from the reader; entries already withdrawn do not count."""
    part = message.part - 1
    for entry_id, _ in message.entries:
        if entry_id == correction.entry_id:
            continue
        notes = {**message.notes, entry_id: (WITHDRAW, str(correction.noted_on))}
        other = rendered(notes)
        if len(other) != message.parts or other[part] != before[part]:
            return True
    return False
