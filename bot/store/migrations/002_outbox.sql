-- 002: the delivery queue. One row per message job: a chat's digest for one local day, or
-- one operator broadcast to one chat. The UNIQUE key makes enqueueing idempotent: a second
-- tick, a restart or a second process inserting the same (chat, job, key) changes nothing.

CREATE TABLE broadcasts (
    id         INTEGER PRIMARY KEY,
    text       TEXT    NOT NULL,
    state      TEXT    NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'sent', 'cancelled')),
    recipients INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    chat_pk      INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    platform     TEXT    NOT NULL,
    job          TEXT    NOT NULL CHECK (job IN ('digest', 'broadcast')),
    key          TEXT    NOT NULL,          -- digest: local day 'YYYY-MM-DD'; broadcast: its id
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    parts_sent   INTEGER NOT NULL DEFAULT 0, -- messages of this job already accepted
    attempts     INTEGER NOT NULL DEFAULT 0, -- failed tries so far (flood waits do not count)
    not_before   INTEGER NOT NULL,           -- unix seconds: backoff and flood waits
    claimed_by   TEXT,                       -- the sender working on it, while 'sending'
    claimed_at   INTEGER,
    reason       TEXT,                       -- why it failed or was skipped
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    UNIQUE (chat_pk, job, key)
);

-- Senders take the oldest ready rows of their platform: one index range scan.
CREATE INDEX outbox_ready ON outbox (platform, id) WHERE state = 'pending';
CREATE INDEX outbox_claimed ON outbox (claimed_at) WHERE state = 'sending';
CREATE INDEX outbox_created ON outbox (created_at);
