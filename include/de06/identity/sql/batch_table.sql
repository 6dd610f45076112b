-- The batch of standardised identities to match (one session, read-only role: TEMP only).
CREATE TEMP TABLE IF NOT EXISTS m_batch (
    k         integer PRIMARY KEY,
    cccd      char(12),
    cmnd      varchar(9),
    dob       date,
    dob_swap  date,
    y         integer,
    loose     boolean NOT NULL,   -- year-only or filler date: block on the whole year
    toks      text[] NOT NULL
);
TRUNCATE m_batch;
