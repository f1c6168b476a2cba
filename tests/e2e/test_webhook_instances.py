"""Two `briefbot run` processes in webhook mode behind a load balancer, on one database.

Telegram posts each update to one public URL (the first test runs on a SQLite file and on
PostgreSQL); a load balancer hands them to the processes in
turn (the fake's `balance_to`). One process holds the sender lock and delivers; the other
stands by for it and meanwhile answers the updates it is given. Both send on one token, whose
limit the fake enforces (30 messages a second overall, one a second per chat): the answers of
the standby take their turns from the budget kept in the database, which the sender's
deliveries draw on too, so a burst of commands during a morning's delivery is answered by
both processes and the fake never refuses a send.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.delivery_helpers import digest_counts
from tests.e2e.delivery_process import BotProcess, free_port, write_config
from tests.e2e.test_delivery_crash import TOKEN, subscribers_due_now
from tests.e2e.test_monitoring import get, until
from tests.e2e.test_one_sender import STANDING_BY, answers, logged
from tests.e2e.test_postgres_instances import PRAYER_KEY
from tests.fakes.telegram_api import FakeBotApi, User

pytestmark = pytest.mark.timing  # real rates, two processes

PUBLIC_URL = "https://bot.example.org/telegram"
READERS = [User(90_000 + n, f"Reader{n}") for n in range(45)]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """The fake at 30/s and 1/s per chat, with this process's cycle collector paused while
    it runs, as in test_postgres_instances: a collection among its transcripts would hold its
    loop and bunch its arrival stamps into a burst the bots never sent."""
    gc.disable()
    try:
        async with FakeBotApi(TOKEN, global_rate=30, per_chat_rate=1) as api:
            yield api
    finally:
        gc.enable()


def behind_the_balancer(
    folder: Path, api: FakeBotApi, database: Path | str, **sections: dict
) -> Path:
    """A config in webhook mode listening on a port of its own, on the shared database."""
    webhook = {"public_url": PUBLIC_URL, "listen": "127.0.0.1", "port": free_port()}
    telegram = {"mode": "webhook", "webhook": webhook}
    folder.mkdir(exist_ok=True)
    return write_config(
        folder, api, database, {"telegram": telegram, **sections}, tick_seconds=1
    )


def listening_at(config: Path) -> str:
    import yaml

    port = yaml.safe_load(config.read_text(encoding="utf-8"))["telegram"]["webhook"]["port"]
    return f"http://127.0.0.1:{port}/telegram"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_the_standby_answers_its_share_within_the_one_budget(
    api: FakeBotApi,
    tmp_path: Path,
    processes: Callable[..., BotProcess],
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    database: Path | str = tmp_path / "bot.sqlite3"
    if backend == "postgresql":
        database = request.getfixturevalue("postgres_url")
    env = {"BRIEFBOT_PRAYER_KEY": PRAYER_KEY}
    chat_ids = await subscribers_due_now(database, 450)
    health = free_port()
    first_config = behind_the_balancer(tmp_path / "first", api, database)
    second_config = behind_the_balancer(
        tmp_path / "second", api, database, monitoring={"enabled": True, "port": health}
    )
    first = processes(first_config, **env)
    await logged(first, "running on telegram", timeout=20)
    second = processes(second_config, **env)
    await logged(second, STANDING_BY, timeout=20)
    assert "answering readers on telegram meanwhile" in second.output()
    api.webhook.balance_to = [listening_at(first_config), listening_at(second_config)]

    async with aiohttp.ClientSession() as session:
        base = f"http://127.0.0.1:{health}"
        await until(lambda: answers(session, f"{base}/readyz"))
        assert await get(session, f"{base}/readyz") == (200, "ok\n")  # it takes traffic

    # A burst of commands in the middle of the delivery, half of them to each process: new
    # readers, and subscribers whose digests are about to go (the one-a-second gap per chat
    # holds across the two processes too).
    await api.wait_for(lambda: api.stats.accepted >= 150, timeout=30)
    delivered_before = api.stats.accepted
    subscribers = [User(chat_id, "Subscriber") for chat_id in chat_ids[160:180]]
    for reader in READERS + subscribers:
        api.send_text(reader.chat, reader, "/settings" if reader in subscribers else "/start")
    for reader in READERS:
        [welcome] = await api.wait_for_messages(reader.id, 1, timeout=20)
        assert welcome["text"].startswith("Welcome")
    for reader in subscribers:
        await api.wait_for_messages(reader.id, 2, timeout=30)  # the answer and the digest
    assert api.stats.accepted - delivered_before < len(chat_ids)  # answered mid-delivery

    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=60)
    assert set(digest_counts(api, chat_ids).values()) == {1}
    answered_by = Counter(post.target for post in api.webhook.posts if post.status == 200)
    assert len(answered_by) == 2 and min(answered_by.values()) >= 30, answered_by
    assert api.stats.rate_limited == 0, api.stats.rate_limited_at  # one budget for both
    assert api.stats.sent_inside_wait == 0

    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=10) == 0, second.output()
    first.signal(signal.SIGTERM)
    assert await first.wait(timeout=10) == 0, first.output()


async def test_when_the_sender_dies_the_standby_delivers_and_goes_on_answering(
    api: FakeBotApi, tmp_path: Path, processes: Callable[[Path], BotProcess]
) -> None:
    database = tmp_path / "bot.sqlite3"
    chat_ids = await subscribers_due_now(database, 300)
    first_config = behind_the_balancer(tmp_path / "first", api, database)
    second_config = behind_the_balancer(tmp_path / "second", api, database)
    first = processes(first_config)
    await logged(first, "running on telegram", timeout=20)
    second = processes(second_config)
    await logged(second, STANDING_BY, timeout=20)
    api.webhook.balance_to = [listening_at(first_config), listening_at(second_config)]

    await api.wait_for(lambda: api.stats.accepted >= 90, timeout=30)
    first.signal(signal.SIGKILL)
    assert await first.wait(timeout=5) == -signal.SIGKILL
    killed = asyncio.get_running_loop().time()
    await logged(second, "taking over", timeout=10)
    assert asyncio.get_running_loop().time() - killed < 10

    for reader in READERS[:10]:  # the balancer finds the dead one refusing, and moves on
        api.send_text(reader.chat, reader, "/start")
    for reader in READERS[:10]:
        await api.wait_for_messages(reader.id, 1, timeout=20)
    await api.wait_for(lambda: all(digest_counts(api, chat_ids).values()), timeout=60)
    counts = digest_counts(api, chat_ids)
    assert min(counts.values()) == 1
    assert sum(n > 1 for n in counts.values()) <= 8  # only what was in flight
    assert api.stats.rate_limited == 0, api.stats.rate_limited_at
    second.signal(signal.SIGTERM)
    assert await second.wait(timeout=10) == 0, second.output()
