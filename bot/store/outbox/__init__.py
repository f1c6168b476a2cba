"""The delivery queue in the database: the `outbox` table behind one `Outbox` facade
(`facade.py`), with plain functions behind it, one module per side of the queue."""

from bot.store.outbox.facade import Outbox

__all__ = ["Outbox"]
