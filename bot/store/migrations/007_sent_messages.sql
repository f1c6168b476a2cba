-- 007: what was sent. One row per platform message the queue delivered (a digest's parts, a
-- broadcast), with the platform's message id and what it was made of, so that a correction
-- can find every copy of an entry and re-render it as it was. Kept for a retention period
-- (`delivery.sent_records_days`), deleted with the chat (/forget).

CREATE TABLE sent_messages (
    id         INTEGER PRIMARY KEY,
    chat_pk    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    job        TEXT    NOT NULL,          -- 'digest' or 'broadcast', as in the outbox
    key        TEXT    NOT NULL,          -- digest: the local day; broadcast: its id
    part       INTEGER NOT NULL,          -- which message of the job, from 1
    parts      INTEGER NOT NULL,          -- how many the job was split into
    message_id TEXT    NOT NULL,          -- the platform's id of the message
    language   TEXT    NOT NULL,
    style      TEXT    NOT NULL,          -- the digest style it was rendered in
    sent_at    INTEGER NOT NULL,
    UNIQUE (chat_pk, job, key, part)
);
CREATE INDEX sent_messages_sent_at ON sent_messages (sent_at);

-- The entries each message carried, by revision: "every copy of this entry" is one index scan.
-- Keyed by the message's natural key, so a sender records a batch without reading ids back.
CREATE TABLE sent_entries (
    chat_pk  INTEGER NOT NULL,
    job      TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    part     INTEGER NOT NULL,
    entry_id TEXT    NOT NULL,
    revision TEXT    NOT NULL,
    PRIMARY KEY (chat_pk, job, key, part, entry_id),
    FOREIGN KEY (chat_pk, job, key, part)
        REFERENCES sent_messages (chat_pk, job, key, part) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX sent_entries_by_entry ON sent_entries (entry_id, revision);

-- Each revision of an entry that was sent, as it was: what a re-rendering reads.
CREATE TABLE entry_revisions (
    revision   TEXT    PRIMARY KEY,
    entry_id   TEXT    NOT NULL,
    body       TEXT    NOT NULL,          -- the entry as JSON, its translations included
    first_sent INTEGER NOT NULL
) WITHOUT ROWID;
