"""Folding the write-ahead log back into the database file, off the writers' path.

By default SQLite checkpoints inside whichever commit takes the log past 1,000 pages: that
commit then copies the log into the file before it returns. At a million subscribers a busy
minute's tick writes some 60 MB of pages and paid about 95 ms for that copy, a third of its
time (bench/scale.py). So the bot's own connection never checkpoints
(`wal_autocheckpoint = 0`), and this checkpointer does it from a connection of its own, on a
worker thread, about once a second after anything was written. In WAL mode a PASSIVE
checkpoint and a writer run at the same time, so neither waits for the other; the log file is
trimmed back to `journal_size_limit` (set on the writing connection) once it is reused.

Each process sharing the file checkpoints for itself; two checkpoints at once are harmless
(the second finds the checkpoint lock taken and tries again next time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from pathlib import Path

logger = logging.getLogger(__name__)

EVERY_SECONDS = 1.0


class Checkpointer:
    def __init__(self, path: Path, every: float = EVERY_SECONDS) -> None:
        self._path = path
        self._every = every
        self._written = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        self._task = asyncio.get_running_loop().create_task(
            self._run(connection), name="wal-checkpoint"
        )

    def written(self) -> None:
        """A transaction committed: the log has something to fold in."""
        self._written.set()

    async def stop(self) -> None:
        """Stop checkpointing; the database's own close folds in what is left."""
        if self._task is None:
            return
        task, self._task = self._task, None
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self, connection: sqlite3.Connection) -> None:
        try:
            while True:
                await self._written.wait()
                self._written.clear()
                running = asyncio.ensure_future(asyncio.to_thread(self._checkpoint, connection))
                try:
                    await asyncio.shield(running)
                except asyncio.CancelledError:
                    await running  # the thread is using the connection: let it finish first
                    raise
                await asyncio.sleep(self._every)
        finally:
            connection.close()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:  # another process holds the checkpoint lock, say
            logger.debug("WAL checkpoint of %s deferred: %s", self._path, error)
