-- Runs whose history may be pruned: finished (done or failed) before the cutoff. A run still
-- 'running' is never touched: a failed Airflow run resumes from its partition rows and the
-- outcomes written with them. A pruned run comes back each time: later runs supersede more of
-- the rows it kept.
SELECT run_id
FROM cleanse_run
WHERE status IN ('done', 'failed')
  AND coalesce(finished_at, started_at) < %(cutoff)s
ORDER BY run_id;
