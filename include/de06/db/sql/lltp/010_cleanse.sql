-- Judicial-record cleansing (issue 4): runs, per-record outcomes, cleaned values, rule trail,
-- partition status (resume), and the review queue shared with the military sync.
-- Source tables (judicial_record) are never written by the cleansing.

-- Same key functions as dancu (used when `de06 cleanse link` matches in a scratch schema here).
CREATE OR REPLACE FUNCTION de06_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT btrim(regexp_replace(regexp_replace(lower(translate(translate(t, 'Ðð', 'Đđ'),
    'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD')),
    '[''’‘ʼ`´.]', '', 'g'), '[[:space:]\-_,]+', ' ', 'g'))
$$;
CREATE OR REPLACE FUNCTION de06_first_token(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT split_part(public.de06_fold(t), ' ', 1) $$;
CREATE OR REPLACE FUNCTION de06_last_token(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT regexp_replace(public.de06_fold(t), '^.* ', '') $$;

-- Grain: one row per cleansing run (one Airflow DAG run, or one CLI run).
CREATE TABLE cleanse_run (
    run_id       bigserial PRIMARY KEY,
    run_key      text NOT NULL UNIQUE,          -- Airflow run_id (or cli:<uuid>)
    mode         text NOT NULL CHECK (mode IN ('full', 'incremental')),
    provinces    text[],                        -- NULL = all partitions
    dry_run      boolean NOT NULL DEFAULT false,
    status       text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed', 'reverted')),
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    reverted_at  timestamptz,
    counts       jsonb
);

-- Grain: one row per (run, partition): partition = 3-digit province code or 'none'.
CREATE TABLE cleanse_partition (
    run_id       bigint NOT NULL REFERENCES cleanse_run (run_id),
    partition    text NOT NULL,
    status       text NOT NULL DEFAULT 'done' CHECK (status IN ('done')),
    n_input      integer NOT NULL,
    counts       jsonb NOT NULL,
    finished_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, partition)
);

-- Grain: one row per (run, judicial record): exactly one outcome.
CREATE TABLE record_outcome (
    run_id         bigint NOT NULL REFERENCES cleanse_run (run_id),
    record_id      bigint NOT NULL,
    partition      text NOT NULL,
    outcome        text NOT NULL CHECK (outcome IN ('linked', 'review', 'unmatched', 'rejected')),
    citizen_id     bigint,
    tier           text,
    score          double precision,
    reasons        text[] NOT NULL DEFAULT '{}',
    reject_reason  text,
    deceased       boolean NOT NULL DEFAULT false,
    record_updated_at timestamptz,
    decided_by_review boolean NOT NULL DEFAULT false,
    PRIMARY KEY (run_id, record_id),
    CHECK ((outcome = 'linked') = (citizen_id IS NOT NULL)),
    CHECK ((outcome = 'rejected') = (reject_reason IS NOT NULL))
);
CREATE INDEX record_outcome_record_idx ON record_outcome (record_id, run_id DESC);

-- Grain: one row per (run, record): standardised identity values (raw kept in judicial_record).
CREATE TABLE record_cleaned (
    run_id          bigint NOT NULL REFERENCES cleanse_run (run_id),
    record_id       bigint NOT NULL,
    full_name       text,
    family_name     text,
    middle_name     text,
    given_name      text,
    name_key        text,
    dob             date,
    dob_flags       text[] NOT NULL DEFAULT '{}',
    sex             char(1),
    id_kind         text,
    id_number       text,
    id_flags        text[] NOT NULL DEFAULT '{}',
    birth_province  char(3),
    -- values corrected from the population DB when linked
    pop_full_name   text,
    pop_dob         date,
    pop_sex         char(1),
    pop_cccd        char(12),
    pop_birth_province char(3),
    PRIMARY KEY (run_id, record_id)
);

-- Grain: one row per rule that changed a field of a record in a run.
CREATE TABLE rule_trail (
    run_id     bigint NOT NULL REFERENCES cleanse_run (run_id),
    record_id  bigint NOT NULL,
    seq        smallint NOT NULL,
    rule       text NOT NULL,
    field      text NOT NULL,
    before     text,
    after      text,
    PRIMARY KEY (run_id, record_id, seq)
);

-- Current view: the latest outcome of each record among finished, non-reverted runs.
CREATE VIEW record_current AS
SELECT DISTINCT ON (o.record_id) o.*
FROM record_outcome o JOIN cleanse_run r USING (run_id)
WHERE r.status = 'done' AND NOT r.dry_run
ORDER BY o.record_id, o.run_id DESC;

-- Review queue (shared: source 'lltp' = judicial records, 'qp' = military-court sync).
-- Grain: one row per doubtful source record; at most one open-or-decided item per source key.
CREATE TABLE review_item (
    item_id      bigserial PRIMARY KEY,
    source       text NOT NULL CHECK (source IN ('lltp', 'qp')),
    source_key   text NOT NULL,
    run_id       bigint,                      -- cleanse_run (lltp) or the sync's own run id
    province     char(3),
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'withdrawn')),
    identity     jsonb NOT NULL,              -- the record's identity as the source wrote it
    candidates   jsonb NOT NULL DEFAULT '[]', -- [{citizen_id, tier, score, reasons}]
    reasons      text[] NOT NULL DEFAULT '{}',
    score        double precision,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX review_item_live_uq ON review_item (source, source_key) WHERE status <> 'withdrawn';
CREATE INDEX review_item_open_idx ON review_item (status, province, created_at);

-- Grain: one row per decision a person took on a review item (the latest one counts).
CREATE TABLE review_decision (
    decision_id  bigserial PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES review_item (item_id),
    decision     text NOT NULL CHECK (decision IN ('link', 'not_match')),
    citizen_id   bigint,
    decided_by   text NOT NULL,
    decided_at   timestamptz NOT NULL DEFAULT now(),
    note         text,
    CHECK ((decision = 'link') = (citizen_id IS NOT NULL))
);
CREATE INDEX review_decision_item_idx ON review_decision (item_id, decided_at DESC);

-- Grain: one row per reveal of unmasked personal data in `de06 review show --reveal`.
CREATE TABLE review_reveal (
    reveal_id    bigserial PRIMARY KEY,
    item_id      bigint NOT NULL REFERENCES review_item (item_id),
    revealed_by  text NOT NULL,
    reason       text NOT NULL CHECK (length(btrim(reason)) > 0),
    revealed_at  timestamptz NOT NULL DEFAULT now()
);
