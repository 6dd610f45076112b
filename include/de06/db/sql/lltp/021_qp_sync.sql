-- Military-court sync (qp -> lltp): target-side bookkeeping. Nothing here is ever deleted.

-- Which source version a qp conviction holds, and from which sheet.
ALTER TABLE conviction ADD COLUMN source_version integer;
ALTER TABLE conviction ADD COLUMN source_sheet_id bigint;

-- Grain: one row per qp conviction: the person as the military court recorded them, and how the
-- identity was resolved (citizen_id itself lives on conviction).
CREATE TABLE qp_identity (
    source_key      text PRIMARY KEY,
    full_name       text,
    dob_text        text,
    sex_text        text,
    id_number       text,
    birth_place     text,
    unit_name       text,
    match_outcome   text NOT NULL,       -- linked, review, unmatched, rejected
    match_tier      text,
    match_score     double precision,
    resolved_at     timestamptz NOT NULL DEFAULT now()
);

-- Grain: one row per change applied to a conviction (insert, update, expunge): full history.
CREATE TABLE conviction_history (
    history_id       bigserial PRIMARY KEY,
    conviction_id    bigint NOT NULL,
    source           text NOT NULL,
    source_key       text NOT NULL,
    source_version   integer,
    source_sheet_id  bigint,
    change_kind      text NOT NULL CHECK (change_kind IN ('insert', 'update', 'expunge', 'identity')),
    row_after        jsonb NOT NULL,
    run_id           bigint,
    changed_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conviction_history_key_idx ON conviction_history (source, source_key, source_version);

-- Grain: one row per sync run (an Airflow DAG run or a CLI run; retries of one run share it).
CREATE TABLE qp_sync_run (
    run_id          bigserial PRIMARY KEY,
    run_key         text NOT NULL UNIQUE,
    mode            text NOT NULL CHECK (mode IN ('incremental', 'full')),
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    window_from_ts  timestamptz,
    window_from_pk  bigint,
    high_ts         timestamptz,
    high_pk         bigint,
    source_rows     bigint,
    new_rows        bigint NOT NULL DEFAULT 0,   -- sheets this run processed (the rest were seen before)
    applied         bigint NOT NULL DEFAULT 0,
    stale           bigint NOT NULL DEFAULT 0,
    duplicates      bigint NOT NULL DEFAULT 0,
    quarantined     bigint NOT NULL DEFAULT 0,
    parked          bigint NOT NULL DEFAULT 0,
    reconciled      boolean,
    attempts        integer NOT NULL DEFAULT 0,
    message         text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

-- Grain: the one cursor of the qp stream: the last (updated_at, sheet_id) fully processed.
CREATE TABLE qp_sync_cursor (
    stream      text PRIMARY KEY,
    cursor_ts   timestamptz NOT NULL,
    cursor_pk   bigint NOT NULL,
    run_id      bigint,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Grain: one row per source sheet ever processed, with its one outcome. Re-reads inside the
-- lookback window find their sheet here and are skipped, so no sheet is counted twice.
CREATE TABLE qp_sync_ledger (
    sheet_id           bigint PRIMARY KEY,
    kind               text NOT NULL CHECK (kind IN ('conviction', 'expungement')),
    source_updated_at  timestamptz NOT NULL,
    source_key         text NOT NULL,
    source_version     integer,
    outcome            text NOT NULL CHECK (outcome IN ('applied', 'stale', 'duplicate', 'quarantined', 'parked')),
    detail             text,
    run_id             bigint,
    recorded_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX qp_sync_ledger_window_idx ON qp_sync_ledger (source_updated_at, sheet_id);

-- Grain: one row per quarantined source sheet (invalid or unmappable).
CREATE TABLE qp_quarantine (
    sheet_id     bigint PRIMARY KEY,
    kind         text NOT NULL,
    source_key   text NOT NULL,
    reason       text NOT NULL,
    first_seen   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    retry_count  integer NOT NULL DEFAULT 0,
    resolved_at  timestamptz,
    resolution   text
);
CREATE INDEX qp_quarantine_open_idx ON qp_quarantine (first_seen) WHERE resolved_at IS NULL;

-- Grain: one row per expungement sheet that arrived before its conviction.
CREATE TABLE qp_parked_expungement (
    sheet_id     bigint PRIMARY KEY,
    source_key   text NOT NULL,
    expunged_on  date NOT NULL,
    basis        text,
    decision_no  text,
    parked_at    timestamptz NOT NULL DEFAULT now(),
    applied_at   timestamptz,
    run_id       bigint
);
CREATE INDEX qp_parked_open_idx ON qp_parked_expungement (source_key) WHERE applied_at IS NULL;
