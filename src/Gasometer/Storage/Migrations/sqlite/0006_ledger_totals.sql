-- Everything ever added to the rollups, in one row. Every write adds its net change here first and
-- is refused when a total would pass what a 64-bit sum holds: any figure a query adds up is part of
-- these totals (increments are never negative), so no query can overflow.
CREATE TABLE ledger_totals (
    singleton           INTEGER PRIMARY KEY CHECK (singleton = 1),
    spend_nanos         INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    cache_read_tokens   INTEGER NOT NULL,
    cache_create_tokens INTEGER NOT NULL,
    beads_closed        INTEGER NOT NULL
);
INSERT INTO ledger_totals (singleton, spend_nanos, input_tokens, output_tokens, cache_read_tokens, cache_create_tokens, beads_closed)
SELECT 1, COALESCE(SUM(spend_nanos), 0), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
    COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_create_tokens), 0), COALESCE(SUM(beads_closed), 0)
FROM spend_rollup;
