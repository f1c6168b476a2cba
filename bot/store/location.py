"""Where the store lives: a SQLite file (a path) or a PostgreSQL server (a URL).

The `database` setting holds either; the few places that care which (a file to check for, a
lock beside it, a backup) ask here rather than test the value's type themselves.
"""

from __future__ import annotations

from pathlib import Path

Target = Path | str


def is_postgres(target: Target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def sqlite_file(target: Target) -> Path | None:
    """The SQLite file, or None for a PostgreSQL server."""
    return None if is_postgres(target) else Path(target)


def exists(target: Target) -> bool:
    """Whether there is a database to open without creating one: a server always counts
    (connecting says whether it answers); a file must be there."""
    path = sqlite_file(target)
    return path is None or path.exists()


def shown(target: Target) -> str:
    """The target as messages may name it: a URL without any password."""
    if not is_postgres(target):
        return str(target)
    from urllib.parse import urlsplit

    parts = urlsplit(str(target))
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"postgresql://{user}{parts.hostname or 'localhost'}{port}{parts.path}"
