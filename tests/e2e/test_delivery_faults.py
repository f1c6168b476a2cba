"""Daily delivery over real HTTP when Telegram misbehaves: 429, 403, 400, 5xx, slow answers.

The real `DeliveryEngine` drains a real SQLite queue through `TelegramSender` and the genuine
python-telegram-bot `Bot`, against FakeBotApi on 127.0.0.1 answering with Telegram's own error
bodies. The tests end on the same two checks: what each due subscriber received (one digest,
unless the test is about why not), and what the outbox rows say happened and why.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.telegram.http import AiohttpRequest
from bot.adapters.telegram.mapping import PLATFORM
from bot.bootstrap import live_catalog
from bot.catalog.live import LiveCatalog
from bot.delivery.outcomes import Delivered, Retry, RetryAfter
from bot.domain.address import Address, ChatKind
from bot.domain.chat import ChatRecord
from bot.domain.clock import FakeClock
from bot.store import Store
from tests.e2e.delivery_helpers import (
    CONTENT,
    FAST,
    SpySender,
    delivering_to,
    digest_counts,
    due_minute,
    outbox_rows,
    seed_due,
    send_attempts,
)
from tests.fakes import telegram_faults as errors
from tests.fakes.telegram_api import FakeBotApi

pytestmark = pytest.mark.timing  # flood-control waits, slow answers and timeouts

CHATS = [1001 + n for n in range(10)]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture(scope="module")
def shipped() -> LiveCatalog:
    return live_catalog(CONTENT)


@pytest.fixture
async def due(store: Store, clock: FakeClock) -> list[int]:
    """Ten private chats whose digest was due half an hour ago."""
    await seed_due(store, CHATS, due_minute(clock.now()))
    return CHATS


def said(reason: str, description: str) -> bool:
    """python-telegram-bot drops "Bad Request: " and capitalises; the words are Telegram's."""
    return reason.lower() in description.lower()


async def chat(store: Store, chat_id: int) -> ChatRecord | None:
    return await store.get_chat(Address(PLATFORM, str(chat_id)))


def started_during_pause(spy: SpySender, seconds: float) -> list[float]:
    """When sends started after the one 429, in seconds after it, if before `seconds` passed."""
    [flood] = spy.outcomes(RetryAfter)
    after = [a.started - flood.ended for a in spy.attempts if a.started >= flood.ended]
    assert after, "the 429 came too late to hold anyone back"
    return [round(delay, 3) for delay in after if delay < seconds]


async def test_flood_control_pauses_every_chat_for_retry_after_then_delivers_all(
    api, store, clock, shipped, due
):
    flooded = due[1]
    api.fail(flooded, status=429, retry_after=1)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()
    spy = delivery.sender

    assert started_during_pause(spy, 1.0) == []
    [flood] = spy.outcomes(RetryAfter)
    on_the_wire = {a.chat_id for a in spy.attempts if a.started < flood.ended}
    accepted_in_pause = {
        str(chat_id)
        for chat_id in due
        for m in api.sent_to(chat_id)
        if flood.ended < m["at"] < flood.ended + 1.0
    }
    assert accepted_in_pause <= on_the_wire  # the fake saw nothing new during the pause
    assert digest_counts(api, due) == {chat_id: 1 for chat_id in due}
    assert send_attempts(api, flooded) == 2
    rows = await outbox_rows(store)
    assert {r["state"] for r in rows.values()} == {"sent"}
    assert rows[str(flooded)]["attempts"] == 0  # a flood wait is not a failed attempt
    assert delivery.engine.flood_waits == 1


async def test_flood_control_also_holds_sends_queued_behind_slow_answers(
    api, store, clock, shipped, due
):
    """With answers slower than the pacing rate, sends queue behind `concurrency`; a 429
    must hold those too, or Telegram extends the ban."""
    api.delay(None, 0.25, method="sendMessage")
    api.fail(due[1], status=429, retry_after=1)
    settings = replace(FAST, concurrency=2)
    async with delivering_to(api, store, shipped, clock, settings=settings) as delivery:
        await delivery.tick_and_drain()

    assert digest_counts(api, due) == {chat_id: 1 for chat_id in due}
    assert started_during_pause(delivery.sender, 1.0) == []


@pytest.mark.parametrize(
    ("kind", "status", "description"),
    [
        (ChatKind.PRIVATE, 403, errors.BLOCKED_BY_USER),
        (ChatKind.PRIVATE, 403, errors.USER_DEACTIVATED),
        (ChatKind.PRIVATE, 400, errors.CHAT_NOT_FOUND),
        (ChatKind.GROUP, 403, errors.KICKED_FROM_GROUP),
    ],
)
async def test_a_chat_that_refuses_delivery_is_deactivated_and_never_retried(
    api, store, clock, shipped, due, kind, status, description
):
    gone = -4001 if kind is ChatKind.GROUP else due[3]
    if kind is ChatKind.GROUP:
        await seed_due(store, [gone], due_minute(clock.now()), kind)
    api.fail(gone, status=status, description=description)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()

    record = await chat(store, gone)
    assert not record.subscribed
    assert said(record.deactivated_reason, description)
    assert record.next_due_utc is None
    assert send_attempts(api, gone) == 1
    row = (await outbox_rows(store))[str(gone)]
    assert (row["state"], row["attempts"]) == ("failed", 0)
    assert said(row["reason"], description)
    others = [c for c in due if c != gone]
    assert digest_counts(api, others) == {chat_id: 1 for chat_id in others}
    clock.advance(days=1)
    assert (await delivery.engine.tick()).enqueued == len(others)  # tomorrow: all but that one


async def test_a_group_that_became_a_supergroup_gets_its_digest_at_the_new_id(
    api, store, clock, shipped
):
    old, new = -4001, -1001234567890
    await seed_due(store, [old], due_minute(clock.now()), ChatKind.GROUP)
    api.migrate(old, new)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()

    assert digest_counts(api, [old, new]) == {old: 0, new: 1}
    assert send_attempts(api, old) == 1
    assert await chat(store, old) is None
    moved = await chat(store, new)
    assert moved.subscribed and moved.last_day == clock.now().date()
    row = (await outbox_rows(store))[str(new)]
    assert (row["state"], row["attempts"]) == ("sent", 0)


@pytest.mark.parametrize("html", [True, False], ids=["nginx-html-page", "json-body"])
async def test_bad_gateway_is_retried_until_delivered_once_with_the_attempts_recorded(
    api, store, clock, shipped, due, html
):
    faulty = due[2]
    api.fail(faulty, status=502, times=2, html=html)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()

    assert digest_counts(api, due) == {chat_id: 1 for chat_id in due}
    assert send_attempts(api, faulty) == 3
    row = (await outbox_rows(store))[str(faulty)]
    assert (row["state"], row["attempts"]) == ("sent", 2)
    assert row["reason"].startswith("NetworkError: Bad Gateway")
    assert "<html>" not in row["reason"]  # operators read reasons; no nginx page in them
    assert (await chat(store, faulty)).subscribed


async def test_a_server_error_on_every_attempt_gives_up_after_max_attempts_but_keeps_the_chat(
    api, store, clock, shipped, due
):
    broken = due[4]
    api.fail(broken, status=500, times=None)
    settings = replace(FAST, max_attempts=3)
    async with delivering_to(api, store, shipped, clock, settings=settings) as delivery:
        await delivery.tick_and_drain()

    assert send_attempts(api, broken) == 3
    row = (await outbox_rows(store))[str(broken)]
    assert (row["state"], row["reason"]) == (
        "failed",
        "gave up: NetworkError: Internal Server Error",
    )
    assert (await chat(store, broken)).subscribed  # Telegram's fault, not the reader's
    others = [c for c in due if c != broken]
    assert digest_counts(api, others) == {chat_id: 1 for chat_id in others}


async def test_a_message_telegram_rejects_fails_at_once_without_unsubscribing_the_chat(
    api, store, clock, shipped, due
):
    rejected = due[5]
    api.fail(rejected, status=400, description=errors.MESSAGE_TOO_LONG)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()

    assert send_attempts(api, rejected) == 1
    row = (await outbox_rows(store))[str(rejected)]
    assert (row["state"], row["attempts"]) == ("failed", 0)
    assert said(row["reason"], errors.MESSAGE_TOO_LONG)
    assert (await chat(store, rejected)).subscribed


async def test_a_slow_answer_within_the_timeout_is_delivered_without_holding_up_others(
    api, store, clock, shipped, due
):
    slow = due[0]
    api.delay(slow, 1.0, method="sendMessage", times=1)
    async with delivering_to(api, store, shipped, clock) as delivery:
        await delivery.tick_and_drain()

    assert digest_counts(api, due) == {chat_id: 1 for chat_id in due}
    assert send_attempts(api, slow) == 1
    [slow_message] = api.sent_to(slow)
    assert any(m["at"] < slow_message["at"] for c in due[1:] for m in api.sent_to(c))
    rows = await outbox_rows(store)
    assert (rows[str(slow)]["state"], rows[str(slow)]["attempts"]) == ("sent", 0)


async def test_a_send_that_times_out_is_retried_with_backoff_and_delivered(
    api, store, clock, shipped, due
):
    """The gateway holds the request past our 0.3 s read timeout, then gives up (504)."""
    stuck = due[0]
    api.delay(stuck, 1.0, method="sendMessage", times=1)
    api.fail(stuck, status=504, method="sendMessage", times=1)
    request = AiohttpRequest(read_timeout=0.3)
    async with delivering_to(api, store, shipped, clock, request=request) as delivery:
        await delivery.tick_and_drain()

    retried = [a for a in delivery.sender.attempts if a.chat_id == str(stuck)]
    assert [type(a.outcome) for a in retried] == [Retry, Delivered]
    assert "TimedOut" in retried[0].outcome.reason
    assert retried[0].ended - retried[0].started < 0.9  # our timeout, not the server's answer
    await api.wait_for(lambda: api.stats.failed == 1)  # the held request has been answered
    assert digest_counts(api, due) == {chat_id: 1 for chat_id in due}
    row = (await outbox_rows(store))[str(stuck)]
    assert (row["state"], row["attempts"]) == ("sent", 1)
    assert row["reason"].startswith("TimedOut")


async def test_a_timed_out_send_that_telegram_accepted_late_arrives_twice(
    api, store, clock, shipped, due
):
    """At least once, not exactly once: a timeout cannot tell "lost" from "slow".

    The Bot API has no idempotency key, so a send that timed out is sent again. If Telegram
    had in fact accepted the first one, the reader sees the digest twice. This pins down that
    known cost; it is bounded by the sends that time out.
    """
    late = due[0]
    api.delay(late, 0.6, method="sendMessage", times=1)
    request = AiohttpRequest(read_timeout=0.2)
    async with delivering_to(api, store, shipped, clock, request=request) as delivery:
        await delivery.tick_and_drain()
    await api.wait_for(lambda: len(api.sent_to(late)) == 2)

    assert digest_counts(api, due) == {late: 2, **{chat_id: 1 for chat_id in due[1:]}}
    row = (await outbox_rows(store))[str(late)]
    assert (row["state"], row["attempts"]) == ("sent", 1)
