-- 009 (bot/store/migrations/009_send_budget.sql for SQLite): the send budget that processes
-- answering on one bot token share. UNLOGGED: it is about the next second only, so it writes
-- no WAL, and a server crash that empties it loses nothing worth keeping.
CREATE UNLOGGED TABLE send_budget (
    platform     TEXT PRIMARY KEY,
    recent       TEXT NOT NULL DEFAULT '[]',
    paused_until DOUBLE PRECISION NOT NULL DEFAULT 0
);
