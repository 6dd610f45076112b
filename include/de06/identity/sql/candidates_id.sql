-- Tier 1: candidate citizens per batch row by ID: CCCD, CMND current or old. One row per
-- (k, citizen, rule); the caller merges a citizen found by several rules. Old CMND numbers are
-- read only for records that carry a CMND (the only ones compared with them).
WITH hits AS (
    SELECT b.k, c.citizen_id, 'cccd' AS via FROM m_batch b JOIN citizen c ON c.cccd = b.cccd
    UNION ALL
    SELECT b.k, c.citizen_id, 'cmnd' FROM m_batch b JOIN citizen c ON c.cmnd = b.cmnd
    UNION ALL
    SELECT b.k, cc.citizen_id, 'cmnd_old' FROM m_batch b JOIN citizen_cmnd cc ON cc.cmnd = b.cmnd
)
SELECT h.k, c.citizen_id, h.via, c.cccd, c.cmnd, c.full_name, c.family_name, c.middle_name, c.given_name,
       c.dob, c.dob_precision, c.sex, c.birth_province, c.is_deceased,
       CASE WHEN b.cmnd IS NOT NULL THEN
           (SELECT array_agg(x.cmnd) FROM citizen_cmnd x WHERE x.citizen_id = c.citizen_id) END AS cmnd_old,
       c.residence_province
FROM hits h JOIN m_batch b ON b.k = h.k JOIN citizen c ON c.citizen_id = h.citizen_id;
