-- The live feed's log: one row per snapshot announced on /ws/live, written in the same transaction
-- as the snapshot. Ids come from feed_counter, not from the table, so they are consecutive, follow
-- commit order, and are never reused after old rows are pruned. payload is the message's "data"
-- object as JSON text, so a replay sends exactly what the live message carried.
CREATE TABLE feed_events (
    id      INTEGER PRIMARY KEY,
    payload TEXT    NOT NULL
);

-- The last feed id handed out. Updating this single row is what orders writers: the row stays
-- locked until the writer commits, so a lower id can never become visible after a higher one.
CREATE TABLE feed_counter (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    last_id   INTEGER NOT NULL
);
INSERT INTO feed_counter (singleton, last_id) VALUES (1, 0);
