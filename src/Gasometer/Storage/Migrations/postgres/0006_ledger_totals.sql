-- Bounds on everything stored, in one row: each column is the sum of the positive parts of every
-- stored increment. Spend increments are never negative; a token count can fall within a run, but
-- a run's falls never exceed its rises, so no sum a query makes over any rows can pass these. Every
-- write adds its change here first and is refused when a bound would pass what a 64-bit sum holds.
-- Filled from the snapshots, saturating, so that a database whose sums already overflow still starts
-- (it then refuses further writes instead of failing every read).
CREATE TABLE ledger_totals (
    singleton           BIGINT PRIMARY KEY CHECK (singleton = 1),
    spend_nanos         BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cache_create_tokens BIGINT NOT NULL,
    beads_closed        BIGINT NOT NULL
);
INSERT INTO ledger_totals (singleton, spend_nanos, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed)
SELECT 1,
    LEAST(COALESCE(SUM(GREATEST(increment_nanos, 0)), 0), 9223372036854775807)::BIGINT,
    LEAST(COALESCE(SUM(GREATEST(input_increment, 0)), 0), 9223372036854775807)::BIGINT,
    LEAST(COALESCE(SUM(GREATEST(output_increment, 0)), 0), 9223372036854775807)::BIGINT,
    LEAST(COALESCE(SUM(GREATEST(cache_read_increment, 0)), 0), 9223372036854775807)::BIGINT,
    LEAST(COALESCE(SUM(GREATEST(cache_create_increment, 0)), 0), 9223372036854775807)::BIGINT,
    LEAST(COALESCE(SUM(GREATEST(beads_increment, 0)), 0), 9223372036854775807)::BIGINT
FROM snapshots;
