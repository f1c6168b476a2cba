-- 005: "I prayed" counts people: once per person, chat, prayer point and day. `person` is a
-- keyed hash of who pressed (bot/core/people.py), never their id; '' where the platform names
-- nobody. The rows go with the rest of that day's record (pruned after two days, and by
-- /forget); the tallies, now of people, name nobody.
CREATE TABLE prayers_by_person (
    prayer_id TEXT NOT NULL,
    day       TEXT NOT NULL,
    platform  TEXT NOT NULL,
    chat_id   TEXT NOT NULL,
    person    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (prayer_id, day, platform, chat_id, person)
) WITHOUT ROWID;

INSERT INTO prayers_by_person (prayer_id, day, platform, chat_id)
SELECT prayer_id, day, platform, chat_id FROM prayers;

DROP TABLE prayers;

ALTER TABLE prayers_by_person RENAME TO prayers;

CREATE INDEX prayers_by_chat ON prayers (platform, chat_id);

CREATE INDEX prayers_by_day ON prayers (day);

ALTER TABLE prayer_tallies RENAME COLUMN chats TO people;
