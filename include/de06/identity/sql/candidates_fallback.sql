-- Second pass for rows that found no candidate: family-name key + dob (typo in the given name).
SELECT m.k, c.citizen_id, 'family_dob' AS via, c.cccd, c.cmnd,
       c.full_name, c.family_name, c.middle_name, c.given_name, c.dob, c.dob_precision, c.sex,
       c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) AS cmnd_old,
       c.residence_province
FROM (SELECT DISTINCT k, tok, d FROM m_keys WHERE k = ANY (%(keys)s) AND NOT year_only_pop) m
JOIN citizen c ON de06_first_token(c.family_name) = m.tok AND c.dob = m.d;
