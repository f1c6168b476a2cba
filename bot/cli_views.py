"""What the operator subcommands print: previews, the topic table, the figures.

Kept apart from argument parsing so each view is a plain function tests can call.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from bot.bootstrap import ContentError, live_catalog
from bot.catalog.findings import (
    ACK_FILE,
    Sources,
    acknowledge,
    library_findings,
    read_acknowledged,
)
from bot.catalog.loader import LoadResult
from bot.catalog.model import Brief, Library, Prayer
from bot.catalog.protected import FILE_NAME, KEY_ENV, MIN_KEY_LENGTH, add_name, normalise
from bot.catalog.translations import in_language
from bot.config import Config
from bot.core.digest import compose
from bot.core.handlers.operator import stats_reply
from bot.core.longevity import (
    HORIZON_DAYS,
    WARN_UNDER_DAYS,
    days_until_repeat,
    longevity,
    reader_days,
)
from bot.core.messages import current_locale, t, tn
from bot.core.reply import Reply
from bot.core.views import digest_reply, long_date, shown_title
from bot.domain.clock import SystemClock
from bot.domain.secrets import scrub
from bot.render import discord_embeds, plain, telegram_html
from bot.store import Store, StoreError, location
from bot.store.outbox import Outbox


def _catalog_or_report(config: Config):
    try:
        return live_catalog(config.content_dir).current
    except ContentError as error:
        print("The content library has problems (run `briefbot check` for the full list):")
        for line in error.problems[:10]:
            print(f"  {line}")
        return None


def as_platform(reply: Reply, platform: str) -> str:
    """A reply as `platform` would send it: console text, Telegram HTML messages (each with its
    buttons), or Discord messages as the JSON of their embeds and components."""
    if platform == "telegram":
        texts = telegram_html.render(reply)
        blocks = [
            f"--- Telegram message {i} of {len(texts)} ---\n{text}"
            for i, text in enumerate(texts, 1)
        ]
        labels = [f"[{button.label}]" for row in reply.buttons for button in row]
        return "\n\n".join(blocks) + (f"\nbuttons: {' '.join(labels)}" if labels else "")
    if platform == "discord":
        messages = discord_embeds.render(reply)
        payload = [{"embeds": m.embeds, "components": m.components()} for m in messages]
        return json.dumps(payload, ensure_ascii=False, indent=2)
    return plain.render(reply)


def report_findings(
    result: LoadResult, root: Path, sources: Path | None, ack: tuple[str, str] | None
) -> list[str]:
    """Print what needs an editor's eye; return the own-words findings, which fail the check.

    Identifying details are warnings (a person decides); text shared with a source breaks house
    rule 1 unless an editor acknowledged it (a name, a title). `ack` = (entry id, reason)
    acknowledges that entry's current findings first.
    """
    assert result.library is not None
    if sources is not None and not sources.is_dir():
        return [f"{sources.resolve()}: the sources folder does not exist"]
    found = library_findings(result.library, Sources(sources) if sources else None)
    if ack is not None:
        mine = [f for f in found if f.entry == ack[0]]
        if not mine:
            return [f"{ack[0]}: no current finding to acknowledge (check the entry id)"]
        acknowledge(root, mine, ack[1])
        print(f"Acknowledged {counted(len(mine), 'finding')} of {ack[0]}.")
    reviewed = read_acknowledged(root)
    failing, quiet = [], 0
    for finding in found:
        if (finding.entry, finding.fingerprint) in reviewed:
            quiet += 1
            continue
        path, lines = result.locations[finding.entry]
        where = f"{path}:{lines.get(finding.field, 0)}: {finding.message}"
        if finding.check in ("shared-run", "similar-sentence"):
            failing.append(where)
        else:
            print(f"warning: {where}")
    if quiet:
        were = "was" if quiet == 1 else "were"
        print(f"{counted(quiet, 'finding')} {were} reviewed and acknowledged ({root / ACK_FILE}).")
    return failing


def report_longevity(library: Library, max_briefs: int) -> None:
    """Say how long the library lasts; warn where a reader would soon meet repeats."""
    figures = longevity(library, SystemClock().now().date(), max_briefs)
    print(
        f"The library lasts {counted(figures.until_repeat, 'day')} for a continuing subscriber "
        "before the first repeat."
    )
    if figures.until_repeat < WARN_UNDER_DAYS:
        print(f"warning: fewer than {WARN_UNDER_DAYS} days before repeats; add briefs.")
    short = {slug: days for slug, days in figures.per_topic.items() if days < WARN_UNDER_DAYS}
    for slug, days in sorted(short.items(), key=lambda item: item[1]):
        print(
            f"warning: a reader following only '{slug}' gets new briefs on it for "
            f"{counted(days, 'day')}; add briefs on this topic to reach {WARN_UNDER_DAYS}."
        )


def protect_name(root: Path) -> int:
    """Ask for a name (hidden at a terminal) and add its keyed hash to the content's list."""
    key = os.environ.get(KEY_ENV, "")
    if len(key) < MIN_KEY_LENGTH:
        print(
            f"Set {KEY_ENV} to the editors' shared secret (at least {MIN_KEY_LENGTH} "
            "characters, the same for everyone who checks the content) and try again."
        )
        return 1
    if not root.is_dir():
        print(f"The content folder {root.resolve()} does not exist.")
        return 1
    prompt = "Name or pseudonym to protect (not shown): "
    name = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    if not normalise(name):
        print("No name given; nothing was added.")
        return 1
    count = add_name(root, key, name)
    print(f"Added. {root / FILE_NAME} now protects {counted(count, 'name')}; commit that file.")
    return 0


T = TypeVar("T", Brief, Prayer)


def preview(
    config: Config, day: date | None, topics: str, platform: str = "console", days: int = 1
) -> int:
    """One day's digest in full, or with `days` over 1, what one subscriber who joins on `day`
    receives day by day, and when repeats would begin."""
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
    if days > 1:
        follow_a_reader(catalog.library, day, days, tuple(follows), config.briefs_per_digest)
        return 0
    digest = compose(catalog.library, day, follows=follows, max_briefs=config.briefs_per_digest)
    print(as_platform(digest_reply(digest, archive_after=config.archive_after_months), platform))
    return 0


def follow_a_reader(
    library: Library, joined: date, days: int, follows: tuple[str, ...], max_briefs: int
) -> None:
    """A line per day: the briefs (a repeat marked) and the prayer point; then when the first
    repeat comes, looking further ahead than `days` if need be. In the language spoken."""
    if follows:
        print(
            t("preview.follow.joins_following", date=long_date(joined), topics=", ".join(follows))
        )
    else:
        print(t("preview.follow.joins", date=long_date(joined)))
    for digest, received in reader_days(library, joined, days, follows, max_briefs):
        print(f"\n{long_date(digest.day)}")
        for brief in digest.briefs:
            line = t("preview.follow.brief", id=brief.id, title=_shown(brief).title)
            if brief.id in received:
                line += "  " + t("preview.follow.repeat", date=long_date(received[brief.id]))
            print(f"  {line}")
        if digest.prayer is not None:
            prayer = _shown(digest.prayer)
            title = prayer.title or prayer.text
            print("  " + t("preview.follow.prayer", id=prayer.id, title=title))
    first = days_until_repeat(library, joined, follows, max_briefs)
    print()
    if first >= HORIZON_DAYS:
        print(tn("preview.follow.no_repeats", HORIZON_DAYS))
    else:
        key = "preview.follow.no_new_brief" if follows else "preview.follow.first_repeat"
        print(t(key, day=first + 1, date=long_date(joined + timedelta(days=first))))


def _shown(entry: T) -> T:
    """The entry in the language being spoken (the English where not translated)."""
    return in_language(entry, current_locale.get())[0]


def topics_table(config: Config) -> int:
    catalog = _catalog_or_report(config)
    if catalog is None:
        return 1
    width = max((len(topic.slug) for topic in catalog.topics), default=0)
    for topic in catalog.topics:
        briefs, prayers = len(catalog.briefs_for(topic.slug)), len(catalog.prayers_for(topic.slug))
        print(f"{topic.slug:<{width}}  {shown_title(topic)}")
        print(f"{'':<{width}}  {tn('count.briefs', briefs)}, {tn('count.prayers', prayers)}")
        if topic.aliases:
            print(f"{'':<{width}}  also: {', '.join(topic.aliases)}")
    return 0


async def stats(config: Config) -> int:
    if not location.exists(config.database):
        print(f"No database at {config.database} yet: the bot has not run with this config.")
        return 0
    clock = SystemClock()
    midnight = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        async with await Store.open(config.database, clock) as store:
            figures = await store.stats(today=clock.now().date())
            outbox = Outbox(store.db, clock)
            delivery = await outbox.stats(since=midnight)
            corrections = await outbox.running_corrections()
    except StoreError as error:
        print(scrub(str(error)), file=sys.stderr)
        return 1
    print(plain.render(stats_reply(figures, delivery, corrections)))
    return 0


def counted(count: int, noun: str) -> str:
    """A number with its noun, "1 day" or "3 days": the operator's commands speak English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
