-- Input of one partition of a run: records created before the run started; in incremental mode
-- only those without a settled outcome (linked/rejected) for their current version. The partition
-- 'none' holds the records whose office province is missing or not one of the 63 codes.
SELECT r.record_id, r.full_name, r.dob_text, r.id_number, r.sex_text, r.birth_place, r.residence,
       r.updated_at
FROM judicial_record r
WHERE CASE WHEN %(partition)s = 'none'  -- a constant: the planner keeps one branch, and the index
           THEN r.office_province IS NULL OR NOT (r.office_province = ANY (%(codes)s))
           ELSE r.office_province = %(partition)s END
  AND r.created_at <= %(started_at)s
  AND (%(mode)s = 'full' OR NOT EXISTS (
        SELECT 1 FROM record_current c
        WHERE c.record_id = r.record_id AND c.outcome IN ('linked', 'rejected')
          AND c.record_updated_at >= r.updated_at))
ORDER BY r.record_id;
