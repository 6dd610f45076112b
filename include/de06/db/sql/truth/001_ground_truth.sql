-- Ground truth written by the simulators. No pipeline reads this database: only benchmarks and
-- tests compare the pipelines' outcomes with it.

-- Grain: one row per judicial-record entry: its true citizen (NULL when the person is not in the
-- population DB) and the noise kinds injected into its identity fields.
CREATE TABLE record_truth (
    record_id    bigint PRIMARY KEY,
    citizen_id   bigint,
    noise        text[] NOT NULL DEFAULT '{}',
    profile      text NOT NULL
);
CREATE INDEX record_truth_citizen_idx ON record_truth (citizen_id);

-- Grain: one row per simulator run, with its parameters (seed, sizes, profile).
CREATE TABLE sim_run (
    run_id      bigserial PRIMARY KEY,
    dataset     text NOT NULL,
    params      jsonb NOT NULL,
    rows        bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
