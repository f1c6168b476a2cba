"""What a correction reaches: only the language whose text changed, and only the latest fix.

Four chats get the day's digest, two in English and two in Korean, from the engine on a real
`telegram.Bot` against FakeBotApi. A fix to the Korean title edits the Korean copies alone.
Two fixes queued one after the other while no bot runs coalesce: the second supersedes the
first, and each message is edited once, to the latest text; a chat that /forgets meanwhile
takes its rows along, and the correction still ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.bootstrap import live_catalog, load_content
from bot.cli import main
from bot.domain.chat import Address
from bot.domain.clock import FakeClock
from bot.store import Store, chats
from bot.store.outbox import Outbox
from tests.e2e.correction_helpers import NEW_TITLE, operator_config, queue_rows, retitle
from tests.e2e.correction_helpers import clock as clock  # fixtures
from tests.e2e.correction_helpers import content as content
from tests.e2e.delivery_helpers import PLATFORM, delivering_to, due_minute, seed_due
from tests.e2e.test_delivery_crash import TOKEN
from tests.e2e.test_sent_records import records
from tests.fakes.telegram_api import FakeBotApi

ENGLISH, KOREAN = [42_001, 42_002], [42_003, 42_004]
NEW_KOREAN_TITLE = "편집진이 고친 제목"
KEPT, GONE = ENGLISH  # GONE sends /forget while a correction waits for the bot


@dataclass
class Sent:
    """The day's digest delivered to every chat, each in its language, and the operator's
    config; `brief_id` is the digest's first brief."""

    api: FakeBotApi
    brief_id: str
    config: str


@pytest.fixture
async def sent(
    tmp_path: Path, content: Path, store: Store, clock: FakeClock
) -> AsyncIterator[Sent]:
    await seed_due(store, ENGLISH + KOREAN, due_minute(clock.now()))
    async with store.db.write() as connection:
        for chat in KOREAN:
            address = Address(PLATFORM, str(chat))
            await chats.update_chat(connection, address, now=clock.now(), language="ko")
    async with FakeBotApi(TOKEN) as api:
        async with delivering_to(api, store, live_catalog(content), clock) as delivery:
            await delivery.tick_and_drain()
        [record, *_] = await records(store)
        brief_id = record["entries"].split(",")[0].split("@")[0]
        yield Sent(api, brief_id, operator_config(tmp_path, content))


def _edited(api: FakeBotApi, chat: int) -> list[dict]:
    return [message for message in api.sent_to(chat) if message["edited"]]


async def _correct(config: str, entry_id: str, *options: str) -> int:
    """`briefbot correct ENTRY --yes`, as the operator runs it, beside the test's loop."""
    arguments = ["correct", entry_id, "--yes", *options, "--config", config]
    return await asyncio.to_thread(main, arguments)


async def test_a_fix_to_the_korean_text_edits_only_the_korean_copies(
    sent: Sent,
    content: Path,
    store: Store,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api, brief_id = sent.api, sent.brief_id
    entry = live_catalog(content).current.entry(brief_id)
    assert entry is not None
    old = dict(entry.translations[0].texts)["title"]
    path, _ = load_content(content).locations[brief_id]
    path.write_text(path.read_text("utf-8").replace(old, NEW_KOREAN_TITLE), "utf-8")
    assert old in api.sent_to(KOREAN[0])[0]["text"]
    capsys.readouterr()
    async with delivering_to(api, store, live_catalog(content), clock):
        code = await _correct(sent.config, brief_id)
    out = capsys.readouterr().out

    assert code == 0, out
    assert "in 2 messages already sent (한국어)" in out and "Done: 2 edited" in out
    for chat in KOREAN:
        [edit] = _edited(api, chat)
        assert NEW_KOREAN_TITLE in edit["text"] and old not in edit["text"]
        assert "편집진이" in edit["text"]  # the note, in the reader's language
    assert all(_edited(api, chat) == [] for chat in ENGLISH)


async def test_a_second_fix_before_the_first_ran_supersedes_it(
    sent: Sent,
    content: Path,
    store: Store,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api, brief_id = sent.api, sent.brief_id
    first = retitle(content, brief_id, "A first fix, soon found wrong")
    codes = [await _correct(sent.config, brief_id, "--no-wait")]
    retitle(content, brief_id, NEW_TITLE)
    codes.append(await _correct(sent.config, brief_id, "--no-wait"))
    [running] = await Outbox(store.db, clock).running_corrections()
    assert await store.forget(Address(PLATFORM, str(GONE)))  # its rows go with it
    async with delivering_to(api, store, live_catalog(content), clock) as delivery:
        await delivery.engine.run_until_idle(timeout=10)
    out = capsys.readouterr().out

    assert codes == [0, 0], out
    assert (running.correction.id, running.messages) == (2, 2)  # the latest, the 2 en copies
    [edit] = _edited(api, KEPT)  # once, to the latest
    assert NEW_TITLE in edit["text"] and first not in edit["text"]
    assert _edited(api, GONE) == []
    rows = await queue_rows(store, "correction")
    assert sorted(row["state"] for row in rows) == ["sent", "skipped"]
    assert [row["reason"] for row in rows if row["state"] == "skipped"] == [
        "superseded by a later correction"
    ]
    # One of its two messages is gone with its chat: the correction is over all the same.
    assert await Outbox(store.db, clock).running_corrections() == []


def test_a_correction_with_no_database_yet_says_so_and_creates_none(
    tmp_path: Path, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = operator_config(tmp_path, content)

    code = main(["correct", "2019-06-sent-back-from-china", "--yes", "--config", config])

    assert code == 1
    assert "no database at" in capsys.readouterr().out
    assert not (tmp_path / "bot.sqlite3").exists()
