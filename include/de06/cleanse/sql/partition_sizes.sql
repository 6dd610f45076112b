-- Source records per partition (the 3-digit office-province code, or 'none' when the code is
-- missing or not one of the 63) created up to %(until)s. The reconciliation's independent recount
-- of a full run's input (with the run's start as the snapshot), and the sizes the DAG hands the
-- partitions out by.
SELECT CASE WHEN r.office_province = ANY (%(codes)s) THEN r.office_province ELSE 'none' END AS partition,
       count(*)
FROM judicial_record r
WHERE r.created_at <= %(until)s
GROUP BY 1;
