-- 008: corrections and withdrawals of entries already sent. A correction is one operator
-- decision ("entry X now reads as revision R", or "X is withdrawn"); each message it must edit
-- is one queue row of the new job 'correction', keyed '<correction id>:<sent message id>', so
-- that queueing it twice changes nothing and the engine's leases, pacing and crash safety
-- carry over. The queue gains a priority: withdrawals (0) before the day's digests and
-- broadcasts (1), corrections (2) after them.
--
-- SQLite cannot change a CHECK constraint in place: the outbox is rebuilt with the same rows.

CREATE TABLE outbox_new (
    id           INTEGER PRIMARY KEY,
    chat_pk      INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    platform     TEXT    NOT NULL,
    job          TEXT    NOT NULL CHECK (job IN ('digest', 'broadcast', 'correction')),
    key          TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    parts_sent   INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    not_before   INTEGER NOT NULL,
    claimed_by   TEXT,
    claimed_at   INTEGER,
    reason       TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    priority     INTEGER NOT NULL DEFAULT 1,
    UNIQUE (chat_pk, job, key)
);
INSERT INTO outbox_new (id, chat_pk, platform, job, key, state, parts_sent, attempts,
                        not_before, claimed_by, claimed_at, reason, created_at, finished_at)
    SELECT id, chat_pk, platform, job, key, state, parts_sent, attempts,
           not_before, claimed_by, claimed_at, reason, created_at, finished_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_ready ON outbox (platform, priority, id) WHERE state = 'pending';
CREATE INDEX outbox_claimed ON outbox (claimed_at) WHERE state = 'sending';
CREATE INDEX outbox_created ON outbox (created_at);

CREATE TABLE corrections (
    id         INTEGER PRIMARY KEY,
    entry_id   TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('correct', 'withdraw')),
    revision   TEXT    NOT NULL,          -- the revision a correction brings; '' to withdraw
    remove     INTEGER NOT NULL DEFAULT 0, -- withdraw: delete the message where allowed
    noted_on   TEXT    NOT NULL,          -- the day its note shows, fixed when it was made
    state      TEXT    NOT NULL DEFAULT 'running'
               CHECK (state IN ('running', 'superseded')),
    messages   INTEGER NOT NULL,          -- how many messages it was queued to edit
    created_at INTEGER NOT NULL
);
CREATE INDEX corrections_by_entry ON corrections (entry_id);

-- The corrections a message has had, per entry, as JSON {"entry": ["correct", "2026-12-03"]}:
-- a later correction of another entry in the same message keeps the note of the first.
ALTER TABLE sent_messages ADD COLUMN notes TEXT NOT NULL DEFAULT '{}';

-- Where each entry stood in its message, so a re-rendering keeps the order it was sent in.
ALTER TABLE sent_entries ADD COLUMN position INTEGER NOT NULL DEFAULT 0;

-- A correction's rows, for its progress: keys '<id>:...' are one range of this index.
CREATE INDEX outbox_corrections ON outbox (key) WHERE job = 'correction';
