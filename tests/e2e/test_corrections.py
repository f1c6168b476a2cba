"""Corrections and withdrawals reach every copy already sent, once, within Telegram's limits.

300 chats get the morning's digest from the engine on a real `telegram.Bot` over HTTP against
FakeBotApi, which holds sends and edits to 30 a second and one a second per chat. The editors
then fix a brief in a copy of the shipped library and the operator runs `briefbot correct`,
which queues the edits and follows them while the engine, still running, applies them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.bootstrap import load_content
from bot.catalog.live import LiveCatalog
from bot.cli import main
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.correction_helpers import (
    NEW_TITLE,
    SHIPPED,
    operator_config,
    queue_rows,
    retitle,
)
from tests.e2e.correction_helpers import clock as clock  # fixtures
from tests.e2e.correction_helpers import content as content
from tests.e2e.delivery_helpers import delivering_to, due_minute, seed_due
from tests.e2e.test_delivery_crash import TOKEN
from tests.e2e.test_sent_records import records
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # the fake enforces Telegram's real rates

CHATS = list(range(40_000, 40_300))


def _actions(message: dict) -> list[list[str]]:
    rows = message["reply_markup"]["inline_keyboard"]
    return [[button["callback_data"] for button in row] for row in rows]


async def test_a_correction_edits_every_copy_once_and_keeps_the_buttons(
    tmp_path: Path,
    content: Path,
    store: Store,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = operator_config(tmp_path, content)
    await seed_due(store, CHATS, due_minute(clock.now()))
    catalog = LiveCatalog(content, load=load_content)
    catalog.reload()
    async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
        async with delivering_to(api, store, catalog, clock, limits=SHIPPED) as delivery:
            await delivery.tick_and_drain(timeout=60)
            sent = {chat: api.sent_to(chat) for chat in CHATS}
            assert all(len(messages) == 1 for messages in sent.values())
            [first, *_] = await records(store)
            brief_id = first["entries"].split(",")[0].split("@")[0]
            old_title = retitle(content, brief_id, NEW_TITLE)
            assert old_title in sent[CHATS[0]][0]["text"]
            deleted, blocked = CHATS[1], CHATS[2]
            api.delete_by_reader(deleted, sent[deleted][0]["message_id"])
            api.block(blocked)
            capsys.readouterr()

            code = await asyncio.to_thread(
                main, ["correct", brief_id, "--yes", "--config", config]
            )

            out = capsys.readouterr()
            assert code == 0, out
            assert f"corrects '{brief_id}' in 300 messages already sent (English)" in out.out
            assert "forwarded" in out.out  # what a correction cannot reach, said before
            assert "Done: 298 edited, 2 not reachable" in out.out
            again = await asyncio.to_thread(
                main, ["correct", brief_id, "--yes", "--config", config]
            )
            refused = capsys.readouterr().out
            assert again == 1 and "already sent reads as the library does" in refused
        assert api.stats.rate_limited == 0
    for chat in [CHATS[0], *CHATS[3:]]:
        original, *edits = api.sent_to(chat)
        assert len(edits) == 1, (chat, edits)
        [edit] = edits
        assert edit["edited"] and edit["message_id"] == original["message_id"]
        assert NEW_TITLE in edit["text"] and old_title not in edit["text"]
        assert "Corrected by the editors on" in edit["text"]
        assert _actions(edit) == _actions(original)  # the keyboard is sent again
        assert f"Read more: {NEW_TITLE}" in str(edit["reply_markup"])  # its label corrected
        without_note = [line for line in edit["text"].splitlines() if "Corrected by" not in line]
        assert without_note == original["text"].replace(old_title, NEW_TITLE).splitlines()
    rows = {int(row["chat_id"]): row for row in await queue_rows(store, "correction")}
    assert rows[deleted]["state"] == "skipped" and "not found" in rows[deleted]["reason"]
    assert rows[blocked]["state"] == "failed"
    assert {row["priority"] for row in rows.values()} == {2}  # after the day's digests
    assert sum(1 for row in rows.values() if row["state"] == "sent") == 298
