-- Second pass for rows that found no candidate: family-name key + dob (typo in the given name).
SELECT b.k, c.citizen_id, ARRAY['family_dob'] AS via, c.cccd, c.cmnd,
       c.full_name, c.family_name, c.middle_name, c.given_name, c.dob, c.dob_precision, c.sex,
       c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) AS cmnd_old
FROM m_batch b CROSS JOIN LATERAL unnest(b.toks) AS t(tok)
JOIN citizen c ON de06_first_token(c.family_name) = t.tok
              AND c.dob = ANY (ARRAY[b.dob, b.dob_swap])
WHERE b.k = ANY (%(keys)s) AND NOT b.loose;
