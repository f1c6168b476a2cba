-- 009: the send budget that processes answering on one bot token share. Telegram limits a
-- token, not a process: where several processes answer readers (Telegram's webhook mode
-- behind a load balancer), each send takes its turn from this one row per platform
-- (`bot/store/send_budget.py`). `recent` holds the planned times (Unix seconds, a JSON list)
-- of the last sends, as many as the platform allows in one second; `paused_until` is a
-- flood-control answer that any of the processes was given, which holds all of them.
CREATE TABLE send_budget (
    platform     TEXT PRIMARY KEY,
    recent       TEXT NOT NULL DEFAULT '[]',
    paused_until REAL NOT NULL DEFAULT 0
);
