-- Blocking on given-name key + family-name key + date: the two tier-2 blocks that need both names
-- (citizens known only by their birth year, whose 1 January is a filler; and year-wide blocks
-- for year-only records without an ID). On (given key, dob) alone each probe read every namesake
-- born that day or year and computed the family key of each to throw most away (measured at 10M
-- citizens, 5,000 records: 104 ms of 209 for 24 year-wide blocks, ~850 rows read and dropped per
-- block); with the family key in the index a probe reads only the rows it returns.
CREATE INDEX IF NOT EXISTS citizen_given_family_dob_idx
    ON citizen (de06_last_token(given_name), de06_first_token(family_name), dob);
