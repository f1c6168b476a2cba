"""The SQLite-to-PostgreSQL spelling of the store's statements (`bot.store.pg.sql`), checked
as text; every store test on PostgreSQL checks what they do."""

from __future__ import annotations

import pytest

from bot.store.pg.sql import NotPortable, translate


def test_positional_and_named_parameters_are_numbered() -> None:
    assert translate("SELECT ? + ?", (1, 2)) == ("SELECT $1 + $2", [1, 2])
    text, values = translate("SELECT :a, :b, :a", {"a": 1, "b": True})
    assert (text, values) == ("SELECT $1, $2, $1", [1, 1])  # flags go as 0/1


def test_an_in_list_is_one_array_so_every_length_is_one_statement() -> None:
    assert translate("SELECT x FROM t WHERE a IN (?, ?, ?) AND b = ?", (1, 2, 3, 4)) == (
        "SELECT x FROM t WHERE a = ANY($1) AND b = $2",
        [[1, 2, 3], 4],
    )
    one, _ = translate("SELECT x FROM t WHERE a IN (?)", (1,))
    two, _ = translate("SELECT x FROM t WHERE a IN (?, ?)", (1, 2))
    assert one == two == "SELECT x FROM t WHERE a = ANY($1)"


def test_not_in_becomes_all_and_quoted_marks_stay_text() -> None:
    assert translate("SELECT 1 WHERE a NOT IN (?,?) AND c = 'x IN (?)'", (1, 2)) == (
        "SELECT 1 WHERE a <> ALL($1) AND c = 'x IN (?)'",
        [[1, 2]],
    )


def test_sqlite_spellings_become_postgresql_ones() -> None:
    text, _ = translate("INSERT OR IGNORE INTO t (a) VALUES (?)", (1,))
    assert text == "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
    text, _ = translate("UPDATE t SET a = max(a, ?)", (1,))
    assert "GREATEST(a, $1)" in text


def test_what_has_no_postgresql_form_is_refused() -> None:
    with pytest.raises(NotPortable):
        translate("UPDATE OR IGNORE t SET a = 1")
    with pytest.raises(ValueError, match="2 parameters expected"):
        translate("SELECT ?, ?", (1,))
