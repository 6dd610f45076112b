-- The batch to match, as join keys (one session, read-only role: TEMP tables only).
-- m_batch: usable IDs per row (tier 1); m_keys: (name word, date) pairs for the given-name + dob
-- block (the record's date, its day/month swap, and 1 Jan of its year for citizens known by year
-- only, that last one with the family word ftok; want_cmnd: the record has a CMND, so old CMND
-- numbers of candidates are needed); m_loose: (given word, family word, year) for rows
-- whose date is year-only or a 01/01 filler.
CREATE TEMP TABLE IF NOT EXISTS m_batch (k integer PRIMARY KEY, cccd char(12), cmnd varchar(9));
CREATE TEMP TABLE IF NOT EXISTS m_keys (k integer NOT NULL, tok text NOT NULL, d date NOT NULL,
                                        year_only_pop boolean NOT NULL, ftok text NOT NULL,
                                        want_cmnd boolean NOT NULL);
CREATE TEMP TABLE IF NOT EXISTS m_loose (k integer NOT NULL, gtok text NOT NULL, ftok text NOT NULL,
                                         y integer NOT NULL);
TRUNCATE m_batch, m_keys, m_loose;
