"""Scheduled delivery on Discord: the real sender and engine against the fake Discord API.

Each test subscribes Discord channels (or a user's DM channel) on a SQLite file, ticks the
engine on a fake clock, and checks what the fake recorded — the request bodies, how often each
channel was tried, what it holds now — and what the database says about each subscriber.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.adapters.discord.sender import discord_sender, nonce
from bot.adapters.errors import StartupError
from bot.catalog.keys import key_of
from bot.core.reply import Button, Heading, Paragraph, Reply
from bot.delivery.outcomes import Retry
from bot.delivery.refusals import TOKEN_PROBE_SECONDS
from bot.domain.address import ChatKind
from bot.render.discord_embeds import DiscordMessage
from tests.e2e.discord_delivery_helpers import (
    FIRST_CHANNEL,
    NOW,
    TODAY_TITLE,
    TOKEN,
    Delivery,
    chat,
    delivering,
    digests,
    outbox_rows,
    posts_to,
    server_with_channels,
    subscribe,
    subscribe_all,
)
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timing  # 429 waits, backoff and timeouts

CHANNELS = [FIRST_CHANNEL + n for n in range(12)]
GENERAL, NEIGHBOUR = CHANNELS[0], CHANNELS[1]
VANISHED = FIRST_CHANNEL + 999  # a channel id the fake does not know: deleted
ALICE = 1400000000000000001


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN, guilds=(server_with_channels(len(CHANNELS)),)) as fake:
        yield fake


@pytest.fixture
async def delivery(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Delivery]:
    async with delivering(fake, tmp_path / "bot.sqlite3") as delivery:
        yield delivery


def statuses(fake: FakeDiscord, channel_id: int) -> list[int]:
    return [request.status for request in posts_to(fake, channel_id)]


async def sent(store) -> dict[str, dict]:
    """The record of sent messages, by chat id."""
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            "SELECT c.chat_id, m.* FROM sent_messages m JOIN chats c ON c.id = m.chat_pk"
        )
    return {row["chat_id"]: dict(row) for row in rows}


async def test_a_channel_and_a_dm_get_the_digest_as_embeds_with_the_prayed_button_and_no_pings(
    fake: FakeDiscord, delivery: Delivery
) -> None:
    dm = fake.dm_channel_id(ALICE)
    await subscribe(delivery.store, GENERAL, NOW)
    await subscribe(delivery.store, dm, NOW, ChatKind.PRIVATE)

    await delivery.deliver_due()

    prayers = {p.id for p in delivery.engine.composer.catalog.current.library.prayers}
    ids: dict[str, str] = {}
    for channel in (GENERAL, dm):
        [request] = posts_to(fake, channel)
        body = request.json
        titles = [embed.get("title") for embed in body["embeds"]]
        assert (titles[0], titles[-1]) == (TODAY_TITLE, "Prayer point")
        assert all(embed["description"] for embed in body["embeds"][1:])
        assert any("footer" in embed for embed in body["embeds"][1:-1])  # the briefs' sources
        *more, [button] = [row["components"] for row in body["components"]]
        assert button["label"].endswith("I prayed")
        assert all(b["custom_id"].startswith("bb:open:") for [b] in more)
        assert button["custom_id"].rsplit(":", 1)[1] in {key_of(p) for p in prayers}
        assert body["allowed_mentions"] == {"parse": []}
        assert (len(body["nonce"]), body["enforce_nonce"]) == (25, True)
        [message] = fake.messages(channel)
        assert (message["mention_everyone"], message["mentions"]) == (False, [])
        ids[str(channel)] = str(message["id"])
    assert {row["state"] for row in (await outbox_rows(delivery.store)).values()} == {"sent"}
    assert (await chat(delivery.store, dm)).subscribed
    # Each message is on record under the id Discord gave it, for corrections to edit.
    recorded = await sent(delivery.store)
    assert {chat_id: row["message_id"] for chat_id, row in recorded.items()} == ids


@pytest.mark.parametrize(
    ("where", "status", "code", "text", "reason"),
    [
        pytest.param("dm", 403, 50007, "Cannot send messages to this user",
                     "cannot message this user", id="403-50007-user-closed-dms"),
        pytest.param("channel", 403, 50001, "Missing Access", "missing access",
                     id="403-50001-bot-removed"),
        pytest.param("vanished", 404, 10003, "Unknown Channel", "unknown channel",
                     id="404-10003-channel-deleted"),
    ],
)
async def test_a_subscriber_discord_will_not_let_us_reach_is_deactivated_after_one_attempt(
    fake: FakeDiscord, delivery: Delivery, where: str, status: int, code: int, text: str,
    reason: str,
) -> None:
    target = {"dm": fake.dm_channel_id(ALICE), "channel": GENERAL, "vanished": VANISHED}[where]
    if where != "vanished":  # the fake answers 404 10003 for unknown channels by itself
        fake.fail_channel(target, status=status, code=code, message=text)
    kind = ChatKind.PRIVATE if where == "dm" else ChatKind.SERVER_CHANNEL
    await subscribe(delivery.store, target, NOW, kind)
    await subscribe(delivery.store, NEIGHBOUR, NOW)

    await delivery.deliver_due()
    await delivery.after_backoff()  # nothing is waiting for a retry
    delivery.clock.advance(days=1)
    await delivery.deliver_due()  # nor is the next day's digest queued

    assert statuses(fake, target) == [status]
    gone = await chat(delivery.store, target)
    assert not gone.subscribed and reason in gone.deactivated_reason
    assert str(code) in gone.deactivated_reason
    row = (await outbox_rows(delivery.store))[str(target)]
    assert (row["state"], row["attempts"]) == ("failed", 0)
    assert len(digests(fake, NEIGHBOUR)) == 2  # today's and tomorrow's: the neighbour is fine


async def test_a_channels_429_is_waited_out_for_its_retry_after_and_delivered_once(
    fake: FakeDiscord, delivery: Delivery
) -> None:
    fake.fail_channel(GENERAL, status=429, retry_after=0.4, times=1)
    await subscribe(delivery.store, GENERAL, NOW)

    await delivery.deliver_due()

    first, second = posts_to(fake, GENERAL)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 0.4
    assert first.json["nonce"] == second.json["nonce"]
    assert len(fake.messages(GENERAL)) == 1
    row = (await outbox_rows(delivery.store))[str(GENERAL)]
    assert (row["state"], row["attempts"]) == ("sent", 0)


async def test_the_global_rate_limit_holds_every_send_until_its_retry_after_and_loses_none(
    fake: FakeDiscord, delivery: Delivery
) -> None:
    fake.set_global_rate(4)  # far below the engine's pace: Discord answers global 429s
    await subscribe_all(delivery.store, CHANNELS, NOW)

    await delivery.deliver_due(timeout=20)

    assert fake.stats["global_rate_limited"] >= 1
    assert {c: len(fake.messages(c)) for c in CHANNELS} == {c: 1 for c in CHANNELS}
    rows = await outbox_rows(delivery.store)
    assert {row["state"] for row in rows.values()} == {"sent"}


async def test_a_429_that_outlasts_discord_pys_retries_pauses_the_engine_and_is_sent_later(
    tmp_path: Path,
) -> None:
    roomy = FakeDiscord(TOKEN, guilds=(server_with_channels(1),), channel_rate=(50, 1.0))
    async with roomy as fake, delivering(fake, tmp_path / "bot.sqlite3") as delivery:
        fake.fail_channel(GENERAL, status=429, retry_after=0.05, times=5)  # discord.py's 5 tries
        await subscribe(delivery.store, GENERAL, NOW)

        await delivery.deliver_due()

        *_, last_429, accepted = posts_to(fake, GENERAL)
        assert statuses(fake, GENERAL) == [429] * 5 + [200]
        assert accepted.at - last_429.at >= 1.0  # the 429's Retry-After, whole seconds
        assert delivery.engine.flood_waits == 1
        assert len(fake.messages(GENERAL)) == 1
        row = (await outbox_rows(delivery.store))[str(GENERAL)]
        assert (row["state"], row["attempts"]) == ("sent", 0)  # flood control is not a failure


@pytest.mark.parametrize("status", [500, 502])
async def test_a_server_error_is_resent_and_the_digest_arrives_once(
    fake: FakeDiscord, delivery: Delivery, status: int
) -> None:
    fake.fail_channel(GENERAL, status=status, code=0, message=f"{status}: Server Error", times=1)
    await subscribe(delivery.store, GENERAL, NOW)

    await delivery.deliver_due()

    assert statuses(fake, GENERAL) == [status, 200]
    assert len({r.json["nonce"] for r in posts_to(fake, GENERAL)}) == 1
    assert len(digests(fake, GENERAL)) == 1
    assert (await outbox_rows(delivery.store))[str(GENERAL)]["state"] == "sent"


@pytest.mark.timing  # the engine probes a refused token again after TOKEN_PROBE_SECONDS
async def test_a_refused_token_pauses_delivery_without_spending_an_attempt(
    fake: FakeDiscord, delivery: Delivery
) -> None:
    fake.fail_channel(GENERAL, status=401, code=0, message="401: Unauthorized", times=1)
    await subscribe(delivery.store, GENERAL, NOW)

    await delivery.deliver_due(timeout=TOKEN_PROBE_SECONDS + 10)

    assert statuses(fake, GENERAL) == [401, 200]
    assert len(digests(fake, GENERAL)) == 1
    row = (await outbox_rows(delivery.store))[str(GENERAL)]
    assert (row["state"], row["attempts"]) == ("sent", 0)  # a refused token is no failure


async def test_an_unavailable_api_is_backed_off_by_the_engine_then_delivered_once(
    fake: FakeDiscord, delivery: Delivery
) -> None:
    fake.fail_channel(GENERAL, status=503, code=0, message="503: Service Unavailable", times=1)
    await subscribe(delivery.store, GENERAL, NOW)

    await delivery.deliver_due()
    waiting = (await outbox_rows(delivery.store))[str(GENERAL)]
    await delivery.after_backoff()

    assert (waiting["state"], waiting["attempts"]) == ("pending", 1)
    assert "503" in waiting["reason"]
    assert statuses(fake, GENERAL) == [503, 200]
    assert len(digests(fake, GENERAL)) == 1
    row = (await outbox_rows(delivery.store))[str(GENERAL)]
    assert (row["state"], row["attempts"]) == ("sent", 1)


async def test_a_send_that_times_out_is_retried_later_under_the_same_nonce(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    """Discord would answer the retry with the message the first try created (enforce_nonce);
    the fake does not enforce nonces, so here the late first try lands as a message too."""
    fake.delay_channel(GENERAL, 1.0)
    async with delivering(fake, tmp_path / "bot.sqlite3", request_timeout=0.3) as delivery:
        await subscribe(delivery.store, GENERAL, NOW)
        await delivery.deliver_due()
        waiting = (await outbox_rows(delivery.store))[str(GENERAL)]
        fake.heal_channel(GENERAL)
        await delivery.after_backoff()

    assert (waiting["state"], waiting["attempts"], waiting["reason"]) == (
        "pending", 1, "TimeoutError")
    first, retry = posts_to(fake, GENERAL)
    assert first.json["nonce"] == retry.json["nonce"]


@pytest.mark.parametrize(
    ("status", "code", "text"),
    [(400, 50035, "Invalid Form Body"), (403, 50013, "Missing Permissions")],
)
async def test_a_refused_message_fails_without_unsubscribing_the_channel(
    fake: FakeDiscord, delivery: Delivery, status: int, code: int, text: str
) -> None:
    fake.fail_channel(GENERAL, status=status, code=code, message=text)
    await subscribe(delivery.store, GENERAL, NOW)

    await delivery.deliver_due()
    await delivery.after_backoff()

    assert statuses(fake, GENERAL) == [status]
    row = (await outbox_rows(delivery.store))[str(GENERAL)]
    assert row["state"] == "failed" and text in row["reason"]
    assert (await chat(delivery.store, GENERAL)).subscribed


async def test_an_unreachable_api_is_a_passing_fault_not_a_gone_channel() -> None:
    async with FakeDiscord(TOKEN) as vanishing:
        sender = await discord_sender(TOKEN, vanishing.rest_base)
    try:  # the server has stopped: connections are refused
        [message] = sender.render(Reply(parts=(Heading("Hello"), Paragraph("Still there?"))))
        outcome = await sender.send(str(GENERAL), message)
    finally:
        await sender.close()

    assert isinstance(outcome, Retry)


async def test_a_wrong_token_stops_the_start_with_a_message_about_the_token(
    fake: FakeDiscord,
) -> None:
    with pytest.raises(StartupError, match="token"):
        await discord_sender("not-the-token", fake.rest_base)


def test_the_nonce_is_stable_per_channel_and_content_and_ignores_the_prayer_count() -> None:
    embeds = [{"title": "Daily brief", "description": "text"}]
    before = DiscordMessage(embeds, ((Button("I prayed", "prayed:p1"),),))
    after = DiscordMessage(list(embeds), ((Button("I prayed (3)", "prayed:p1"),),))

    assert nonce("1", before) == nonce("1", after)
    assert nonce("1", before) != nonce("2", before)
    assert nonce("1", before) != nonce("1", DiscordMessage([{"title": "Daily brief"}]))
