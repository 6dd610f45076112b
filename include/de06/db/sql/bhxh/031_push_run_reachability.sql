-- Whether a drain run reached the VNeID API: the health DAGs mail once per outage, not once per run
-- (de06.health.outage decides from these rows; runs are separate processes).
ALTER TABLE push_run
    ADD COLUMN answers          int NOT NULL DEFAULT 0,        -- HTTP answers of any status (0: never reached)
    ADD COLUMN transport_errors int NOT NULL DEFAULT 0,        -- push calls that failed below HTTP
    ADD COLUMN unreachable      boolean NOT NULL DEFAULT false; -- nothing answered, every push failed below HTTP
CREATE INDEX push_run_finished_idx ON push_run (finished_at);
