"""One sender per database: the process that delivers holds a lock beside the database file.

Telegram and Discord limit a bot token, not a process. The README allows two `briefbot run`
processes on one SQLite file (a standby, a rolling restart), and each used to send at the
full rate, so together they broke the platform's limit. Now only the process holding an
exclusive `flock` on `<database>.sender.lock` runs the platforms and the delivery engine; any
other waits, checking every second, and takes over the moment the holder stops. The kernel
drops the lock when a process dies, SIGKILL included, so a takeover needs no lease to run out.

flock works across hosts only on file systems that share locks (NFS does); processes on
different hosts that do not share one must not use the same database file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable
from pathlib import Path

from bot.store.errors import StoreError

SUFFIX = ".sender.lock"
CHECK_SECONDS = 1.0  # how often a standby process tries to take over


class SenderLock:
    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + SUFFIX)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process holds it now."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            message = f"Cannot create the sender lock {self.path}: {error.strerror}."
            raise StoreError(message) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as error:
            os.close(fd)
            raise StoreError(f"Cannot lock {self.path}: {error.strerror}.") from None
        self._fd = fd
        return True

    def release(self) -> None:
        """Let a standby process take over (a clean stop; death releases it too)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class FileSenderLock:
    """`SenderLock` with the face the runner uses for both backends (PostgreSQL's
    `bot.store.pg.sender.PgSenderLock` holds a connection, so that face is async)."""

    def __init__(self, database: Path) -> None:
        self.lock = SenderLock(database)

    async def try_acquire(self) -> bool:
        return self.lock.try_acquire()

    async def release(self) -> None:
        self.lock.release()

    def on_lost(self, callback: Callable[[], None]) -> None:
        """A file lock is never lost while the process lives: nothing to watch."""
