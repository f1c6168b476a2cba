"""Rendering a sent message again for a correction: only the corrected entry changes, a
withdrawal leaves the editors' notice, and deleting is chosen only where the message holds
nothing else. Rendered as the console shows replies, so the text can be read directly."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.catalog.revisions import revision, snapshot
from bot.core.digest import Digest
from bot.core.recompose import prepare_edit
from bot.core.reply import Reply
from bot.core.views import digest_reply
from bot.domain.queue import CORRECT, DIGEST, WITHDRAW, Correction, Edit, SentMessage
from bot.render.telegram_html import render
from tests.builders import brief, prayer

DAY = date(2026, 12, 1)
NOTED = date(2026, 12, 3)


def _render(reply: Reply) -> list[tuple[str, tuple]]:
    """Telegram's texts, the buttons on the last one (as the sender puts them)."""
    texts = render(reply)
    return [(text, reply.buttons if n == len(texts) else ()) for n, text in enumerate(texts, 1)]


def _edit(
    action: str,
    entries: list,
    changed=None,
    remove: bool = False,
    part: int = 1,
    parts: int = 1,
    style: str = "short",
) -> Edit:
    bodies = {revision(snapshot(e)): snapshot(e) for e in entries}
    new_revision = ""
    if changed is not None:
        new_revision = revision(snapshot(changed))
        bodies[new_revision] = snapshot(changed)
    message = SentMessage(
        pk=7,
        message_id="99",
        job=DIGEST,
        key=DAY.isoformat(),
        part=part,
        parts=parts,
        language="en",
        style=style,
        sent_at=datetime(2026, 12, 1, 7, tzinfo=UTC),
        entries=tuple((e.id, revision(snapshot(e))) for e in entries),
        notes={},
    )
    correction = Correction(1, entries[0].id, action, new_revision, remove, NOTED)
    return Edit(correction, message, bodies)


def test_a_correction_changes_its_entry_and_adds_a_dated_note() -> None:
    first, other, point = brief("a", title="Old title"), brief("b"), prayer("p")
    fixed = replace(first, title="New title")
    prepared = prepare_edit(_edit(CORRECT, [first, other, point], fixed), {}, _render, 12, False)
    [(text, _)] = prepared.messages
    assert "New title" in text and "Old title" not in text
    assert "Title of b" in text and "Pray for p." in text
    assert "Corrected by the editors on Thursday 3 December 2026" in text
    assert prepared.edit == "99" and not prepared.remove
    assert prepared.corrected is not None and prepared.corrected.revision == revision(
        snapshot(fixed)
    )
    assert prepared.corrected.notes == {"a": (CORRECT, "2026-12-03")}


def test_a_withdrawal_leaves_the_notice_and_drops_the_entrys_button() -> None:
    gone, other, point = brief("a", title="Unsafe title"), brief("b"), prayer("p")
    prepared = prepare_edit(
        _edit(WITHDRAW, [gone, other, point], remove=True), {}, _render, 12, False
    )
    [(text, buttons)] = prepared.messages
    assert "Unsafe title" not in text and "The editors withdrew this item on" in text
    assert "Unsafe title" not in str(buttons) and "Title of b" in str(buttons)
    assert not prepared.remove  # the message holds other entries: the notice, not a deletion


def test_only_a_message_holding_the_entry_alone_may_be_deleted() -> None:
    alone = prayer("p")
    prepared = prepare_edit(_edit(WITHDRAW, [alone], remove=True), {}, _render, 12, False)
    assert prepared.remove and prepared.corrected is not None and prepared.corrected.deleted


def test_a_correction_that_changes_nothing_here_sends_nothing() -> None:
    first, point = brief("a"), prayer("p")
    same_text = replace(first, link="https://example.org/a")  # not shown in the short style
    prepared = prepare_edit(_edit(CORRECT, [first, point], same_text), {}, _render, 12, False)
    assert prepared.unchanged and not prepared.messages  # no edit, no note
    assert prepared.corrected is not None and prepared.corrected.notes == {}


def test_a_part_of_a_split_digest_holding_the_entry_alone_may_be_deleted() -> None:
    long = "A long account of what happened at the border. " * 70  # about 3,400 characters
    first, second = brief("a", summary=long), brief("b", summary=long)
    entries = [first, second, prayer("p")]
    whole = _render(replace(_digest(entries), buttons=()))
    assert len(whole) == 3  # the title with a; b alone; the prayer point with its button

    def withdrawn(gone, part: int, remove: bool = True):
        edit = _edit(WITHDRAW, entries, remove=remove, part=part, parts=3, style="full")
        edit = replace(edit, correction=replace(edit.correction, entry_id=gone.id))
        return prepare_edit(edit, {}, _render, 12, False)

    assert withdrawn(second, part=2).remove  # part 2 shows b and nothing else
    assert withdrawn(first, part=1).remove  # the day's title goes with it, nothing else
    assert withdrawn(entries[2], part=3).remove  # the prayer's own button goes with it


def test_a_withdrawal_in_a_split_digest_edits_its_own_part_and_no_other() -> None:
    """Packed again as a whole, the shorter digest would need two messages, not three:
    the withdrawal is rendered in the split it was sent in."""
    long = "A long account of what happened at the border. " * 70
    entries = [brief("a", summary=long), brief("b", summary=long), prayer("p")]
    sent = _render(_digest(entries))

    def withdrawn(part: int):
        edit = _edit(WITHDRAW, entries, part=part, parts=3, style="full")
        edit = replace(edit, correction=replace(edit.correction, entry_id="b"))
        return prepare_edit(edit, {}, _render, 12, False)

    [(text, _)] = withdrawn(2).messages
    assert text.startswith("The editors withdrew this item on") and "border" not in text
    assert withdrawn(1).unchanged and withdrawn(3).unchanged  # a and the prayer stay as sent
    assert withdrawn(2).corrected is not None and withdrawn(2).corrected.fitted
    assert len(sent) == 3


def _digest(entries: list) -> Reply:
    briefs = tuple(e for e in entries if e.id != "p")
    return digest_reply(Digest(DAY, briefs, entries[-1]), 0, 12, "full")
