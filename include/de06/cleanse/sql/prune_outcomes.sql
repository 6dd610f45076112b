-- Outcomes of the runs past the window that no reader needs: all of a dry or failed run's (never
-- current), and a finished run's where a later finished, non-dry run **also past the window** has
-- an outcome for the same record (record_current never shows it again). A run inside the window
-- supersedes nothing here, so reverting it still brings back exactly the state before it.
-- Probes record_outcome_record_idx (record_id, run_id DESC) once per row. Deleted rows per run.
WITH gone AS (
    DELETE FROM record_outcome o
    USING cleanse_run r
    WHERE r.run_id = o.run_id
      AND o.run_id = ANY (%(runs)s)
      AND (r.dry_run OR r.status <> 'done' OR EXISTS (
            SELECT 1
            FROM record_outcome n JOIN cleanse_run nr ON nr.run_id = n.run_id
            WHERE n.record_id = o.record_id AND n.run_id > o.run_id
              AND n.run_id = ANY (%(runs)s)
              AND nr.status = 'done' AND NOT nr.dry_run))
    RETURNING o.run_id
)
SELECT run_id, count(*) FROM gone GROUP BY run_id;
