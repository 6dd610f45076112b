-- Runs past the retention window: finished (done or failed) before the cutoff, or still
-- 'running' with no progress since before it (started and last partition finished before the
-- cutoff: an Airflow run that failed and was never cleared). A run that is still making progress
-- is never touched: a failed Airflow run resumes from its partition rows and the outcomes written
-- with them. A pruned run comes back each time (later runs past the window supersede more of the
-- rows it kept). The rows are locked, so a revert of one of these runs waits for the prune and
-- then finds it pruned. Second column: true for a stalled run (marked failed by the prune).
SELECT r.run_id, r.status = 'running' AS stalled
FROM cleanse_run r
WHERE (r.status IN ('done', 'failed') AND coalesce(r.finished_at, r.started_at) < %(cutoff)s)
   OR (r.status = 'running'
       AND greatest(r.started_at,
                    (SELECT max(p.finished_at) FROM cleanse_partition p WHERE p.run_id = r.run_id))
           < %(cutoff)s)
ORDER BY r.run_id
FOR UPDATE OF r;
