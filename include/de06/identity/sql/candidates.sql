-- Candidate citizens per batch row from every blocking rule; one row per (k, citizen, rule).
-- Each block is a plain equality join on an index: CCCD; CMND current or old; (given-name key,
-- dob) for the record's date, its swap and 1 Jan of its year; (given key, year range) + family key
-- for year-only dates. Duplicates are merged by the caller.
WITH hits AS (
    SELECT b.k, c.citizen_id, 'cccd' AS via FROM m_batch b JOIN citizen c ON c.cccd = b.cccd
    UNION ALL
    SELECT b.k, c.citizen_id, 'cmnd' FROM m_batch b JOIN citizen c ON c.cmnd = b.cmnd
    UNION ALL
    SELECT b.k, cc.citizen_id, 'cmnd_old' FROM m_batch b JOIN citizen_cmnd cc ON cc.cmnd = b.cmnd
    UNION ALL
    SELECT m.k, c.citizen_id, 'given_dob'
    FROM m_keys m JOIN citizen c ON de06_last_token(c.given_name) = m.tok AND c.dob = m.d
    WHERE NOT m.year_only_pop OR c.dob_precision = 'Y'
    UNION ALL
    SELECT l.k, c.citizen_id, 'given_family_year'
    FROM m_loose l JOIN citizen c ON de06_last_token(c.given_name) = l.gtok
                                 AND c.dob BETWEEN make_date(l.y, 1, 1) AND make_date(l.y, 12, 31)
    WHERE de06_first_token(c.family_name) = l.ftok
)
SELECT h.k, c.citizen_id, array_agg(DISTINCT h.via) AS via, c.cccd, c.cmnd,
       c.full_name, c.family_name, c.middle_name, c.given_name, c.dob, c.dob_precision, c.sex,
       c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) AS cmnd_old
FROM (SELECT DISTINCT k, citizen_id, via FROM hits) h
JOIN LATERAL (SELECT * FROM citizen c0 WHERE c0.citizen_id = h.citizen_id) c ON true
GROUP BY h.k, c.citizen_id, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name, c.given_name, c.dob,
         c.dob_precision, c.sex, c.birth_province, c.is_deceased;
