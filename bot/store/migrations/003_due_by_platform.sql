-- 003: "who is due now" per platform. Each platform's tick asks for its own due chats; with only
-- chats_due (next_due_utc) and the UNIQUE (platform, chat_id) index to choose from, SQLite took
-- the latter and read every chat of the platform (a million rows: ~170 ms each minute, due or
-- not), and chats of a platform that is switched off would stay due and be skipped over on every
-- tick. This index makes the query one range scan in due order for one platform.

CREATE INDEX chats_due_by_platform ON chats (platform, next_due_utc) WHERE subscribed = 1;
