-- Where each cost came from: 'reported' by the sender (hook cost_usd, transcript costUSD),
-- 'computed' from the price table, or 'unpriced' (some usage had no price; the cost is a lower bound).
ALTER TABLE snapshots ADD COLUMN cost_origin TEXT NOT NULL DEFAULT 'reported';
-- The price table's figure for the same running total, kept beside a reported cost.
ALTER TABLE snapshots ADD COLUMN computed_cost_nanos BIGINT;
ALTER TABLE runs ADD COLUMN cost_origin TEXT NOT NULL DEFAULT 'reported';

-- Usage the price table could not price (unknown model, no fast-mode rate): kept with its tokens,
-- never counted as $0 spend. One row per source, session and model; an import replaces its rows.
CREATE TABLE unpriced_usage (
    source                TEXT    NOT NULL,
    session_id            TEXT    NOT NULL,
    model                 TEXT    NOT NULL,
    role                  TEXT    NOT NULL,
    worker                TEXT,
    rig                   TEXT,
    reason                TEXT    NOT NULL,
    calls                 BIGINT  NOT NULL,
    input_tokens          BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    web_search_requests   BIGINT  NOT NULL,
    first_at_ns           BIGINT  NOT NULL,
    last_at_ns            BIGINT  NOT NULL,
    updated_at_ns         BIGINT  NOT NULL,
    PRIMARY KEY (source, session_id, model)
);
