-- Judicial Records Database (Cơ sở dữ liệu lý lịch tư pháp).
-- Source tables keep what was recorded, dirt included; cleansing never overwrites them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Grain: one row per judicial-record entry (one person as recorded by one records office).
CREATE TABLE judicial_record (
    record_id       bigint PRIMARY KEY,
    full_name       text,
    dob_text        text,
    sex_text        text,
    id_number       text,
    birth_place     text,            -- free text: province name, code or old province
    residence       text,
    father_name     text,
    mother_name     text,
    spouse_name     text,
    nationality     text NOT NULL DEFAULT 'Việt Nam',
    office_province char(3),         -- Sở Tư pháp that keeps the record
    source          text NOT NULL DEFAULT 'lltp',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX judicial_record_updated_idx ON judicial_record (updated_at);

-- Grain: one row per conviction (judgment x person).
CREATE TABLE conviction (
    conviction_id       bigserial PRIMARY KEY,
    record_id           bigint REFERENCES judicial_record (record_id),
    citizen_id          bigint,                  -- set by the flows once the person is resolved
    source              text NOT NULL DEFAULT 'lltp',   -- 'lltp' or 'qp' (military courts)
    source_key          text,                    -- the source's own identity of the conviction
    court_name          text NOT NULL,
    judgment_no         text NOT NULL,
    judgment_date       date NOT NULL,
    effective_date      date,
    crime_name          text NOT NULL,
    article             text NOT NULL,           -- Penal Code article, e.g. '173'
    clause              text,
    code_version        smallint NOT NULL DEFAULT 2015,
    main_penalty        text NOT NULL,           -- warning, fine, reform, prison, life, death
    penalty_months      integer,
    suspended           boolean NOT NULL DEFAULT false,
    probation_months    integer,
    additional_penalty  text,
    execution_status    text NOT NULL DEFAULT 'serving',
    main_end_date       date,
    expunged            boolean NOT NULL DEFAULT false,
    expunged_on         date,
    expunge_basis       text,
    source_updated_at   timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_key)
);
CREATE INDEX conviction_record_idx ON conviction (record_id);
CREATE INDEX conviction_citizen_idx ON conviction (citizen_id);
