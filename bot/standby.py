"""Standing by for the database's sender lock: the one process that delivers holds it.

Telegram and Discord limit the token, not the process, so only the holder runs the delivery
engine, the tick and the platforms that hear every update; the others wait here and try the
lock again every few seconds, taking over when the holder stops or dies. The lock is a file
beside a SQLite database (`bot.store.sender_lock`) or an advisory lock on a PostgreSQL server
(`bot.store.pg.sender`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING

from bot.store import StoreError, location
from bot.store.sender_lock import CHECK_SECONDS, FileSenderLock

if TYPE_CHECKING:
    from typing import TypeAlias

    from bot.store.pg.sender import PgSenderLock

    SenderLock: TypeAlias = FileSenderLock | PgSenderLock

log = logging.getLogger(__name__)


def sender_lock(database: Path | str) -> SenderLock:
    """The lock that makes this process the one sender: a file beside a SQLite database, an
    advisory lock on a PostgreSQL server."""
    path = location.sqlite_file(database)
    if path is not None:
        return FileSenderLock(path)
    from bot.store.pg.sender import PgSenderLock

    return PgSenderLock(str(database))


async def stand_by(lock: SenderLock) -> bool:
    """Try the lock every `CHECK_SECONDS` until it is ours (True) or SIGINT/SIGTERM (False).
    A database that cannot be reached for a while (a server restarting) is waited out: its
    `/healthz` says so meanwhile, for a supervisor to judge."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        while not await _try_lock(lock):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_SECONDS)
            if stop.is_set():
                return False
        return True
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _try_lock(lock: SenderLock) -> bool:
    try:
        return await lock.try_acquire()
    except StoreError as error:
        log.warning("cannot check the sender lock, trying again: %s", error)
        return False


