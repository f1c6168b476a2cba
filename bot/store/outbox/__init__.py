"""The delivery queue in the database: the `outbox` table behind one `Outbox` facade."""

from bot.store.outbox.claims import (
    BROADCAST,
    DIGEST,
    DueSlot,
    EnqueueResult,
    Inputs,
    Job,
    Outbox,
    Plan,
    Progress,
)

__all__ = [
    "BROADCAST",
    "DIGEST",
    "DueSlot",
    "EnqueueResult",
    "Inputs",
    "Job",
    "Outbox",
    "Plan",
    "Progress",
]
