"""Withdrawing an entry from digests already sent in two messages: replaced, or deleted.

The library is the long-digest test's: with four briefs a digest is two Telegram messages,
the four briefs in the first and the prayer point alone in the second. Packed again as a
whole, a digest with one brief withdrawn fits one message; the withdrawal must still edit the
first message in place and leave the second as it was. Deleting, where asked, removes only a
message that shows nothing but the withdrawn entry: here the prayer point's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.bootstrap import live_catalog
from bot.cli import main
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.correction_helpers import SHIPPED, operator_config, queue_rows
from tests.e2e.correction_helpers import clock as clock  # the fixture: minutes after now
from tests.e2e.delivery_helpers import delivering_to, due_minute, seed_due
from tests.e2e.test_delivery_crash import TOKEN
from tests.e2e.test_delivery_long_digest import write_library
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # the fake holds edits to Telegram's rates

CHATS = [41_001, 41_002]
WITHDRAWN = "Report 2: prices & punishments <in> the north"
NOTICE = "The editors withdrew this item on"


async def test_a_withdrawal_replaces_the_entry_in_its_part_or_deletes_a_part_it_holds_alone(
    tmp_path: Path, store: Store, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    content = write_library(tmp_path / "content")
    config = operator_config(tmp_path, content)
    await seed_due(store, CHATS, due_minute(clock.now()))
    async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
        catalog = live_catalog(content)
        async with delivering_to(
            api, store, catalog, clock, limits=SHIPPED, max_briefs=4, style="full"
        ) as delivery:
            await delivery.tick_and_drain(timeout=30)
            sent = {chat: api.sent_to(chat) for chat in CHATS}
            assert all(len(messages) == 2 for messages in sent.values())
            assert WITHDRAWN in sent[CHATS[0]][0]["text"]
            capsys.readouterr()

            replaced = await asyncio.to_thread(
                main, ["withdraw", "long-2", "--yes", "--config", config]
            )
            deleted = await asyncio.to_thread(
                main, ["withdraw", "pray-long", "--delete", "--yes", "--config", config]
            )
            out = capsys.readouterr().out

        assert replaced == deleted == 0, out
        assert api.stats.rate_limited == 0
    for chat in CHATS:
        [first, second] = sent[chat]
        now = api.sent_to(chat)
        edits = [m for m in now if m["edited"]]
        assert [m["message_id"] for m in edits] == [first["message_id"]]  # part 1, once
        [edit] = edits
        assert WITHDRAWN not in edit["text"] and NOTICE in edit["text"]
        others = [f"Report {n}: prices & punishments <in> the north" for n in (1, 3, 4)]
        assert all(title in edit["text"] for title in others)  # the rest as it was sent
        assert api.message(chat, second["message_id"]) is None  # the prayer point's, deleted
    deletes = api.calls("deleteMessage")
    assert sorted(c["chat_id"] for c in deletes) == CHATS
    rows = await queue_rows(store, "correction")
    assert {row["state"] for row in rows} == {"sent"}
    assert len(rows) == 2 * 2 * len(CHATS)  # each withdrawal visits both parts of each digest
