"""Corrections and withdrawals reach every Discord message already sent, once, with its buttons.

40 server channels get the morning's digest from the engine through the real `DiscordSender`
(discord.py's REST client over HTTP) against FakeDiscord. The editors then fix a brief in a
copy of the shipped library and the operator runs `briefbot correct` or `briefbot withdraw`,
which queue the edits and follow them while the engine, still running, PATCHes (or would
DELETE) each message. The Telegram side of the same story is tests/e2e/test_corrections.py.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot import cli_corrections
from bot.bootstrap import live_catalog
from bot.cli import main
from bot.core.reply import Paragraph, Reply
from bot.delivery.outcomes import Delivered, Unreachable
from bot.domain.clock import FakeClock
from tests.e2e.correction_helpers import NEW_TITLE, operator_config, queue_rows, retitle
from tests.e2e.correction_helpers import clock as clock  # fixtures
from tests.e2e.correction_helpers import content as content
from tests.e2e.delivery_helpers import CONTENT, due_minute
from tests.e2e.discord_delivery_helpers import (
    FIRST_CHANNEL,
    TOKEN,
    Delivery,
    delivering,
    digests,
    server_with_channels,
    subscribe_all,
)
from tests.e2e.discord_fixtures import buttons_of, message_text
from tests.e2e.test_sent_records import records
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timing  # the fake holds each channel to Discord's 5 messages per 5 s

CHANNELS = [FIRST_CHANNEL + n for n in range(40)]
PATCH_ROUTE = "PATCH /channels/{channel_id}/messages/{message_id}"
CORRECTED = "Corrected by the editors on"
WITHDRAWN = "The editors withdrew this item on"
CLI_SECONDS = 20.0  # the command follows the engine: some ten times what 40 edits need


@pytest.fixture(autouse=True)
def _gives_up_soon(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command stops following after 15 s without progress (not a minute), so a stuck
    engine fails the test well within its time."""
    monkeypatch.setattr(cli_corrections, "STALLED_SECONDS", 15.0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN, guilds=(server_with_channels(len(CHANNELS)),)) as fake:
        yield fake


@pytest.fixture
async def delivered(
    fake: FakeDiscord,
    tmp_path: Path,
    clock: FakeClock,
) -> AsyncIterator[Delivery]:
    """The day's digest in every channel, one message each; the engine still running."""
    async with delivering(fake, tmp_path / "bot.sqlite3", clock) as delivery:
        await subscribe_all(delivery.store, CHANNELS, due_minute(clock.now()))
        await delivery.deliver_due(timeout=30)
        assert all(len(digests(fake, channel)) == 1 for channel in CHANNELS)
        assert all(len(fake.messages(channel)) == 1 for channel in CHANNELS)
        yield delivery


async def _carried_by_all(delivery: Delivery) -> list[str]:
    """The ids of the entries that every recorded message carries, briefs first."""
    rows = await records(delivery.store)
    assert len(rows) == len(CHANNELS) and {row["parts"] for row in rows} == {1}
    carried = [{pair.split("@")[0] for pair in row["entries"].split(",")} for row in rows]
    common = set.intersection(*carried)
    briefs = {brief.id for brief in live_catalog(CONTENT).current.library.briefs}
    return sorted(common, key=lambda entry_id: (entry_id not in briefs, entry_id))


async def _run(*argv: str, config: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`briefbot ARGV --yes --config CONFIG`, in a thread while the engine runs; its exit
    code and what it printed."""
    capsys.readouterr()
    command = [*argv, "--yes", "--config", config]
    code = await asyncio.wait_for(asyncio.to_thread(main, command), CLI_SECONDS)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _edits(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    """PATCH requests the fake accepted for messages in the channel."""
    path = f"/channels/{channel}/messages/"
    return [
        r.json
        for r in fake.requests
        if r.route == PATCH_ROUTE and r.path.startswith(path) and r.status == 200
    ]


def _without(text: str, note: str) -> str:
    """`text` without the editors' `note` (a line of its own, or added to a footer's)."""
    return re.sub(rf"(?: · |\n)?{re.escape(note)}[^\n]*", "", text)


def _ids(message: dict[str, Any]) -> list[str]:
    return [custom_id for _, custom_id in buttons_of(message)]


def _embed_of(message: dict[str, Any], title: str) -> int:
    """The index of the embed that shows the entry titled `title`."""
    [at] = [
        i
        for i, embed in enumerate(message["embeds"])
        if message_text({"embeds": [embed]}).startswith(title)
    ]
    return at


def _apart(embeds: list[dict[str, Any]], at: int) -> list[dict[str, Any]]:
    """The embed at `at`, then the others in order."""
    return [embeds[at], *embeds[:at], *embeds[at + 1 :]]


def _read_more(message: dict[str, Any], title: str) -> list[str]:
    """The custom ids of the message's "Read more" buttons labelled with `title` (which a
    long title fills up to Discord's label limit, ending in "…")."""
    found = []
    for label, custom_id in buttons_of(message):
        shown = label.removeprefix("Read more: ")
        if shown == title or (shown.endswith("…") and title.startswith(shown[:-1])):
            found.append(custom_id)
    return found


async def test_a_correction_edits_every_discord_copy_once_and_keeps_the_buttons(
    fake: FakeDiscord,
    delivered: Delivery,
    tmp_path: Path,
    content: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = operator_config(tmp_path, content)
    brief_id, *_ = await _carried_by_all(delivered)
    old_title = retitle(content, brief_id, NEW_TITLE)
    originals = {channel: copy.deepcopy(fake.messages(channel)[0]) for channel in CHANNELS}
    assert old_title in message_text(originals[CHANNELS[0]])
    [read_more] = _read_more(originals[CHANNELS[0]], old_title)
    deleted, removed = CHANNELS[1], CHANNELS[2]
    fake.delete_by_user(deleted, int(originals[deleted]["id"]))  # a moderator tidied up
    fake.fail_channel(removed, status=403, code=50001, message="Missing Access")  # bot kicked

    code, out = await _run("correct", brief_id, config=config, capsys=capsys)

    assert code == 0, out
    assert f"'{brief_id}' in 40 messages already sent" in out
    assert "Done: 38 edited, 2 not reachable" in out, out
    again, out = await _run("correct", brief_id, config=config, capsys=capsys)
    assert again == 1 and "already sent reads as the library does" in out, out
    assert fake.stats["rate_limited"] == 0
    for channel in [CHANNELS[0], *CHANNELS[3:]]:
        original = originals[channel]
        [request] = _edits(fake, channel)  # exactly one edit, of the message sent
        [message] = fake.messages(channel)
        assert message["id"] == original["id"] and fake.edits_of(int(message["id"])) == [message]
        assert request["embeds"] == message["embeds"] and message["edited_timestamp"]
        text = message_text(message)
        assert NEW_TITLE in text and old_title not in text and text.count(CORRECTED) == 1
        [fixed] = [embed for embed in message["embeds"] if embed.get("title") == NEW_TITLE]
        assert CORRECTED in message_text({"embeds": [fixed]})  # the note is by the entry
        assert _without(text, CORRECTED) == message_text(original).replace(old_title, NEW_TITLE)
        assert _ids(message) == _ids(original)  # the buttons are sent again, same actions
        assert _read_more(message, NEW_TITLE) == [read_more], buttons_of(message)
        assert _read_more(message, old_title) == []  # its label corrected
        assert message["mention_everyone"] is False and request["allowed_mentions"] == {
            "parse": []
        }
    assert fake.messages(deleted) == [] and _edits(fake, deleted) == []
    assert [r.status for r in fake.requests if r.path.startswith(f"/channels/{deleted}/")] == [
        200,
        404,
    ]  # the digest, then one edit that found no message: not tried again
    assert fake.messages(removed)[0]["embeds"] == originals[removed]["embeds"]
    rows = {int(row["chat_id"]): row for row in await queue_rows(delivered.store, "correction")}
    assert len(rows) == len(CHANNELS)
    assert rows[deleted]["state"] == "skipped" and "10008" in rows[deleted]["reason"]
    assert rows[removed]["state"] == "failed" and "missing access" in rows[removed]["reason"]
    assert sum(1 for row in rows.values() if row["state"] == "sent") == 38
    assert {row["priority"] for row in rows.values()} == {2}  # after the day's digests


async def test_a_withdrawal_puts_the_notice_in_every_copy_and_delete_spares_a_digest(
    fake: FakeDiscord,
    delivered: Delivery,
    tmp_path: Path,
    content: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The documented rule (bot/core/recompose.py, `correction.delete.when`): a message is
    deleted only when it holds the withdrawn entry alone. A digest always holds a brief and a
    prayer point (`briefs_per_digest` is at least 1), so `--delete` gives it the notice too."""
    config = operator_config(tmp_path, content)
    first, second, *_ = await _carried_by_all(delivered)  # the digest's two briefs
    originals = {channel: copy.deepcopy(fake.messages(channel)[0]) for channel in CHANNELS}
    titles = {entry.id: entry.title for entry in live_catalog(CONTENT).current.library.briefs}
    deleted = CHANNELS[5]
    fake.delete_by_user(deleted, int(originals[deleted]["id"]))

    code, out = await _run("withdraw", first, config=config, capsys=capsys)

    assert code == 0, out
    assert f"'{first}' from 40 messages already sent" in out
    assert "Done: 39 edited, 1 not reachable" in out, out
    withdrawn = {
        channel: copy.deepcopy(fake.messages(channel)[0])
        for channel in CHANNELS
        if channel != deleted
    }
    for channel, message in withdrawn.items():
        text = message_text(message)
        assert titles[first] not in text and text.count(WITHDRAWN) == 1, text
        assert message["id"] == originals[channel]["id"]
        assert len(_edits(fake, channel)) == 1
        assert _read_more(message, titles[first]) == []  # nothing left to read more of
        assert _read_more(message, titles[second])  # the other brief's button stays
        assert any(label.endswith("I prayed") for label, _ in buttons_of(message))
        at = _embed_of(originals[channel], titles[first])
        notice, *rest = _apart(message["embeds"], at)
        assert notice["description"].startswith(WITHDRAWN) and "title" not in notice
        assert rest == _apart(originals[channel]["embeds"], at)[1:]  # all else as it was

    code, out = await _run("withdraw", second, "--delete", config=config, capsys=capsys)

    assert code == 0, out  # the message the user deleted is no longer on record
    assert f"'{second}' from 39 messages already sent" in out and "deleted" in out
    assert "Done: 39 edited, 0 not reachable" in out, out
    assert [d.message_id for d in fake.deletions] == [int(originals[deleted]["id"])]
    assert not [r for r in fake.requests if r.method == "DELETE"]  # no digest holds one entry
    for channel, before in withdrawn.items():
        [message] = fake.messages(channel)
        assert message["id"] == before["id"] and len(_edits(fake, channel)) == 2
        at = _embed_of(before, titles[second])
        notice, *rest = _apart(message["embeds"], at)
        assert notice["description"].startswith(WITHDRAWN) and "title" not in notice
        assert rest == _apart(before["embeds"], at)[1:]  # the first notice and the prayer
        assert message_text(message).count(WITHDRAWN) == 2
        assert _read_more(message, titles[second]) == []
    rows = await queue_rows(delivered.store, "correction")
    assert [row["state"] for row in rows if int(row["chat_id"]) == deleted] == ["skipped"]
    assert [row["state"] for row in rows].count("sent") == len(rows) - 1 == 2 * 39
    assert {row["priority"] for row in rows} == {0}  # withdrawals go before the day's digests


async def test_the_discord_sender_deletes_a_message_once_then_finds_it_unknown(
    fake: FakeDiscord, delivered: Delivery
) -> None:
    """Where a withdrawal may delete (a message holding that entry alone), the sender's
    DELETE is accepted once; a message already gone is unreachable, not an error."""
    channel = CHANNELS[0]
    [message] = fake.messages(channel)

    first = await delivered.sender.delete(str(channel), message["id"])
    again = await delivered.sender.delete(str(channel), message["id"])
    [notice] = delivered.sender.render(Reply((Paragraph("Withdrawn."),)))
    edit = await delivered.sender.edit(str(channel), message["id"], notice)

    assert first == Delivered(message["id"]) and fake.messages(channel) == []
    assert isinstance(again, Unreachable) and "10008" in again.reason
    assert fake.deletion(int(message["id"])) is not None
    assert isinstance(edit, Unreachable)
