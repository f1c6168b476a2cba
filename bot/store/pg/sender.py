"""One sender per PostgreSQL database: a session-level advisory lock on a connection of its own.

Several instances may share the server; Telegram and Discord limit the token, so exactly one
of them runs the platforms' delivery and the tick. It is the one holding the advisory lock
`(LOCK_SPACE, 1)`, taken on a dedicated connection outside the store's, with TCP keepalives
set so that the server notices a holder that vanished (a dead host, a cut network) within
about 25 seconds and frees the lock for a standby. The holder watches that connection: the
moment it drops, the holder is told (`on_lost`) and stops, since it can no longer prove that
it alone sends.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import asyncpg

from bot.store.errors import StoreError
from bot.store.location import shown
from bot.store.pg.database import CONNECT_TIMEOUT, LOCK_SPACE, PASSWORD_ENV

log = logging.getLogger(__name__)

SENDER_KEY = 1
# The server probes an idle client after 10 s, every 5 s, and drops it after 3 misses.
KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}


class PgSenderLock:
    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: asyncpg.Connection | None = None
        self._lost: list[Callable[[], None]] = []
        self._releasing = False

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; True if this process holds it now."""
        if self._connection is not None and not self._connection.is_closed():
            return True
        connection = await self._connect()
        try:
            taken = await connection.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", LOCK_SPACE, SENDER_KEY
            )
        except (OSError, asyncpg.PostgresError) as error:
            await connection.close()
            where = shown(self.url)
            raise StoreError(f"cannot take the sender lock on {where}: {error}") from None
        if not taken:
            await connection.close()
            return False
        connection.add_termination_listener(self._terminated)
        self._connection = connection
        return True

    def on_lost(self, callback: Callable[[], None]) -> None:
        """Call `callback` if the lock's connection drops while held."""
        self._lost.append(callback)

    async def release(self) -> None:
        """Let a standby take over (a clean stop; a dropped connection releases it too)."""
        connection, self._connection = self._connection, None
        if connection is not None:
            self._releasing = True
            await connection.close()

    async def _connect(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(
                self.url,
                password=os.environ.get(PASSWORD_ENV) or None,
                timeout=CONNECT_TIMEOUT,
                server_settings=KEEPALIVES,
            )
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            raise StoreError(f"cannot open database {shown(self.url)}: {error}") from None

    def _terminated(self, _connection: asyncpg.Connection) -> None:
        if self._releasing:
            return
        log.error("lost the connection that holds the sender lock: stopping sending")
        self._connection = None
        for callback in self._lost:
            callback()
