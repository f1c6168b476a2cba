"""The store's errors, worded for the operator who has to act on them.

Everything the store raises on purpose is a `StoreError`, so callers (the CLI above all) can
catch one type and print its message, which says what is wrong and what to do about it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.domain.address import Address


class StoreError(Exception):
    """The database cannot be used as asked."""


class SchemaTooNewError(StoreError):
    """Refused on purpose: a newer briefbot may rely on data an older one would mangle."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"database {path} was written by a newer briefbot (schema {found}, this one knows "
            f"up to {known}); upgrade briefbot or use another database file"
        )
        self.path = path
        self.found = found
        self.known = known


class ChatNotFoundError(StoreError, LookupError):
    """The chat must exist first (see `Store.ensure_chat`)."""

    def __init__(self, chat: Address | int) -> None:
        super().__init__(f"no chat {chat} in the store")
        self.chat = chat


def primary_code(error: sqlite3.Error) -> int | None:
    """SQLite's primary result code (extended codes such as SQLITE_IOERR_SHORT_READ share its
    low byte)."""
    code = getattr(error, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


FILE_PROBLEMS = frozenset(
    {
        sqlite3.SQLITE_NOTADB,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
    }
)


def about_the_file(error: sqlite3.Error) -> bool:
    """Whether `error` is the file's or the disk's fault (for `unusable`), not the SQL's."""
    return primary_code(error) in FILE_PROBLEMS


def unusable(path: Path, error: sqlite3.Error) -> StoreError:
    """What an operator should read when SQLite refuses `path`, by the kind of refusal."""
    says = f"(SQLite says: {error})"
    match primary_code(error):
        case sqlite3.SQLITE_NOTADB:
            advice = (
                f"{path} is not a SQLite database {says}; point briefbot at its own database file"
            )
        case sqlite3.SQLITE_CORRUPT:
            return damaged(path, says)
        case sqlite3.SQLITE_READONLY | sqlite3.SQLITE_CANTOPEN | sqlite3.SQLITE_PERM:
            advice = (
                f"cannot write {path} {says}; briefbot must be able to write the file and its "
                "folder (the -wal and -shm files go beside it): check their owner and "
                "permissions, and that the disk is not mounted read-only"
            )
        case sqlite3.SQLITE_FULL:
            advice = f"the disk holding {path} is full {says}; free some space and start again"
        case sqlite3.SQLITE_IOERR:
            advice = f"reading or writing {path} failed {says}; check the disk it is on"
        case sqlite3.SQLITE_BUSY | sqlite3.SQLITE_LOCKED:
            advice = (
                f"{path} is locked by another program {says}; wait for it to finish or stop it"
            )
        case _:
            advice = f"cannot use database {path} {says}"
    return StoreError(advice)


def damaged(path: Path, found: str) -> StoreError:
    return StoreError(
        f"{path} is damaged {found}; restore it from a backup, or move it (and its -wal file) "
        "aside and briefbot starts an empty one"
    )
