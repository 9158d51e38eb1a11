-- Every accepted snapshot: the time series behind the charts. Times are UTC nanoseconds since the
-- Unix epoch; money is whole nano-dollars (1e-9 USD), never a float.
CREATE TABLE snapshots (
    id                  INTEGER PRIMARY KEY,
    session_id          TEXT    NOT NULL,
    ended_at_ns         INTEGER NOT NULL,
    utc_offset_min      INTEGER NOT NULL,
    run_no              INTEGER NOT NULL,
    cost_nanos          INTEGER NOT NULL,
    increment_nanos     INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    worker              TEXT,
    rig                 TEXT,
    model               TEXT,
    input_tokens        INTEGER,
    output_tokens       INTEGER,
    cache_read_tokens   INTEGER,
    cache_create_tokens INTEGER,
    duration_sec        INTEGER,
    beads_closed        INTEGER,
    -- what this snapshot added to its run (the token counters are running totals too)
    input_increment         INTEGER NOT NULL,
    output_increment        INTEGER NOT NULL,
    cache_read_increment    INTEGER NOT NULL,
    cache_create_increment  INTEGER NOT NULL,
    beads_increment         INTEGER NOT NULL,
    source              TEXT    NOT NULL,
    ingested_at_ns      INTEGER NOT NULL,
    UNIQUE (session_id, ended_at_ns)
);
CREATE INDEX snapshots_ended_at ON snapshots (ended_at_ns);

-- One row per run (a conversation inside a tmux session): the seed's cost_events row.
CREATE TABLE runs (
    session_id          TEXT    NOT NULL,
    run_no              INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    worker              TEXT,
    rig                 TEXT,
    model               TEXT,
    cost_nanos          INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_read_tokens   INTEGER NOT NULL,
    cache_create_tokens INTEGER NOT NULL,
    beads_closed        INTEGER NOT NULL,
    duration_sec        INTEGER,
    started_at_ns       INTEGER NOT NULL,
    ended_at_ns         INTEGER NOT NULL,
    utc_offset_min      INTEGER NOT NULL,
    snapshot_count      INTEGER NOT NULL,
    source              TEXT    NOT NULL,
    updated_at_ns       INTEGER NOT NULL,
    PRIMARY KEY (session_id, run_no)
);
CREATE INDEX runs_ended_at ON runs (ended_at_ns);
CREATE INDEX runs_started_at ON runs (started_at_ns);

-- Spend and token increments per 15-minute UTC bucket: every zone's offset is a multiple of 15
-- minutes, so these add up exactly to days in any reporting zone. Missing dimensions are ''.
CREATE TABLE spend_rollup (
    bucket              INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    rig                 TEXT    NOT NULL,
    worker              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    spend_nanos         INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_read_tokens   INTEGER NOT NULL,
    cache_create_tokens INTEGER NOT NULL,
    beads_closed        INTEGER NOT NULL,
    PRIMARY KEY (bucket, role, rig, worker, model)
);
