-- 010: the one-message-a-second gap per chat, in the shared send budget. A reader's answer
-- from one process and their digest from another must not reach the chat in the same second:
-- each send planned from the budget records here when the chat may have its next message.
-- Rows of chats that have not been sent to for a minute are deleted as the budget is used.
CREATE TABLE send_budget_chats (
    platform TEXT NOT NULL,
    chat_id  TEXT NOT NULL,
    ready_at REAL NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
