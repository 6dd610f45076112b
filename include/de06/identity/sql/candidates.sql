-- Candidate citizens per batch row from every blocking rule; one row per (k, citizen, rule)
-- (the caller merges a citizen found by several rules). Each block is a plain equality join on an
-- index: CCCD; CMND current or old; (given-name key, dob) for the record's date, its swap and 1 Jan
-- of its year (citizens known by year only); (given key, year range) + family key for year-only
-- dates of records without a usable ID.
WITH hits AS (
    SELECT b.k, c.citizen_id, 'cccd' AS via FROM m_batch b JOIN citizen c ON c.cccd = b.cccd
    UNION ALL
    SELECT b.k, c.citizen_id, 'cmnd' FROM m_batch b JOIN citizen c ON c.cmnd = b.cmnd
    UNION ALL
    SELECT b.k, cc.citizen_id, 'cmnd_old' FROM m_batch b JOIN citizen_cmnd cc ON cc.cmnd = b.cmnd
)
SELECT h.k, c.citizen_id, h.via, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name, c.given_name,
       c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) AS cmnd_old
FROM hits h JOIN citizen c ON c.citizen_id = h.citizen_id
UNION ALL
SELECT m.k, c.citizen_id, 'given_dob', c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id)
FROM m_keys m JOIN citizen c ON de06_last_token(c.given_name) = m.tok AND c.dob = m.d
WHERE NOT m.year_only_pop OR c.dob_precision = 'Y'
UNION ALL
SELECT l.k, c.citizen_id, 'given_family_year', c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id)
FROM m_loose l JOIN citizen c ON de06_last_token(c.given_name) = l.gtok
                             AND c.dob BETWEEN make_date(l.y, 1, 1) AND make_date(l.y, 12, 31)
WHERE de06_first_token(c.family_name) = l.ftok;
