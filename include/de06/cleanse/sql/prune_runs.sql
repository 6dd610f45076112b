-- Runs past the retention window: finished (done or failed) before the cutoff. A run still
-- 'running' is never touched: a failed Airflow run resumes from its partition rows and the
-- outcomes written with them. A pruned run comes back each time (later runs past the window
-- supersede more of the rows it kept). The rows are locked, so a revert of one of these runs
-- waits for the prune and then finds it pruned.
SELECT run_id
FROM cleanse_run
WHERE status IN ('done', 'failed')
  AND coalesce(finished_at, started_at) < %(cutoff)s
ORDER BY run_id
FOR UPDATE;
