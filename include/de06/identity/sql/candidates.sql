-- Candidate citizens per batch row, from every blocking rule; one row per (k, citizen).
-- Blocks: exact CCCD; CMND current or old; given-name key + dob (exact, swapped, or 1 Jan of the year
-- for year-only population rows); given + family keys within the birth year for loose dates.
WITH hits AS (
    SELECT b.k, c.citizen_id, 'cccd' AS via
    FROM m_batch b JOIN citizen c ON c.cccd = b.cccd
    UNION ALL
    SELECT b.k, c.citizen_id, 'cmnd' FROM m_batch b JOIN citizen c ON c.cmnd = b.cmnd
    UNION ALL
    SELECT b.k, cc.citizen_id, 'cmnd_old' FROM m_batch b JOIN citizen_cmnd cc ON cc.cmnd = b.cmnd
    UNION ALL
    SELECT b.k, c.citizen_id, 'given_dob'
    FROM m_batch b CROSS JOIN LATERAL unnest(b.toks) AS t(tok)
    JOIN citizen c ON de06_last_token(c.given_name) = t.tok
                  AND c.dob = ANY (ARRAY[b.dob, b.dob_swap, make_date(b.y, 1, 1)])
    WHERE b.y IS NOT NULL
    UNION ALL
    SELECT b.k, c.citizen_id, 'given_family_year'
    FROM m_batch b CROSS JOIN LATERAL unnest(b.toks) AS t(tok)
    JOIN citizen c ON de06_last_token(c.given_name) = t.tok
                  AND c.dob BETWEEN make_date(b.y, 1, 1) AND make_date(b.y, 12, 31)
    WHERE b.loose AND de06_first_token(c.family_name) = ANY (b.toks)
)
SELECT h.k, c.citizen_id, array_agg(DISTINCT h.via) AS via, c.cccd, c.cmnd,
       c.full_name, c.family_name, c.middle_name, c.given_name, c.dob, c.dob_precision, c.sex,
       c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) AS cmnd_old
FROM hits h JOIN citizen c ON c.citizen_id = h.citizen_id
GROUP BY h.k, c.citizen_id;
