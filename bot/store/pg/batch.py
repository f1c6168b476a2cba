"""Many rows of one INSERT as one statement on PostgreSQL.

asyncpg's `executemany` sends a batch's rows in one round trip, but the server still runs the
statement once per row, each run with its own executor start, index lookups and end. At the
1,000 messages a second of a paid broadcast the sender writes several rows per message (what
each message carried, what each chat received): profiled on the ceiling benchmark, the
`received` upserts alone were 29,076 runs, 613 ms of the server's time. So a plain

    INSERT INTO t (a, b) VALUES ($1, $2) [ON CONFLICT …]

is sent instead as

    INSERT INTO t (a, b) SELECT * FROM unnest($1::T[], $2::U[]) [ON CONFLICT …]

one run for the whole batch, each column one array; the columns' types are asked of the
server once per statement (by preparing the one-row form), since an array needs its type.

`ON CONFLICT … DO UPDATE` may not touch one row twice in a statement, while row after row it
may (the second row updates what the first wrote). A batch whose conflict target repeats is
therefore sent row by row, as before, so the outcome is the same either way. Statements of
another form (an expression among the values, no column list with `DO UPDATE`) go row by row.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

_INSERT = re.compile(
    r"^\s*(?P<head>INSERT\s+INTO\s+[\w.]+\s*(?:\((?P<columns>[^()]*)\))?)\s*"
    r"VALUES\s*\((?P<values>\s*\$\d+(?:\s*,\s*\$\d+)*\s*)\)(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_UPSERT = re.compile(r"\bON\s+CONFLICT\s*\((?P<target>[^()]*)\)\s*DO\s+UPDATE\b", re.IGNORECASE)
_UPDATES = re.compile(r"\bON\s+CONFLICT\b.*\bDO\s+UPDATE\b", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Insert:
    """A one-row INSERT read apart: what comes before VALUES, after it, and which of a row's
    values form the conflict target of an `ON CONFLICT (…) DO UPDATE` (None: no update)."""

    head: str
    rest: str
    key: tuple[int, ...] | None

    def unnested(self, types: Sequence[str]) -> str:
        arrays = ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(types, start=1))
        return f"{self.head} SELECT * FROM unnest({arrays}){self.rest}"

    def repeats_a_key(self, rows: Sequence[Sequence[Any]]) -> bool:
        if self.key is None:
            return False
        keys = {tuple(row[i] for i in self.key) for row in rows}
        return len(keys) < len(rows)


@functools.lru_cache(maxsize=256)  # read once per statement, as `sql.translate` is
def parse(text: str) -> Insert | None:
    """`text` (PostgreSQL's dialect, `$n` parameters) as an `Insert`, or None when it is not
    a plain one-row INSERT of its parameters in order."""
    match = _INSERT.match(text)
    if match is None:
        return None
    numbers = [int(value.strip()[1:]) for value in match["values"].split(",")]
    if numbers != list(range(1, len(numbers) + 1)):
        return None
    rest, key = match["rest"], None
    if _UPDATES.search(rest):
        upsert = _UPSERT.search(rest)
        columns = [c.strip().lower() for c in (match["columns"] or "").split(",") if c.strip()]
        if upsert is None or len(columns) != len(numbers):
            return None
        target = [c.strip().lower() for c in upsert["target"].split(",")]
        if not set(target) <= set(columns):
            return None
        key = tuple(columns.index(c) for c in target)
    return Insert(match["head"], f" {rest.strip()}" if rest.strip() else "", key)


_types: dict[str, tuple[str, ...]] = {}  # statement -> its parameters' types, per process


async def insert_many(raw: asyncpg.Connection, text: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run the one-row statement `text` for each of `rows`, as one statement where it can."""
    insert = parse(text) if len(rows) > 1 else None
    if insert is None or insert.repeats_a_key(rows):
        await raw.executemany(text, rows)
        return
    if text not in _types:
        statement = await raw.prepare(text)
        _types[text] = tuple(
            f'"{kind.schema}"."{kind.name}"' for kind in statement.get_parameters()
        )
    columns = [list(column) for column in zip(*rows, strict=True)]
    await raw.execute(insert.unnested(_types[text]), *columns)
