-- Independent recount of a full run's input for the reconciliation (same snapshot rule).
SELECT count(*) FROM judicial_record r
WHERE (CASE WHEN r.office_province = ANY (%(codes)s) THEN r.office_province ELSE 'none' END) = ANY (%(partitions)s)
  AND r.created_at <= %(started_at)s;
