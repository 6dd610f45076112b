CREATE INDEX ON citizen (cccd);
CREATE INDEX ON citizen (cmnd);
CREATE INDEX ON citizen (public.de06_last_token(given_name), dob);
CREATE INDEX ON citizen (public.de06_first_token(family_name), dob);
CREATE INDEX ON citizen_cmnd (cmnd);
CREATE INDEX ON citizen_cmnd (citizen_id);
ANALYZE citizen;
ANALYZE citizen_cmnd;
