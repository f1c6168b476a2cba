"""Finished queue rows are deleted after `delivery.keep_days`; nothing still to send is, and
deleting history never lets a day be enqueued twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bot.core.composer import Composer
from bot.delivery.engine import DeliveryEngine
from bot.delivery.settings import EngineSettings
from bot.domain.address import Address, ChatKind
from bot.domain.schedule import next_due_after_day
from bot.runner import prune
from bot.store.outbox import Outbox
from tests.fakes.recording_sender import RecordingSender

SEOUL_MORNING = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # 07:00 on the 24th in Seoul


async def subscribe(services, chat_id: str) -> None:
    address, at = Address("telegram", chat_id), time(7, 0)
    await services.store.ensure_chat(
        address, ChatKind.PRIVATE, delivery_time=at, timezone="Asia/Seoul"
    )
    due = next_due_after_day(at, "Asia/Seoul", None, services.clock.now())
    await services.store.update_chat(address, subscribed=True, next_due_utc=due)


def engine_for(services, sender: RecordingSender) -> DeliveryEngine:
    return DeliveryEngine(
        services.store,
        services.outbox,
        Composer(services.catalog),
        [sender],
        services.clock,
        EngineSettings(poll_seconds=0.05),
    )


async def deliver_due(engine: DeliveryEngine) -> int:
    enqueued = (await engine.tick()).enqueued
    await engine.start()
    try:
        await engine.run_until_idle(timeout=10)
    finally:
        await engine.stop()
    return enqueued


async def states(services) -> list[str]:
    async with services.store.db.read() as connection:
        rows = await connection.execute_fetchall("SELECT state FROM outbox ORDER BY id")
    return [row[0] for row in rows]


async def test_finished_rows_go_after_the_keep_period_and_pending_ones_stay(services, clock):
    sender = RecordingSender()
    for chat in ("1", "2", "3"):
        await subscribe(services, chat)
    clock.set(SEOUL_MORNING)
    assert await deliver_due(engine_for(services, sender)) == 3
    await subscribe(services, "4")  # due tomorrow: its row will still be pending
    clock.set(SEOUL_MORNING + timedelta(days=1))
    await engine_for(services, sender).tick()
    assert await states(services) == ["sent"] * 3 + ["pending"] * 4

    clock.set(SEOUL_MORNING + timedelta(days=1, hours=1))
    await prune(services, keep_queue=timedelta(days=7), keep_sent=timedelta(days=30))
    assert await states(services) == ["sent"] * 3 + ["pending"] * 4  # all younger than a week

    await prune(services, keep_queue=timedelta(hours=2), keep_sent=timedelta(days=30))
    assert await states(services) == ["pending"] * 4
    clock.set(SEOUL_MORNING + timedelta(days=30))
    await prune(services, keep_queue=timedelta(days=7), keep_sent=timedelta(days=30))
    assert await states(services) == ["pending"] * 4  # never sent, never deleted


async def test_a_day_whose_rows_were_deleted_is_not_enqueued_again(services, clock):
    sender = RecordingSender()
    await subscribe(services, "1")
    clock.set(SEOUL_MORNING)
    engine = engine_for(services, sender)
    assert await deliver_due(engine) == 1
    await services.outbox.prune_finished(before=clock.now() + timedelta(seconds=1))
    assert await states(services) == []
    # The same Seoul day again: a subscriber moving zones, or a second process's late tick.
    chat = Address("telegram", "1")
    await services.store.update_chat(chat, next_due_utc=SEOUL_MORNING)
    assert await deliver_due(engine) == 0
    assert len(sender.digests("1")) == 1


async def test_pruning_works_through_many_rows_in_small_transactions(services, clock):
    sender = RecordingSender()
    for chat in range(7):
        await subscribe(services, str(chat))
    clock.set(SEOUL_MORNING)
    assert await deliver_due(engine_for(services, sender)) == 7
    outbox = Outbox(services.store.db, clock)
    assert await outbox.prune_finished(before=clock.now() + timedelta(1), batch=2) == 7
    assert await states(services) == []
