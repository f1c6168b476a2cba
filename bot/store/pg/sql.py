"""The store's SQLite statements as PostgreSQL runs them.

The store's modules write one dialect: SQLite's, with `?` or `:name` parameters. Most of it is
standard SQL that PostgreSQL reads as it is; the rest is a short list of spellings, rewritten
here once per statement (and cached), so that one set of modules serves both backends:

- `?` and `:name` parameters become `$1`, `$2`, … (a repeated name keeps its number);
- `INSERT OR IGNORE` becomes `INSERT … ON CONFLICT DO NOTHING`;
- `json_group_array(x)` becomes `coalesce(json_agg(x), '[]')` (SQLite's gives `[]` for none),
  and `group_concat(x)` becomes `string_agg(x, ',')`;
- the two-argument `max(a, b)` and `min(a, b)` become `GREATEST` and `LEAST`;
- `a IS NOT b` (b not NULL) becomes `a IS DISTINCT FROM b`;
- `temp.` becomes `pg_temp.`, and `WITHOUT ROWID` goes (every table has a key there);
- a list of `?` parameters, `x IN (?, ?, ?)`, becomes one array parameter, `x = ANY($1)`
  (`NOT IN`: `<> ALL`), so that a statement's text no longer depends on how many values it
  is given: a list of every length was a statement of its own to prepare and plan, 4-8 ms a
  time against 0.2 ms, and the busiest statements of a 1,000/s sender have such lists.

What cannot be rewritten safely (`UPDATE OR IGNORE`) is refused, so that a new statement
fails in the tests on PostgreSQL rather than doing something else there.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IS_NOT = re.compile(r"\bIS\s+NOT\s+(?!NULL\b)", re.IGNORECASE)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_UPDATE_OR_IGNORE = re.compile(r"\bUPDATE\s+OR\s+IGNORE\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_ON_CONFLICT = re.compile(r"\bON\s+CONFLICT\b", re.IGNORECASE)
_TEMP = re.compile(r"\btemp\.", re.IGNORECASE)
_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID", re.IGNORECASE)
_IN_LIST = re.compile(r"\b(NOT\s+)?IN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)", re.IGNORECASE)

# How a statement's positional parameters are passed: one entry per `$n`, 0 for a value as it
# is, k for the next k values as one array (an IN list).
Shape = tuple[int, ...]


class NotPortable(ValueError):
    """A statement this module does not know how to say in PostgreSQL."""


@functools.lru_cache(maxsize=1024)
def _translated(sql: str) -> tuple[str, tuple[str, ...] | Shape]:
    """The statement for PostgreSQL, and how its parameters are read: the names in order of
    their numbers, or the shape of the positional ones."""
    if _UPDATE_OR_IGNORE.search(sql):
        raise NotPortable(f"UPDATE OR IGNORE has no PostgreSQL form: {sql.strip()[:80]}")
    sql, lists = _arrays(sql)
    text, names, positional = _parameters(sql)
    if _OR_IGNORE.search(text):
        text = _OR_IGNORE.sub("INSERT INTO", text)
        if not _ON_CONFLICT.search(text):
            returning = _RETURNING.search(text)
            at = returning.start() if returning else len(text.rstrip().rstrip(";"))
            text = f"{text[:at].rstrip()} ON CONFLICT DO NOTHING {text[at:]}".rstrip()
    text = _functions(text)
    text = _IS_NOT.sub("IS DISTINCT FROM ", text)
    text = _TEMP.sub("pg_temp.", text)
    text = _WITHOUT_ROWID.sub(")", text)
    if names:
        if lists:
            raise NotPortable("a statement mixes an IN list of ? with :name parameters")
        return text, tuple(names)
    return text, _shape(positional, lists)


def translate(sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> tuple[str, list]:
    """`sql` and its parameters as asyncpg takes them."""
    text, reading = _translated(sql)
    if reading and isinstance(reading[0], str):
        assert isinstance(parameters, Mapping), "named parameters need a mapping"
        return text, [_plain(parameters[str(name)]) for name in reading]
    values = list(parameters.values() if isinstance(parameters, Mapping) else parameters)
    shape = [int(size) for size in reading]
    expected = sum(size or 1 for size in shape)
    if len(values) != expected:
        raise ValueError(f"{expected} parameters expected, {len(values)} given")
    passed: list[Any] = []
    for size in shape:
        taken, values = values[: size or 1], values[size or 1 :]
        passed.append([_plain(v) for v in taken] if size else _plain(taken[0]))
    return text, passed


def _plain(value: Any) -> Any:
    """Flags are 0/1 integers in the schema; Python's bools go as such."""
    return int(value) if isinstance(value, bool) else value


def _arrays(sql: str) -> tuple[str, dict[int, int]]:
    """Each IN list of `?` parameters as one `?` compared with ANY (ALL for NOT IN); returns
    the statement and, by that `?`'s number among the statement's (from 0), the list's length."""
    marks = _marks(sql)
    lists: dict[int, int] = {}
    out, last, collapsed = [], 0, 0  # `collapsed`: parameters the lists so far took away
    for match in _IN_LIST.finditer(sql):
        inside = bisect.bisect_left(marks, match.end()) - bisect.bisect_left(marks, match.start())
        if inside != match.group().count("?"):
            continue  # quoted text, not parameters
        lists[bisect.bisect_left(marks, match.start()) - collapsed] = inside
        collapsed += inside - 1
        out += [sql[last : match.start()], "<> ALL(?)" if match.group(1) else "= ANY(?)"]
        last = match.end()
    out.append(sql[last:])
    return "".join(out), lists


def _marks(sql: str) -> list[int]:
    """Where the `?` parameters are: outside quotes, as `_parameters` reads them."""
    marks, quote = [], ""
    for index, char in enumerate(sql):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "?":
            marks.append(index)
    return marks


def _shape(positional: int, lists: dict[int, int]) -> Shape:
    """One entry per positional parameter: 0 for a value, a list's length for an array."""
    return tuple(lists.get(index, 0) for index in range(positional))


def _parameters(sql: str) -> tuple[str, list[str], int]:
    """Number the parameters outside quoted text: `?` in order, `:name` once per name."""
    out: list[str] = []
    names: list[str] = []
    positional = 0
    index, quote = 0, ""
    while index < len(sql):
        char = sql[index]
        if quote:
            out.append(char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            positional += 1
            out.append(f"${positional}")
        elif char == ":" and index + 1 < len(sql) and sql[index + 1] == ":":
            out.append("::")  # a PostgreSQL cast, written by hand
            index += 1
        elif char == ":" and (word := _WORD.match(sql, index + 1)):
            name = word.group()
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            index = word.end() - 1
        else:
            out.append(char)
        index += 1
    if names and positional:
        raise NotPortable("a statement mixes ? and :name parameters")
    return "".join(out), names, positional


def _functions(sql: str) -> str:
    """Rewrite the calls whose names or meaning differ, innermost last."""
    result: list[str] = []
    index = 0
    while index < len(sql):
        word = _WORD.match(sql, index)
        if word is None or (index and (sql[index - 1].isalnum() or sql[index - 1] in "_.")):
            result.append(sql[index])
            index += 1
            continue
        name = word.group().lower()
        after = word.end()
        known = ("json_group_array", "group_concat", "max", "min")
        if after < len(sql) and sql[after] == "(" and name in known:
            close = _closing(sql, after)
            inside = _functions(sql[after + 1 : close])
            if name == "json_group_array":
                result.append(f"coalesce(json_agg({inside}), '[]')")
            elif name == "group_concat":
                separator = "" if _has_top_level_comma(inside) else ", ','"
                result.append(f"string_agg({inside}{separator})")
            elif _has_top_level_comma(inside):
                result.append(f"{'GREATEST' if name == 'max' else 'LEAST'}({inside})")
            else:
                result.append(f"{word.group()}({inside})")
            index = close + 1
            continue
        result.append(sql[index:after])
        index = after
    return "".join(result)


def _closing(sql: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(sql)):
        if sql[index] == "(":
            depth += 1
        elif sql[index] == ")":
            depth -= 1
            if depth == 0:
                return index
    raise NotPortable(f"unbalanced parentheses in: {sql[:80]}")


def _has_top_level_comma(text: str) -> bool:
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            return True
    return False
