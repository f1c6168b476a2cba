-- 011 (see bot/store/migrations/011_outbox_chat_key.sql): the queue's foreign key to chats
-- goes. PostgreSQL checks it row by row, each check taking a lock on its chat row: about
-- 110 ms of a busy minute's 16,450 queue rows at a million subscribers (bench/scale.py). The
-- store keeps what it gave (no queue row outlives its chat) in lifecycle.py and the queue.
ALTER TABLE outbox DROP CONSTRAINT outbox_chat_pk_fkey;
