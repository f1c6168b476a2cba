-- 006: each chat's language ('en', 'ko'). NULL until the bot learns it: at a chat's next
-- contact it is taken from the platform (the client's or the server's language), so chats
-- that existed before this migration get theirs without anyone asking.
ALTER TABLE chats ADD COLUMN language TEXT;
