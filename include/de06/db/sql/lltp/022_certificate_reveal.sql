-- Military sync area (020-029). Grain: one row per unmasked certificate preview (`de06 certificate preview --reveal --reason`).
-- The citizen is named by the population's internal key, never by the personal ID.
CREATE TABLE IF NOT EXISTS certificate_reveal (
    reveal_id    bigserial PRIMARY KEY,
    citizen_id   bigint NOT NULL,
    form         smallint NOT NULL CHECK (form IN (1, 2)),
    revealed_by  text NOT NULL,
    reason       text NOT NULL CHECK (length(btrim(reason)) > 0),
    revealed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS certificate_reveal_citizen_idx ON certificate_reveal (citizen_id, revealed_at DESC);
