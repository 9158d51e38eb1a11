-- Whole days in the zones the dashboard reads in (Gasometer:RollupZones): spend, tokens and run
-- counts per local day, so a year of days is a few thousand rows instead of a year of 15-minute
-- buckets. runs_active counts runs whose span (first to last snapshot) touches the day;
-- runs_started those whose first snapshot falls on it. day = local date as days since 1970-01-01.
CREATE TABLE day_rollup (
    zone                TEXT    NOT NULL,
    day                 BIGINT NOT NULL,
    role                TEXT    NOT NULL,
    rig                 TEXT    NOT NULL,
    worker              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    spend_nanos         BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_create_tokens BIGINT NOT NULL,
    beads_closed        BIGINT NOT NULL,
    runs_active         BIGINT NOT NULL,
    runs_started        BIGINT NOT NULL,
    PRIMARY KEY (zone, day, role, rig, worker, model)
);

-- The zones day_rollup is complete for; a zone added to the configuration is filled from the
-- stored snapshots and runs at start-up before it is listed here.
CREATE TABLE rollup_zones (
    zone                TEXT    PRIMARY KEY
);

-- Runs overlapping a range (ended_at >= from AND started_at < to) are counted from this index
-- alone. It replaces the two single-column indexes, which let SQLite's planner walk every run
-- that started before `to` instead of the few that ended after `from`.
CREATE INDEX runs_span ON runs (ended_at_ns, started_at_ns);
DROP INDEX runs_ended_at;
DROP INDEX runs_started_at;
