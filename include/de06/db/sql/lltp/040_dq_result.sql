-- Data-quality results: one row per suite validation (dataset x DAG run x task).
-- Scores are 0-100 per dimension (dung/du/sach/song) and overall; no personal data is stored
-- here (failed expectations are named by type and column only). The full masked GX result is
-- a JSON file at result_path; its Data Docs page at report_path.
CREATE TABLE dq_result (
    result_id            bigserial PRIMARY KEY,
    dataset              text NOT NULL,
    dag_id               text NOT NULL,
    run_id               text NOT NULL,
    task_id              text NOT NULL,
    map_index            integer NOT NULL DEFAULT -1,
    row_count            bigint NOT NULL,
    score_dung           numeric(5, 1),
    score_du             numeric(5, 1),
    score_sach           numeric(5, 1),
    score_song           numeric(5, 1),
    score_overall        numeric(5, 1),
    passed               boolean NOT NULL,
    breaches             jsonb NOT NULL DEFAULT '[]',
    failed_expectations  jsonb NOT NULL DEFAULT '[]',
    evaluated            integer NOT NULL,
    successful           integer NOT NULL,
    result_path          text NOT NULL,
    report_path          text,
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX dq_result_dataset_idx ON dq_result (dataset, created_at DESC);
CREATE INDEX dq_result_run_idx ON dq_result (dag_id, run_id);
