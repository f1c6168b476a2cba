"""The store's errors, worded for the operator who has to act on them.

Everything the store raises on purpose is a `StoreError`, so callers (the CLI above all) can
catch one type and print its message, which says what is wrong and what to do about it.
"""

from __future__ import annotations

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
