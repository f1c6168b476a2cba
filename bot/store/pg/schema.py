"""The PostgreSQL schema: created whole in an empty database, upgraded in place by migrations.

`schema.sql` is the schema at `BASE_VERSION`, the release PostgreSQL support came with (the
SQLite migrations 001-008 in PostgreSQL's dialect). Every later change is one numbered file
in `migrations/`, numbered as its SQLite twin in `bot/store/migrations/`, so the two backends
always agree on what version N holds. An empty database gets `schema.sql` and then every
migration, so a fresh database and an upgraded one are the same; `briefbot_schema` records
the version reached, in the same transaction as the change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from bot.store.errors import StoreError

HERE = Path(__file__).parent
BASE = HERE / "schema.sql"
BASE_VERSION = 8
NAME = re.compile(r"(\d{3})_\w+\.sql")


@dataclass(frozen=True, order=True)
class Migration:
    version: int
    path: Path


def migrations() -> list[Migration]:
    """The upgrades after the base, in order (their numbers follow on without a gap)."""
    found = sorted(
        Migration(int(match.group(1)), path)
        for path in (HERE / "migrations").glob("*.sql")
        if (match := NAME.fullmatch(path.name))
    )
    expected = list(range(BASE_VERSION + 1, BASE_VERSION + 1 + len(found)))
    assert [m.version for m in found] == expected, "PostgreSQL migrations must follow on"
    return found


SCHEMA_VERSION = BASE_VERSION + len(migrations())


async def bring_up_to_date(raw: asyncpg.Connection, shown: str) -> int:
    """Create the schema in an empty database, apply the migrations it lacks, and return the
    version it is at now (higher than ours when a newer briefbot wrote it: the caller refuses
    that). Runs inside the caller's transaction, under an advisory lock it holds, so two
    instances starting at once change it once."""
    if not await raw.fetchval("SELECT to_regclass('briefbot_schema') IS NOT NULL"):
        tables = await raw.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
        if tables:
            raise StoreError(
                f"database {shown} holds tables that are not briefbot's: "
                "give briefbot a database of its own"
            )
        await raw.execute(BASE.read_text(encoding="utf-8"))
        await raw.execute("CREATE TABLE briefbot_schema (version INTEGER NOT NULL)")
        await raw.execute("INSERT INTO briefbot_schema VALUES ($1)", BASE_VERSION)
    version = int(await raw.fetchval("SELECT max(version) FROM briefbot_schema"))
    for migration in migrations():
        if migration.version > version:
            await raw.execute(migration.path.read_text(encoding="utf-8"))
            await raw.execute("UPDATE briefbot_schema SET version = $1", migration.version)
            version = migration.version
    return version
