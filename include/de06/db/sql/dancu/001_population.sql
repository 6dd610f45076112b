-- National Population Database (Cơ sở dữ liệu quốc gia về dân cư), the part the flows read.
-- Grain: one row per citizen. Identifiers are text (leading zeros matter).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE citizen (
    citizen_id          bigint PRIMARY KEY,
    cccd                char(12) NOT NULL UNIQUE CHECK (cccd ~ '^[0-9]{12}$'),
    cmnd                varchar(9) CHECK (cmnd ~ '^[0-9]{9}$'),
    full_name           text NOT NULL,          -- NFC, as on the card (mixed case)
    family_name         text NOT NULL,
    middle_name         text NOT NULL DEFAULT '',
    given_name          text NOT NULL,
    dob                 date NOT NULL,
    dob_precision       char(1) NOT NULL DEFAULT 'D' CHECK (dob_precision IN ('D', 'Y')),
    sex                 char(1) NOT NULL CHECK (sex IN ('M', 'F')),
    birth_province      char(3) NOT NULL,       -- birth-registration province (ID prefix)
    residence_province  char(3) NOT NULL,
    is_deceased         boolean NOT NULL DEFAULT false,
    deceased_on         date,
    guardian_id         bigint,                 -- parent or guardian, for children
    bhxh_no             char(10),               -- social-insurance number (BHYT card digits 6-15)
    has_vneid           boolean NOT NULL DEFAULT true,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX citizen_cmnd_idx ON citizen (cmnd) WHERE cmnd IS NOT NULL;
CREATE INDEX citizen_dob_idx ON citizen (dob);
CREATE INDEX citizen_updated_idx ON citizen (updated_at);

-- Older CMND numbers a person held (a move to another province meant a new number).
CREATE TABLE citizen_cmnd (
    cmnd        varchar(9) NOT NULL CHECK (cmnd ~ '^[0-9]{9}$'),
    citizen_id  bigint NOT NULL REFERENCES citizen (citizen_id),
    PRIMARY KEY (cmnd, citizen_id)
);
