"""The delivery engine on a real SQLite file with an injected clock and a recording sender."""

from __future__ import annotations

import asyncio
from bisect import bisect_right
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.model import Library
from bot.core.composer import Composer
from bot.delivery.engine import DeliveryEngine
from bot.delivery.outcomes import Failed, Gone, Moved, Outcome, Retry, RetryAfter
from bot.delivery.ports import Limits
from bot.delivery.settings import EngineSettings
from bot.delivery.ticker import tick_trigger
from bot.domain.address import Address, ChatKind
from bot.domain.schedule import next_due_after_day
from bot.store import Store
from bot.store.outbox import Outbox
from tests.fakes.recording_sender import RecordingSender


async def subscribe(
    store: Store, chat_id: str, at: str, zone: str, now: datetime, kind=ChatKind.PRIVATE
):
    address = Address("telegram", chat_id)
    when = time.fromisoformat(at)
    await store.ensure_chat(address, kind, delivery_time=when, timezone=zone)
    due = next_due_after_day(when, zone, None, now)
    return await store.update_chat(address, subscribed=True, next_due_utc=due)


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def make_engine(store, catalog, clock, sender):
    engines: list[DeliveryEngine] = []

    def build(settings: EngineSettings | None = None, store_=None, sender_=None) -> DeliveryEngine:
        s = store_ or store
        engine = DeliveryEngine(
            s,
            Outbox(s.db, clock),
            Composer(catalog),
            [sender_ or sender],
            clock,
            settings or EngineSettings(poll_seconds=0.05),
        )
        engines.append(engine)
        return engine

    yield build


async def outbox_rows(store: Store) -> list[dict]:
    async with store.db.read() as connection:
        rows = await connection.execute_fetchall(
            "SELECT o.*, c.chat_id FROM outbox o JOIN chats c ON c.id = o.chat_pk"
        )
    return [dict(r) for r in rows]


async def run(engine: DeliveryEngine) -> None:
    await engine.start()
    try:
        await engine.run_until_idle(timeout=10)
    finally:
        await engine.stop()


async def test_a_due_subscriber_gets_exactly_one_digest_even_after_a_double_tick(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    engine = make_engine()
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 07:00 on the 24th in Seoul
    assert (await engine.tick()).enqueued == 1
    assert (await engine.tick()).enqueued == 0
    await run(engine)
    assert len(sender.digests("1")) == 1
    assert "Tuesday 24 November 2026" in sender.digests("1")[0]
    chat = await store.get_chat(Address("telegram", "1"))
    assert chat.last_day == date(2026, 11, 24)
    assert chat.next_due_utc == datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


async def test_the_minute_tick_fires_at_the_due_second_and_enqueues_that_minutes_digest(
    store, clock, make_engine
):
    """APScheduler 3 reads the system clock itself, so the trigger is asked directly what
    comes after 07:29:59; the engine's tick then runs on an injected clock at that instant."""
    await subscribe(store, "1", "07:30", "UTC", clock.now())
    before = datetime(2026, 11, 23, 7, 29, 59, tzinfo=UTC)
    fire = tick_trigger(60).get_next_fire_time(None, before)
    assert fire == datetime(2026, 11, 23, 7, 30, 0, tzinfo=UTC)
    engine = make_engine()
    clock.set(before)
    assert (await engine.tick()).enqueued == 0
    clock.set(fire)
    assert (await engine.tick()).enqueued == 1


async def test_nobody_is_due_before_their_time(store, clock, make_engine):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 23, 21, 59, tzinfo=UTC))
    assert (await make_engine().tick()).enqueued == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("zone", "at", "start", "days"),
    [
        (
            "America/New_York",
            "02:30",
            datetime(2026, 3, 6, 12, tzinfo=UTC),
            4,
        ),  # spring forward 8 March
        (
            "America/New_York",
            "01:30",
            datetime(2026, 10, 30, 12, tzinfo=UTC),
            4,
        ),  # fall back 1 November
        (
            "Europe/London",
            "01:30",
            datetime(2026, 3, 27, 12, tzinfo=UTC),
            4,
        ),  # spring forward 29 March
        (
            "Europe/London",
            "01:30",
            datetime(2026, 10, 23, 12, tzinfo=UTC),
            4,
        ),  # fall back 25 October
        ("Asia/Seoul", "07:00", datetime(2026, 6, 1, tzinfo=UTC), 3),
        ("Asia/Kathmandu", "06:15", datetime(2026, 6, 1, tzinfo=UTC), 3),  # +05:45
    ],
)
async def test_minute_ticks_across_a_time_change_give_one_digest_per_local_day(
    store, clock, make_engine, zone, at, start, days
):
    clock.set(start)
    await subscribe(store, "1", at, zone, clock.now())
    engine = make_engine()
    sent_at: dict[date, datetime] = {}
    for _ in range(days * 24 * 12):  # every five minutes
        clock.advance(minutes=5)
        result = await engine.tick()
        if result.enqueued:
            row = (await outbox_rows(store))[-1]
            sent_at[date.fromisoformat(row["key"])] = clock.now()
    local = {day: instant.astimezone(ZoneInfo(zone)) for day, instant in sent_at.items()}
    assert len(local) == days
    assert all(moment.date() == day for day, moment in local.items())
    wanted = time.fromisoformat(at)
    for moment in local.values():
        # at the wall time, or (in a spring-forward gap) at the first minutes after it
        assert (
            timedelta(0)
            <= datetime.combine(moment.date(), moment.time())
            - datetime.combine(moment.date(), wanted)
            <= timedelta(hours=1, minutes=5)
        )
    rows = await outbox_rows(store)
    assert Counter(r["key"] for r in rows).most_common(1)[0][1] == 1


async def test_changing_time_zone_after_todays_digest_gives_no_second_one_today(
    core, store, clock, make_engine, sender
):
    from bot.core.request import Request

    address = Address("telegram", "1")
    request = Request(address, ChatKind.PRIVATE, user_id="1")
    await core.handle_command(request, "subscribe", "07:00")  # Asia/Seoul by default
    engine = make_engine()
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))  # 07:00 Seoul on the 24th: delivered
    await engine.tick()
    await run(engine)
    await core.handle_command(request, "timezone", "Pacific/Honolulu")  # still the 23rd there
    for _ in range(96):  # two days, ticking every half hour
        clock.advance(minutes=30)
        await engine.tick()
    await run(engine)
    days = sorted(r["key"] for r in await outbox_rows(store))
    assert days == ["2026-11-24", "2026-11-25"]  # Honolulu's 24th is skipped: Seoul's already came
    assert len(sender.digests("1")) == 2


async def test_after_downtime_a_digest_within_the_catch_up_window_is_still_sent(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 24, 3, 0, tzinfo=UTC))  # five hours late
    engine = make_engine()
    assert (await engine.tick()).enqueued == 1
    await run(engine)
    assert len(sender.digests("1")) == 1


async def test_after_long_downtime_the_day_is_skipped_and_recorded(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 24, 5, 0, tzinfo=UTC))  # seven hours late
    engine = make_engine()
    result = await engine.tick()
    assert (result.enqueued, result.skipped) == (0, 1)
    [row] = await outbox_rows(store)
    assert row["state"] == "skipped" and "catch-up" in row["reason"]
    chat = await store.get_chat(Address("telegram", "1"))
    assert chat.next_due_utc == datetime(2026, 11, 24, 22, 0, tzinfo=UTC)


async def test_days_of_downtime_send_only_the_latest_day_when_it_is_in_the_window(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))  # three days later, one hour after 07:00
    engine = make_engine()
    assert (await engine.tick()).enqueued == 1
    [row] = await outbox_rows(store)
    assert row["key"] == "2026-11-27"


async def test_two_senders_on_one_database_file_never_send_twice(
    tmp_path, clock, catalog, make_engine
):
    first = await Store.open(tmp_path / "shared.sqlite3", clock)
    second = await Store.open(tmp_path / "shared.sqlite3", clock)
    try:
        for n in range(60):
            await subscribe(first, str(n), "07:00", "Asia/Seoul", clock.now())
        clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
        a_sender, b_sender = RecordingSender(), RecordingSender()
        a = make_engine(store_=first, sender_=a_sender)
        b = make_engine(store_=second, sender_=b_sender)
        await a.tick()
        await b.tick()
        await a.start()
        await b.start()
        await a.run_until_idle()
        await b.run_until_idle()
        await a.stop()
        await b.stop()
        delivered = Counter()
        for s in (a_sender, b_sender):
            for chat_id in s.sent:
                delivered[chat_id] += len(s.digests(chat_id))
        assert delivered == Counter({str(n): 1 for n in range(60)})
    finally:
        await first.close()
        await second.close()


async def test_a_blocked_chat_is_deactivated_and_not_retried(store, clock, sender, make_engine):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    sender.answer("1", Gone("Forbidden: bot was blocked by the user"))
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await run(engine)
    chat = await store.get_chat(Address("telegram", "1"))
    assert not chat.subscribed and "blocked" in chat.deactivated_reason
    assert sender.attempts["1"] == 1
    [row] = await outbox_rows(store)
    assert row["state"] == "failed"


async def test_a_migrated_group_is_followed_to_its_new_id(store, clock, sender, make_engine):
    await subscribe(store, "-100", "07:00", "Asia/Seoul", clock.now(), kind=ChatKind.GROUP)
    sender.answer("-100", Moved("-100200"))
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await run(engine)
    assert len(sender.digests("-100200")) == 1
    assert await store.get_chat(Address("telegram", "-100")) is None
    assert (await store.get_chat(Address("telegram", "-100200"))).subscribed


async def test_passing_faults_are_retried_with_backoff_until_delivered(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    sender.answer("1", Retry("NetworkError: Bad Gateway"), Retry("TimedOut"))
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await engine.start()
    try:
        for _ in range(3):
            await engine.run_until_idle()
            clock.advance(minutes=1)  # past any backoff
        await engine.run_until_idle()
    finally:
        await engine.stop()
    assert len(sender.digests("1")) == 1
    [row] = await outbox_rows(store)
    assert (row["state"], row["attempts"]) == ("sent", 2)


async def test_a_message_failing_every_attempt_is_marked_failed_with_the_reason(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    sender.answer("1", *[Retry("NetworkError: Bad Gateway")] * 3)
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine(EngineSettings(max_attempts=3, poll_seconds=0.05))
    await engine.tick()
    await engine.start()
    try:
        for _ in range(4):
            await engine.run_until_idle()
            clock.advance(minutes=5)
    finally:
        await engine.stop()
    [row] = await outbox_rows(store)
    assert row["state"] == "failed" and "Bad Gateway" in row["reason"]
    assert (await store.get_chat(Address("telegram", "1"))).subscribed  # a fault is not a block


@pytest.mark.timing
async def test_flood_control_waits_and_then_delivers_without_counting_an_attempt(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    sender.answer("1", RetryAfter(0.2))
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await run(engine)
    assert len(sender.digests("1")) == 1
    assert engine.flood_waits == 1
    [row] = await outbox_rows(store)
    assert (row["state"], row["attempts"]) == ("sent", 0)


async def test_an_empty_digest_is_never_sent_but_kept_for_a_library_that_has_something(
    store, clock, sender, make_engine, catalog, library
):
    full = catalog.current
    catalog._current = Catalog(Library())  # the loader refuses this; the composer guards too
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await run(engine)
    [row] = await outbox_rows(store)
    assert not sender.sent and (row["state"], row["attempts"]) == ("pending", 1)

    catalog._current = full
    clock.advance(minutes=5)  # past the backoff
    await run(engine)
    assert len(sender.digests("1")) == 1


async def test_a_rejected_message_fails_without_deactivating(store, clock, sender, make_engine):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    sender.answer("1", Failed("Bad Request: message is too long"))
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine()
    await engine.tick()
    await run(engine)
    [row] = await outbox_rows(store)
    assert row["state"] == "failed"
    assert (await store.get_chat(Address("telegram", "1"))).subscribed


async def test_rows_claimed_by_a_dead_sender_are_resumed_at_start(
    store, clock, sender, make_engine
):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    engine = make_engine(EngineSettings(claim_timeout=timedelta(seconds=30), poll_seconds=0.05))
    await engine.tick()
    outbox = Outbox(store.db, clock)
    assert len(await outbox.claim("telegram", "dead-worker", 10)) == 1
    clock.advance(seconds=31)
    await run(engine)
    assert len(sender.digests("1")) == 1


async def test_a_broadcast_goes_through_the_queue_to_every_subscriber(
    core, store, clock, sender, make_engine
):
    from bot.core.request import Request

    for n in range(5):
        await subscribe(store, str(n), "07:00", "Asia/Seoul", clock.now())
    operator = Request(Address("telegram", "999"), ChatKind.PRIVATE, user_id="999")
    draft = await core.handle_command(operator, "broadcast", "Thank you for praying & giving!")
    send, cancel = draft.buttons[0]
    assert cancel.label == "Cancel"
    assert send.label == "Send to 5"
    assert not await outbox_rows(store)  # nothing queued before confirmation
    done = await core.handle_action(operator, send.action)
    assert "Queued for 5" in done.notice
    again = await core.handle_action(operator, send.action)
    assert "already sent" in again.parts[0].text
    await run(make_engine())
    for n in range(5):
        assert sender.sent[str(n)] == [
            "<b>A message from the team</b>\nThank you for praying &amp; giving!"
        ]


class UnevenSender(RecordingSender):
    """Answers after 0-6 ms, as a network does, so sends finish one by one."""

    async def send(self, chat_id: str, message: object) -> Outcome:
        await asyncio.sleep(0.002 * (int(chat_id) % 4))
        return await super().send(chat_id, message)


@pytest.mark.timing
async def test_a_long_queue_drains_without_idling_between_claims(store, clock, make_engine):
    """Sends that finish while a claim runs leave room; that room is no sign of an empty queue,
    so the sender must claim again at once instead of sleeping for a poll (here 30 s)."""
    for n in range(120):
        await subscribe(store, str(n), "07:00", "Asia/Seoul", clock.now())
    sender = UnevenSender()
    engine = make_engine(EngineSettings(batch=8, concurrency=8, poll_seconds=30.0), sender_=sender)
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    assert (await engine.tick()).enqueued == 120
    await engine.start()
    try:
        await engine.run_until_idle(timeout=8)
    finally:
        await engine.stop()
    assert sorted(sender.sent, key=int) == [str(n) for n in range(120)]
    assert all(len(sender.digests(str(n))) == 1 for n in range(120))


class StallingSender(RecordingSender):
    """Its first two sends hang for 0.6 s, holding both connections; it notes when each send
    actually went out."""

    def __init__(self, limits: Limits) -> None:
        super().__init__(limits=limits)
        self.went_out: list[float] = []

    async def send(self, chat_id: str, message: object) -> Outcome:
        self.went_out.append(asyncio.get_running_loop().time())
        if len(self.went_out) <= 2:
            await asyncio.sleep(0.6)
        return await super().send(chat_id, message)


@pytest.mark.slow
@pytest.mark.timing
async def test_sends_that_queue_for_a_connection_do_not_leave_in_a_burst(
    store, clock, make_engine
):
    """The pace counts a send when it leaves: turns handed out while every connection was busy
    would all leave together once one frees, and a sliding second would refuse the burst."""
    for n in range(60):
        await subscribe(store, str(n), "07:00", "Asia/Seoul", clock.now())
    sender = StallingSender(Limits(per_second=50.0, chat_interval=0.0))
    engine = make_engine(EngineSettings(concurrency=2, poll_seconds=0.05), sender_=sender)
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    assert (await engine.tick()).enqueued == 60
    await run(engine)
    assert len(sender.sent) == 60
    stamps = sender.went_out
    busiest = max(bisect_right(stamps, t + 1.0) - i for i, t in enumerate(stamps))
    assert busiest <= 50


async def test_a_korean_chat_gets_its_digest_in_korean(store, clock, sender, make_engine):
    await subscribe(store, "1", "07:00", "Asia/Seoul", clock.now())
    await store.update_chat(Address("telegram", "1"), language="ko")
    await subscribe(store, "2", "07:00", "Asia/Seoul", clock.now())  # no language: the default
    engine = make_engine()
    clock.set(datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    assert (await engine.tick()).enqueued == 2
    await run(engine)
    [korean] = sender.sent["1"]
    assert korean.startswith("<b>데일리 브리프 — 2026년 11월 24일 화요일</b>")
    assert "<i>지난 자료 · 2019년 6월</i>" in korean  # the brief's own date, in Korean too
    assert "기도 제목" in korean and "Prayer point" not in korean
    assert sender.digests("2")[0].startswith("<b>Daily brief — Tuesday 24 November 2026")
