"""Many rows of one INSERT as one statement on PostgreSQL (`bot.store.pg.batch`): read apart
as text, and run on a real server, where a batch must end as row by row would have."""

from __future__ import annotations

import asyncpg

from bot.store.pg.batch import insert_many, parse

UPSERT = """INSERT INTO seen (chat, entry, day) VALUES ($1, $2, $3)
            ON CONFLICT (entry, chat) DO UPDATE SET day = GREATEST(seen.day, excluded.day)"""


def test_a_plain_insert_becomes_one_over_arrays() -> None:
    insert = parse("INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING")
    assert insert is not None and insert.key is None
    assert insert.unnested(["int8", "text"]) == (
        "INSERT INTO t (a, b) SELECT * FROM unnest($1::int8[], $2::text[]) ON CONFLICT DO NOTHING"
    )
    assert parse("INSERT INTO pg_temp.plan VALUES ($1, $2)") is not None


def test_an_upsert_knows_which_values_are_its_key() -> None:
    insert = parse(UPSERT)
    assert insert is not None and insert.key == (1, 0)
    assert insert.repeats_a_key([(1, "a", 1), (1, "a", 2)])
    assert not insert.repeats_a_key([(1, "a", 1), (2, "a", 2), (1, "b", 3)])


def test_other_forms_are_left_to_go_row_by_row() -> None:
    assert parse("INSERT INTO t (a, b) VALUES ($1, $2 + 1)") is None
    assert parse("INSERT INTO t (a, b) VALUES ($2, $1)") is None
    assert parse("INSERT INTO t (a) SELECT $1") is None
    assert parse("UPDATE t SET a = $1") is None
    assert parse("INSERT INTO t VALUES ($1) ON CONFLICT (a) DO UPDATE SET a = 1") is None


async def test_a_batch_ends_as_row_by_row_would(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        await connection.execute(
            "CREATE TABLE seen (chat bigint, entry text, day text, PRIMARY KEY (chat, entry))"
        )
        await insert_many(connection, UPSERT, [(1, "a", "2026-12-01"), (2, "a", "2026-12-01")])
        # One statement may not update a row twice: a batch that repeats a key still works.
        await insert_many(
            connection,
            UPSERT,
            [
                (1, "a", "2026-12-03"),
                (1, "a", "2026-12-02"),
                (3, "b", None),
                (2, "a", "2026-11-30"),
            ],
        )
        rows = await connection.fetch("SELECT chat, entry, day FROM seen ORDER BY chat")
        assert [tuple(r) for r in rows] == [
            (1, "a", "2026-12-03"),
            (2, "a", "2026-12-01"),
            (3, "b", None),
        ]
    finally:
        await connection.close()
