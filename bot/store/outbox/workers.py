"""Which senders are alive: one lock file per worker beside the database, held while it runs.

A lease alone cannot tell a dead sender from a slow one, so after a crash a restarted bot had
to wait out the whole lease (two minutes by default) before resuming the dead process's rows.
Each worker therefore holds an exclusive `flock` on its own file in `<database>.workers/` for
as long as it lives. The kernel drops that lock the moment the process dies, SIGKILL and OOM
included, so anyone who can take the lock has proved the worker dead and may release its
rows at once. Hostnames change and pids repeat across container restarts; a lock cannot lie
like that.

A claimer without a lock file (another host that cannot see this folder, an older release)
proves nothing: its rows still wait out the lease. flock works across hosts only on file
systems that share locks (NFS does); on one that silently does not, the folder is local and
the files of another host's workers are simply not there.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".lock"


class WorkerLocks:
    def __init__(self, database: Path) -> None:
        self.folder = database.with_name(database.name + ".workers")
        self._held: dict[str, int] = {}  # worker -> the open, locked file descriptor

    def hold(self, worker: str) -> bool:
        """Take `worker`'s lock for the life of this process; False if the folder is unusable
        (then this worker's rows are only ever released by their lease)."""
        if worker in self._held:
            return True
        path = self._path(worker)
        while True:
            try:
                self.folder.mkdir(mode=0o700, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)  # a fresh name: nobody else holds it for long
                if _same_file(fd, path):
                    break
            except OSError as error:
                log.warning(
                    "cannot keep a worker lock in %s (%s); a crash will resume only "
                    "after the claim lease",
                    self.folder,
                    error.strerror,
                )
                return False
            # Another process's sweep took the file between our open and our lock, and
            # deleted it: a lock on a deleted file proves nothing to anyone. Try again.
            os.close(fd)
        self._held[worker] = fd
        return True

    def drop(self, worker: str) -> None:
        """Let go of `worker`'s lock and its file (a clean stop)."""
        fd = self._held.pop(worker, None)
        if fd is None:
            return
        with contextlib.suppress(OSError):
            self._path(worker).unlink()
        os.close(fd)

    def dead(self, workers: set[str]) -> set[str]:
        """Those of `workers` proved dead: their lock file exists and nobody holds it."""
        return {w for w in workers if w not in self._held and self._free(self._path(w))}

    def sweep(self) -> None:
        """Delete the files of every dead worker. Only after their rows were released: a
        worker whose file is gone can no longer be proved dead."""
        with contextlib.suppress(OSError):
            for path in self.folder.glob(f"*{SUFFIX}"):
                if path.stem not in {_file_name(w) for w in self._held}:
                    self._free(path, delete=True)

    def _free(self, path: Path, delete: bool = False) -> bool:
        """Whether `path` exists and nobody holds its lock (its worker is gone); then delete it
        if asked, while we hold the lock, so no live worker's file is ever deleted."""
        try:
            fd = os.open(path, os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False  # held: its worker is alive
        if delete:
            with contextlib.suppress(OSError):
                path.unlink()
        os.close(fd)
        return True

    def _path(self, worker: str) -> Path:
        return self.folder / f"{_file_name(worker)}{SUFFIX}"


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open file `fd` is still the one at `path` (not unlinked or replaced)."""
    try:
        return os.path.samestat(os.fstat(fd), path.stat())
    except OSError:
        return False


def _file_name(worker: str) -> str:
    """A worker's name as a file name: hostnames may hold characters a path cannot."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", worker)


class FileWorkerLocks:
    """`WorkerLocks` with the face the queue uses for both backends (PostgreSQL's
    `bot.store.pg.database.PgWorkerLocks` needs a connection, so that face is async)."""

    def __init__(self, database: Path) -> None:
        self.locks = WorkerLocks(database)

    async def hold(self, worker: str) -> bool:
        return self.locks.hold(worker)

    async def drop(self, worker: str) -> None:
        self.locks.drop(worker)

    async def dead(self, connection: object, workers: set[str]) -> set[str]:
        return self.locks.dead(workers)

    async def sweep(self) -> None:
        self.locks.sweep()
