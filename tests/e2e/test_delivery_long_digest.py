"""A digest longer than one Telegram message, delivered over real HTTP.

The library here is written for the test: eight briefs of the longest allowed summary, full of
characters HTML must escape, so eight of them make a digest of three messages. FakeBotApi
parses the HTML as Telegram does and refuses anything malformed or over 4,096 characters,
so a delivered digest also proves the rendering valid; it holds the engine to Telegram's
per-chat pace as well, answering 429 to a message that comes too soon after the last one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.bootstrap import live_catalog
from bot.catalog.keys import key_of
from bot.delivery.ports import Limits
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.delivery_helpers import (
    DIGEST_TITLE,
    delivering_to,
    due_minute,
    outbox_rows,
    seed_due,
)
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # the fake refuses a part sent within a chat's second

BRIEFS = 8
# Markup is refused by the loader, so the tricky part is what plain text may hold: &, < and >.
TRICKY = 'Rice & salt cost << more >> than "wages"; 5 < 7 & 9 > 3, said one <3 reader.'
LINK = "https://example.org/report?id=7&lang=en"
CHATS = [2001, 2002]


def summary(n: int) -> str:
    words = f"{TRICKY} Witnesses in the northern provinces describe brokers, fees and border "
    words += "crossings at night. " * 8
    words += f"Account {n}."
    assert len(words.split()) <= 120
    return words


def write_library(root: Path) -> Path:
    """A valid library whose whole digest needs three messages."""
    (root / "briefs").mkdir(parents=True)
    (root / "prayers").mkdir()
    topic = {"slug": "defectors", "title": "Defectors", "description": "People who flee."}
    (root / "topics.yaml").write_text(yaml.safe_dump([topic]), encoding="utf-8")
    briefs = [
        {
            "id": f"long-{n}",
            "title": f"Report {n}: prices & punishments <in> the north",
            "summary": summary(n),
            "date": "2024-09",
            "topics": ["defectors"],
            "sources": ["Daily NK & partners"],
            "link": LINK,
        }
        for n in range(1, BRIEFS + 1)
    ]
    (root / "briefs" / "long.yaml").write_text(yaml.safe_dump(briefs), encoding="utf-8")
    prayer = {"id": "pray-long", "title": "For <all> of them", "text": TRICKY}
    prayer["topics"] = ["defectors"]
    (root / "prayers" / "defectors.yaml").write_text(yaml.safe_dump([prayer]), encoding="utf-8")
    return root


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(per_chat_rate=1.25) as api:  # a 0.8 s window: some network slack
        yield api


async def test_a_long_digest_arrives_as_ordered_valid_messages_with_the_button_on_the_last(
    api: FakeBotApi, store: Store, clock: FakeClock, tmp_path: Path
):
    catalog = live_catalog(write_library(tmp_path / "content"))
    await seed_due(store, CHATS, due_minute(clock.now()))
    telegram_pace = Limits(per_second=30.0, chat_interval=1.0)
    async with delivering_to(
        api, store, catalog, clock, limits=telegram_pace, max_briefs=BRIEFS, style="full"
    ) as delivery:
        await delivery.tick_and_drain()

    assert api.stats.rate_limited == 0
    assert api.sent_to(CHATS[0])[0]["text"] == api.sent_to(CHATS[1])[0]["text"]  # same day
    for chat_id in CHATS:
        messages = api.sent_to(chat_id)
        rendered = [a.message.text for a in delivery.sender.attempts if a.chat_id == str(chat_id)]
        assert [m["source"] for m in messages] == rendered  # all parts, once, in order
        assert len(messages) == 3
        first, *_, last = messages
        assert first["text"].startswith(DIGEST_TITLE + "Monday 23 November 2026")
        text = "\n".join(m["text"] for m in messages)
        titles = [f"Report {n}: prices & punishments <in> the north" for n in range(1, 9)]
        assert all(text.count(title) == 1 for title in titles)
        assert text.count(TRICKY) == BRIEFS + 1  # escaped on the way, read back verbatim
        links = [e["url"] for m in messages for e in m["entities"] if e["type"] == "text_link"]
        assert links == [LINK] * BRIEFS
        assert "Prayer point" in last["text"] and "For <all> of them" in last["text"]
        assert [m["reply_markup"] is None for m in messages] == [True, True, False]
        [[button]] = last["reply_markup"]["inline_keyboard"]
        assert button["text"] == "🙏 I prayed"
        assert button["callback_data"].endswith(f":{key_of('pray-long')}")
        assert all(m["parse_mode"] == "HTML" for m in messages)
    rows = await outbox_rows(store)
    assert [(r["state"], r["parts_sent"]) for r in rows.values()] == [("sent", 3)] * len(CHATS)
