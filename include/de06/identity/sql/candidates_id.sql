-- Tier 1: candidate citizens per batch row by ID: CCCD, CMND current or old. One row per
-- (k, citizen, rule); the caller merges a citizen found by several rules. Each rule reads the
-- citizen's row in the same join that finds it (one index probe per hit, no second lookup by
-- citizen_id). Old CMND numbers are read only for records that carry a CMND (the only ones
-- compared with them).
SELECT b.k, c.citizen_id, 'cccd' AS via, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       NULL::varchar[] AS cmnd_old,  -- a CCCD row carries no CMND (m_batch has one or the other)
       c.residence_province
FROM m_batch b JOIN citizen c ON c.cccd = b.cccd
UNION ALL
SELECT b.k, c.citizen_id, v.via, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name,
       c.given_name, c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id),
       c.residence_province
FROM m_batch b
CROSS JOIN LATERAL (
    SELECT c1.citizen_id, 'cmnd' AS via FROM citizen c1 WHERE c1.cmnd = b.cmnd
    UNION ALL
    SELECT cc.citizen_id, 'cmnd_old' FROM citizen_cmnd cc WHERE cc.cmnd = b.cmnd
) v
JOIN citizen c ON c.citizen_id = v.citizen_id
WHERE b.cmnd IS NOT NULL;
