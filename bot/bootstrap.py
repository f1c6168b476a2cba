"""The one place that wires things: config → clock → store → catalog → core services.

Nothing else constructs its own dependencies. Entry points (the CLI, tests, benchmarks) call
`open_services` and hand the result to whichever adapters they run.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from bot.catalog.live import LiveCatalog
from bot.catalog.loader import LoadResult, load_library
from bot.catalog.model import Brief, Entry
from bot.catalog.protected import KEY_ENV
from bot.catalog.translations import in_language
from bot.config import Config
from bot.core.composer import Composer
from bot.core.context import CoreSettings, Services
from bot.core.messages import use_locale
from bot.core.views import entry_parts
from bot.delivery.engine import DeliveryEngine
from bot.delivery.ports import Limits, PlatformSender
from bot.delivery.settings import EngineSettings
from bot.domain.clock import Clock, SystemClock
from bot.domain.ports import SendBudget
from bot.render.telegram_html import TELEGRAM_LIMIT, escaped_at_most, rendered_length
from bot.store import Store, StoreError, location
from bot.store.outbox import Outbox
from bot.store.send_budget import SharedSendBudget

PRAYER_KEY_ENV = "BRIEFBOT_PRAYER_KEY"

log = logging.getLogger(__name__)


class ContentError(Exception):
    """The content library has problems; `problems` lists them as `path:line: reason`."""

    def __init__(self, result: LoadResult) -> None:
        self.problems = [str(p) for p in result.problems]
        super().__init__("\n".join(self.problems))


LABELS_AT_MOST = 600  # what rendering adds to an entry's own text: labels, dates, markup


def measure_entry(entry: Entry, language: str) -> int:
    """An entry's length once rendered in `language` as one Telegram message, for the content
    checker: its labels and dates in that language too.

    Rendering every entry of a large library in every language is most of a load's time, and
    nearly every entry is far from the limit; so an entry whose own text, escaped, plus the
    most the labels can add, fits for sure is measured by that bound alone (tests hold the
    bound against the renderer)."""
    bound = text_at_most(entry, language) + LABELS_AT_MOST
    if bound <= TELEGRAM_LIMIT:
        return bound
    with use_locale(language):
        return rendered_length(entry_parts(entry))


def text_at_most(entry: Entry, language: str) -> int:
    """The most the entry's own text in `language` can take once escaped for Telegram: each
    source counted twice (the link names one), the link's address six times over."""
    shown, _ = in_language(entry, language)
    if isinstance(shown, Brief):
        texts = [shown.title, shown.summary, shown.content_note or "", shown.lead or ""]
        texts += [*shown.sources, *shown.sources]
        link = shown.link or ""
    else:
        texts, link = [shown.title or "", shown.text, shown.verse or "", shown.act or ""], ""
    return escaped_at_most("".join(texts)) + 6 * len(link)


def load_content(root: Path) -> LoadResult:
    """Load and validate the library with the real rendering limit and, when the environment
    holds the key, the protected-names list: a reload refuses what `check` refuses."""
    return load_library(
        root,
        max_rendered=measure_entry,
        limit=TELEGRAM_LIMIT,
        names_key=os.environ.get(KEY_ENV) or None,
    )


def live_catalog(root: Path) -> LiveCatalog:
    """A catalog loaded from `root`, or ContentError listing every problem."""
    catalog = LiveCatalog(root, load=load_content)
    result = catalog.reload()
    if result.library is None:
        raise ContentError(result)
    return catalog


def engine_settings(config: Config) -> EngineSettings:
    delivery = config.delivery
    return EngineSettings(
        catch_up=timedelta(hours=delivery.catch_up_hours),
        max_attempts=delivery.max_attempts,
        backoff_seconds=delivery.backoff_seconds,
        concurrency=delivery.concurrency,
        claim_timeout=timedelta(seconds=delivery.claim_timeout_seconds),
        unhealthy_after=timedelta(seconds=delivery.unhealthy_after_seconds),
    )


def telegram_limits(config: Config) -> Limits:
    telegram = config.telegram
    return Limits(
        per_second=telegram.global_per_second,
        chat_interval=telegram.per_chat_seconds,
        group_per_minute=telegram.group_per_minute,
    )


def delivery_engine(
    services: Services, senders: Sequence[PlatformSender], config: Config
) -> DeliveryEngine:
    """The engine for `senders`, sharing the services' store, queue, catalog and clock, and
    woken by the same event the core sets when it queues a broadcast."""
    return DeliveryEngine(
        services.store,
        services.outbox,
        Composer(
            services.catalog,
            config.briefs_per_digest,
            config.telegram.protect_content,
            config.archive_after_months,
            config.digest_style,
            config.language,
        ),
        senders,
        services.clock,
        engine_settings(config),
        wake=services.queued,
    )


def core_settings(config: Config, extra_operators: Iterable[tuple[str, str]] = ()) -> CoreSettings:
    operators = {("telegram", str(u)) for u in config.telegram.operators}
    operators |= {("discord", str(u)) for u in config.discord.operators}
    return CoreSettings(
        default_time=config.default_time,
        default_timezone=config.timezone,
        max_briefs=config.briefs_per_digest,
        operators=frozenset(operators | set(extra_operators)),
        protect_content=config.telegram.protect_content,
        archive_after_months=config.archive_after_months,
        digest_style=config.digest_style,
        default_language=config.language,
        sent_records_days=config.delivery.sent_records_days,
    )


def prayer_key(database: Path | str) -> bytes:
    """The secret "I prayed" hashes people with: `BRIEFBOT_PRAYER_KEY`, else a random key
    kept in a file of its own beside the database (created once, readable by its owner only),
    so the count survives restarts and a copy of the database alone cannot be tested against
    known user ids. With PostgreSQL the environment must give it: every instance must hash
    with the same key, and there is no file they share."""
    given = os.environ.get(PRAYER_KEY_ENV, "")
    if given:
        return given.encode()
    file = location.sqlite_file(database)
    if file is None:
        raise StoreError(
            f"set {PRAYER_KEY_ENV} (at least 32 random characters, the same for every "
            "instance) to use a PostgreSQL database"
        )
    path = file.with_name(file.name + ".prayer-key")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(descriptor, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@asynccontextmanager
async def open_services(
    config: Config,
    clock: Clock | None = None,
    extra_operators: Iterable[tuple[str, str]] = (),
    platforms: Iterable[str] = (),
) -> AsyncIterator[Services]:
    """Load content first (cheap to fail), then open the database; close it on the way out."""
    catalog = live_catalog(config.content_dir)
    clock = clock or SystemClock()
    store = await Store.open(config.database, clock)
    try:
        yield Services(
            store=store,
            outbox=Outbox(store.db, clock),
            catalog=catalog,
            clock=clock,
            settings=core_settings(config, extra_operators),
            platforms=tuple(platforms),
            prayer_key=prayer_key(config.database),
        )
    finally:
        await store.close()


def shared_send_budget(services: Services, platform: str, per_second: float) -> SendBudget:
    """`platform`'s sending budget kept in the services' database, which every process on
    that database takes its turns from (`bot.store.send_budget`)."""
    store = services.store
    assert isinstance(store, Store)  # what `open_services` opened
    return SharedSendBudget(store.db, platform, per_second)
