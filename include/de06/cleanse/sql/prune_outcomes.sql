-- Outcomes of the runs being pruned that no reader needs: all of a dry or failed run's (never
-- current), and a finished run's where a later finished, non-dry run has an outcome for the same
-- record (record_current would never show it again). Probes record_outcome_record_idx
-- (record_id, run_id DESC) once per row.
DELETE FROM record_outcome o
USING cleanse_run r
WHERE r.run_id = o.run_id
  AND o.run_id = ANY (%(runs)s)
  AND (r.dry_run OR r.status <> 'done' OR EXISTS (
        SELECT 1
        FROM record_outcome n JOIN cleanse_run nr ON nr.run_id = n.run_id
        WHERE n.record_id = o.record_id AND n.run_id > o.run_id
          AND nr.status = 'done' AND NOT nr.dry_run));
