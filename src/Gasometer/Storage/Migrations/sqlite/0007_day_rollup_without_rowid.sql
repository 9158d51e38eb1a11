-- day_rollup keeps its rows in primary-key order (WITHOUT ROWID): a range of days is then read
-- from one B-tree in order, instead of an index entry and a table row per row. The dashboard's
-- 365-day calendar at 1,000,000 runs (395,000 rows in a year): 0.40-0.59 s -> 0.23-0.33 s.
-- PostgreSQL has no rowid; its table is unchanged.
CREATE TABLE day_rollup_by_key (
    zone                TEXT    NOT NULL,
    day                 INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    rig                 TEXT    NOT NULL,
    worker              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    source              TEXT    NOT NULL,
    overlapped          INTEGER NOT NULL,
    spend_nanos         INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_read_tokens   INTEGER NOT NULL,
    cache_create_tokens INTEGER NOT NULL,
    beads_closed        INTEGER NOT NULL,
    runs_active         INTEGER NOT NULL,
    runs_started        INTEGER NOT NULL,
    PRIMARY KEY (zone, day, role, rig, worker, model, source, overlapped)
) WITHOUT ROWID;
INSERT INTO day_rollup_by_key (zone, day, role, rig, worker, model, source, overlapped, spend_nanos, input_tokens,
    output_tokens, cache_read_tokens, cache_create_tokens, beads_closed, runs_active, runs_started)
SELECT zone, day, role, rig, worker, model, source, overlapped, spend_nanos, input_tokens,
    output_tokens, cache_read_tokens, cache_create_tokens, beads_closed, runs_active, runs_started
FROM day_rollup;
DROP TABLE day_rollup;
ALTER TABLE day_rollup_by_key RENAME TO day_rollup;
