-- Every accepted snapshot: the time series behind the charts. Times are UTC nanoseconds since the
-- Unix epoch; money is whole nano-dollars (1e-9 USD), never a float.
CREATE TABLE snapshots (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id          TEXT    NOT NULL,
    ended_at_ns         BIGINT NOT NULL,
    utc_offset_min      BIGINT NOT NULL,
    run_no              BIGINT NOT NULL,
    cost_nanos          BIGINT NOT NULL,
    increment_nanos     BIGINT NOT NULL,
    role                TEXT    NOT NULL,
    worker              TEXT,
    rig                 TEXT,
    model               TEXT,
    input_tokens        BIGINT ,
    output_tokens       BIGINT ,
    cache_read_tokens   BIGINT ,
    cache_create_tokens BIGINT ,
    duration_sec        BIGINT ,
    beads_closed        BIGINT ,
    -- what this snapshot added to its run (the token counters are running totals too)
    input_increment         BIGINT  NOT NULL,
    output_increment        BIGINT  NOT NULL,
    cache_read_increment    BIGINT  NOT NULL,
    cache_create_increment  BIGINT  NOT NULL,
    beads_increment         BIGINT  NOT NULL,
    source              TEXT    NOT NULL,
    ingested_at_ns      BIGINT NOT NULL,
    UNIQUE (session_id, ended_at_ns)
);
CREATE INDEX snapshots_ended_at ON snapshots (ended_at_ns);

-- One row per run (a conversation inside a tmux session): the seed's cost_events row.
CREATE TABLE runs (
    session_id          TEXT    NOT NULL,
    run_no              BIGINT NOT NULL,
    role                TEXT    NOT NULL,
    worker              TEXT,
    rig                 TEXT,
    model               TEXT,
    cost_nanos          BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_create_tokens BIGINT NOT NULL,
    beads_closed        BIGINT NOT NULL,
    duration_sec        BIGINT ,
    started_at_ns       BIGINT NOT NULL,
    ended_at_ns         BIGINT NOT NULL,
    utc_offset_min      BIGINT NOT NULL,
    snapshot_count      BIGINT NOT NULL,
    source              TEXT    NOT NULL,
    updated_at_ns       BIGINT NOT NULL,
    PRIMARY KEY (session_id, run_no)
);
CREATE INDEX runs_ended_at ON runs (ended_at_ns);
CREATE INDEX runs_started_at ON runs (started_at_ns);

-- Spend and token increments per 15-minute UTC bucket: every zone's offset is a multiple of 15
-- minutes, so these add up exactly to days in any reporting zone. Missing dimensions are ''.
CREATE TABLE spend_rollup (
    bucket              BIGINT NOT NULL,
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
    PRIMARY KEY (bucket, role, rig, worker, model)
);
