"""What the operator subcommands print: previews, the topic table, the figures.

Kept apart from argument parsing so each view is a plain function tests can call.
"""

from __future__ import annotations

from datetime import date

from bot.bootstrap import ContentError, live_catalog
from bot.config import Config
from bot.core.digest import compose
from bot.core.handlers.operator import stats_reply
from bot.core.views import digest_reply
from bot.domain.clock import SystemClock
from bot.render.plain import render
from bot.store import Store
from bot.store.outbox import Outbox


def _catalog_or_report(config: Config):
    try:
        return live_catalog(config.content_dir).current
    except ContentError as error:
        print("The content library has problems (run `briefbot check` for the full list):")
        for line in error.problems[:10]:
            print(f"  {line}")
        return None


def preview(config: Config, day: date | None, topics: str) -> int:
    catalog = _catalog_or_report(config)
    if catalog is None:
        return 1
    follows: list[str] = []
    for name in filter(None, (n.strip() for n in topics.split(","))):
        topic = catalog.topic(name)
        if topic is None:
            hint = ", ".join(t.slug for t in catalog.suggest_topics(name))
            print(f"Unknown topic '{name}'." + (f" Did you mean: {hint}?" if hint else ""))
            print("`briefbot topics` lists them all.")
            return 1
        follows.append(topic.slug)
    day = day or SystemClock().now().date()
    digest = compose(catalog.library, day, follows=follows, max_briefs=config.briefs_per_digest)
    print(render(digest_reply(digest)))
    return 0


def topics_table(config: Config) -> int:
    catalog = _catalog_or_report(config)
    if catalog is None:
        return 1
    for topic in catalog.topics:
        briefs, prayers = len(catalog.briefs_for(topic.slug)), len(catalog.prayers_for(topic.slug))
        print(f"{topic.slug:<16} {topic.title}")
        print(f"{'':<16} {briefs} briefs, {prayers} prayer points")
        if topic.aliases:
            print(f"{'':<16} also: {', '.join(topic.aliases)}")
    return 0


async def stats(config: Config) -> int:
    if not config.database.exists():
        print(f"No database at {config.database} yet: the bot has not run with this config.")
        return 0
    clock = SystemClock()
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    async with await Store.open(config.database, clock) as store:
        figures = await store.stats(today=clock.now().date())
        delivery = await Outbox(store.db, clock).stats(since=midnight)
    print(render(stats_reply(figures, delivery)))
    return 0
