-- 001: chats and their settings, followed topics, what each chat received, prayer counts.
-- Nothing about people is stored beyond what delivery needs: no names, usernames or messages.
-- Times are unix seconds (UTC), local days are 'YYYY-MM-DD' text (sorts as it compares).

CREATE TABLE chats (
    id                 INTEGER PRIMARY KEY,
    platform           TEXT    NOT NULL,
    chat_id            TEXT    NOT NULL,
    kind               TEXT    NOT NULL,
    subscribed         INTEGER NOT NULL DEFAULT 0 CHECK (subscribed IN (0, 1)),
    delivery_time      TEXT    NOT NULL,  -- local 'HH:MM'
    timezone           TEXT    NOT NULL,  -- IANA name
    next_due_utc       INTEGER,           -- unix seconds; the delivery engine keeps it
    last_day           TEXT,              -- local day of the last digest delivered/enqueued
    deactivated_reason TEXT,              -- why the platform refused delivery (blocked, gone)
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (platform, chat_id),
    -- A chat the platform refused is never due: deactivating unsubscribes.
    CHECK (NOT (subscribed = 1 AND deactivated_reason IS NOT NULL))
);

-- "Who is due now" is one range scan over subscribed chats only.
CREATE INDEX chats_due ON chats (next_due_utc) WHERE subscribed = 1;

CREATE TABLE follows (
    chat_pk INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    topic   TEXT    NOT NULL,
    PRIMARY KEY (chat_pk, topic)
) WITHOUT ROWID;

-- Per chat and entry, the latest local day it was sent and the latest day before that one:
-- recomposing a digest for a day it was already sent must not see that very sending.
CREATE TABLE received (
    chat_pk      INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    entry_id     TEXT    NOT NULL,
    day          TEXT    NOT NULL,
    previous_day TEXT CHECK (previous_day < day),
    PRIMARY KEY (chat_pk, entry_id)
) WITHOUT ROWID;

-- Who prayed what on which day, only to count each chat once; keyed by address because a
-- prayer button may be tapped in a chat that never subscribed. Old rows can be pruned: the
-- counts live on in prayer_tallies, which names nobody.
CREATE TABLE prayers (
    prayer_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    platform  TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    PRIMARY KEY (prayer_id, day, platform, chat_id)
) WITHOUT ROWID;

CREATE INDEX prayers_by_chat ON prayers (platform, chat_id);
CREATE INDEX prayers_by_day ON prayers (day);

CREATE TABLE prayer_tallies (
    prayer_id TEXT    NOT NULL,
    day       TEXT    NOT NULL,
    chats     INTEGER NOT NULL CHECK (chats > 0),
    PRIMARY KEY (prayer_id, day)
) WITHOUT ROWID;
