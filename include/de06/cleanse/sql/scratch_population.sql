-- A population extract in a scratch schema (search_path set to it first), with the same columns
-- and blocking indexes the matcher uses on dancu.citizen (sql/dancu/010_identity_keys.sql).
CREATE TABLE citizen (
    citizen_id      bigint PRIMARY KEY,
    source_key      text NOT NULL UNIQUE,
    cccd            char(12),
    cmnd            varchar(9),
    full_name       text NOT NULL,
    family_name     text NOT NULL,
    middle_name     text NOT NULL DEFAULT '',
    given_name      text NOT NULL,
    dob             date NOT NULL,
    dob_precision   char(1) NOT NULL DEFAULT 'D',
    sex             char(1),
    birth_province  char(3),
    is_deceased     boolean NOT NULL DEFAULT false,
    residence_province char(3)
);
CREATE TABLE citizen_cmnd (cmnd varchar(9) NOT NULL, citizen_id bigint NOT NULL);
