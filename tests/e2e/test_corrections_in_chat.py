"""An operator corrects a brief from chat while `briefbot run` is SIGKILLed half-way through.

The whole bot runs as operators run it, in a subprocess with the shipped settings, against
FakeBotApi holding sends and edits to 30 a second and one a second per chat. 300 chats get the
day's digest; the editors retitle a brief every digest carried; the operator sends /reload
(which says how many messages the change reaches), /correct with its confirmation button and
/stats (which shows the correction under way). The bot is killed with the edits part-done and
started again: every message ends corrected, each changed once. An edit repeated after the
kill (accepted by Telegram, not yet recorded) changes nothing: the fake answers "message is
not modified", as Telegram does, and such repeats are at most the edits in flight (8).
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import yaml

from bot.domain.clock import SystemClock
from bot.store import Store
from tests.e2e.conftest import OPERATOR
from tests.e2e.correction_helpers import NEW_TITLE, queue_rows, retitle
from tests.e2e.correction_helpers import content as content  # the fixture: a copy to edit
from tests.e2e.delivery_helpers import digest_counts
from tests.e2e.delivery_process import BotProcess, write_config
from tests.e2e.test_delivery_crash import CONCURRENCY, TOKEN, subscribers_due_now
from tests.e2e.test_sent_records import records
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # real rates, SIGKILL and a restart

CHATS = 300
KILL_AFTER = 120  # corrected messages when the bot is killed


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
        yield api


def _operated_config(tmp_path: Path, api: FakeBotApi, content: Path) -> Path:
    """The shipped settings, with this content copy and OPERATOR listed."""
    path = write_config(tmp_path, api, tick_seconds=1)
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["content_dir"] = str(content)
    config["telegram"]["operators"] = [OPERATOR.id]
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def _said(api: FakeBotApi, text: str) -> dict:
    """Post `text` as the operator; the bot's one new message in reply."""
    before = len(api.sent_to(OPERATOR.id, edits=False))
    api.send_text(OPERATOR.chat, OPERATOR, text)
    [reply] = (await api.wait_for_messages(OPERATOR.id, before + 1, timeout=10))[before:]
    return reply


def _corrected(api: FakeBotApi, chat_ids: list[int]) -> int:
    return sum(1 for chat in chat_ids if any(m["edited"] for m in api.sent_to(chat)))


async def test_a_correction_confirmed_in_chat_survives_a_kill_and_edits_each_message_once(
    api: FakeBotApi,
    tmp_path: Path,
    content: Path,
    processes: Callable[[Path], BotProcess],
) -> None:
    config = _operated_config(tmp_path, api, content)
    database = tmp_path / "bot.sqlite3"
    chat_ids = await subscribers_due_now(database, CHATS)
    first = processes(config)
    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=30)
    async with await Store.open(database, SystemClock()) as store:
        [record, *_] = await records(store)
    brief_id = record["entries"].split(",")[0].split("@")[0]
    old_title = retitle(content, brief_id, NEW_TITLE)

    reloaded = await _said(api, "/reload")
    assert f"{brief_id}: {CHATS} messages" in reloaded["text"]
    assert reloaded["text"].endswith("send /correct ID; to take an entry back, /withdraw ID.")
    asked = await _said(api, f"/correct {brief_id}")
    [[confirm], [cancel]] = asked["reply_markup"]["inline_keyboard"]
    assert f"corrects '{brief_id}' in {CHATS} messages already sent" in asked["text"]
    assert "forwarded" in asked["text"]  # what a correction cannot reach, said before
    assert (confirm["text"], cancel["text"]) == (f"Correct {CHATS} messages", "Cancel")
    assert len(confirm["callback_data"].encode()) <= 64
    assert _corrected(api, chat_ids) == 0  # asking changed nothing

    query = api.press(OPERATOR.chat, OPERATOR, asked["message_id"], confirm["callback_data"])
    await api.wait_for(lambda: query in api.callback_answers, timeout=10)
    assert api.callback_answers[query]["text"].startswith(
        f"Correction 1 of '{brief_id}' is queued for {CHATS} messages."
    )
    stats = await _said(api, "/stats")
    assert "Corrections in progress" in stats["text"]
    assert f"1 (correct) '{brief_id}':" in stats["text"]

    await api.wait_for(lambda: _corrected(api, chat_ids) >= KILL_AFTER, timeout=30)
    first.signal(signal.SIGKILL)
    assert await first.wait(timeout=5) == -signal.SIGKILL
    assert _corrected(api, chat_ids) < CHATS - 50, "not killed part-way: this proves less"

    second = processes(config)
    await api.wait_for(lambda: _corrected(api, chat_ids) == CHATS, timeout=40)
    second.signal(signal.SIGTERM)  # a stop finishes and records the edits on the wire
    assert await second.wait(timeout=10) == 0, second.output()
    async with await Store.open(database, SystemClock()) as store:
        rows = await queue_rows(store, "correction")

    for chat in chat_ids:
        [original, *edits] = api.sent_to(chat)
        assert len(edits) == 1, (chat, edits)  # changed once, whatever was repeated
        assert edits[0]["message_id"] == original["message_id"]
        assert NEW_TITLE in edits[0]["text"] and old_title not in edits[0]["text"]
        assert "Corrected by the editors on" in edits[0]["text"]
    attempts = [c for c in api.calls("editMessageText") if c.get("chat_id") in chat_ids]
    assert CHATS <= len(attempts) <= CHATS + CONCURRENCY  # repeats: only edits in flight
    assert api.stats.rate_limited == 0
    assert len(rows) == CHATS and {row["state"] for row in rows} == {"sent"}
