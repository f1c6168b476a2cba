-- 010 (bot/store/migrations/010_send_budget_chats.sql for SQLite): the gap per chat in the
-- shared send budget; unlogged like send_budget, for the same reason.
CREATE UNLOGGED TABLE send_budget_chats (
    platform TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    ready_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
