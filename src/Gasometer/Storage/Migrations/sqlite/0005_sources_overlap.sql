-- Where spend came from (hook, costs.jsonl, transcript, ...) becomes a rollup dimension, so one
-- source can be shown alone and the same work reported by two sources is counted once.

-- Transcript spend per agent (role, rig, worker; missing ones '') and UTC hour. Where an agent has
-- transcript spend in an hour, its spend from other sources in that hour is left out of totals:
-- the transcript figure is exact, the hook's an estimate of the same work.
CREATE TABLE transcript_hours (
    agent_role          TEXT    NOT NULL,
    agent_rig           TEXT    NOT NULL,
    agent_worker        TEXT    NOT NULL,
    hour                INTEGER NOT NULL,
    transcript_nanos    INTEGER NOT NULL,
    PRIMARY KEY (agent_role, agent_rig, agent_worker, hour)
);
INSERT INTO transcript_hours (agent_role, agent_rig, agent_worker, hour, transcript_nanos)
SELECT role, COALESCE(rig, ''), COALESCE(worker, ''), ended_at_ns / 3600000000000, SUM(increment_nanos)
FROM snapshots WHERE source = 'transcript'
GROUP BY role, COALESCE(rig, ''), COALESCE(worker, ''), ended_at_ns / 3600000000000;

-- spend_rollup gains source in its key: rebuilt from the snapshots it sums.
CREATE TABLE spend_rollup_by_source (
    bucket              INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    rig                 TEXT    NOT NULL,
    worker              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    source              TEXT    NOT NULL,
    spend_nanos         INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_read_tokens   INTEGER NOT NULL,
    cache_create_tokens INTEGER NOT NULL,
    beads_closed        INTEGER NOT NULL,
    PRIMARY KEY (bucket, role, rig, worker, model, source)
);
INSERT INTO spend_rollup_by_source
SELECT ended_at_ns / 900000000000, role, COALESCE(rig, ''), COALESCE(worker, ''), COALESCE(model, ''), source,
       SUM(increment_nanos), SUM(input_increment), SUM(output_increment), SUM(cache_read_increment),
       SUM(cache_create_increment), SUM(beads_increment)
FROM snapshots
GROUP BY ended_at_ns / 900000000000, role, COALESCE(rig, ''), COALESCE(worker, ''), COALESCE(model, ''), source;
DROP TABLE spend_rollup;
ALTER TABLE spend_rollup_by_source RENAME TO spend_rollup;

-- day_rollup gains source and overlapped (1: another source's spend that transcript spend of the
-- same agent and hour replaces) in its key. Emptied here; start-up refills every zone.
DROP TABLE day_rollup;
CREATE TABLE day_rollup (
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
);
DELETE FROM rollup_zones;
