-- Tier 2: candidate citizens by name and date, for the rows tier 1 did not settle. Each block is a
-- plain equality join on an index: (given-name key, dob) for the record's date and its swap;
-- (given key, family key, 1 Jan) for citizens known by birth year only; (given key, family key,
-- year range) for year-only dates of records without a usable ID (dancu/012). Old CMND numbers
-- are read only for records that carry a CMND (the only ones compared with them).
SELECT m.k, c.citizen_id, 'given_dob' AS via, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       CASE WHEN m.want_cmnd THEN
           (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) END AS cmnd_old,
       c.residence_province
FROM m_keys m JOIN citizen c ON de06_last_token(c.given_name) = m.tok AND c.dob = m.d
WHERE NOT m.year_only_pop
UNION ALL
SELECT m.k, c.citizen_id, 'given_family_jan1', c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       CASE WHEN m.want_cmnd THEN
           (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) END,
       c.residence_province
FROM m_keys m JOIN citizen c ON de06_last_token(c.given_name) = m.tok
                             AND de06_first_token(c.family_name) = m.ftok AND c.dob = m.d
WHERE m.year_only_pop AND c.dob_precision = 'Y'
UNION ALL
SELECT l.k, c.citizen_id, 'given_family_year', c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       NULL::varchar[],  -- m_loose rows have no usable ID: old CMND numbers are not compared
       c.residence_province
FROM m_loose l JOIN citizen c ON de06_last_token(c.given_name) = l.gtok
                             AND de06_first_token(c.family_name) = l.ftok
                             AND c.dob BETWEEN make_date(l.y, 1, 1) AND make_date(l.y, 12, 31);
