-- 004: one due index, not two. Since 003 every "who is due" question names its platform and
-- reads chats_due_by_platform; chats_due (next_due_utc alone) was read by nothing, yet every
-- tick moved each due chat's entry in it too: about a fifth of a busy tick's time at a million
-- subscribers (bench/scale.py).

DROP INDEX chats_due;
