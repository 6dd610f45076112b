-- conn: lltp
-- Outcomes of one cleansing run (run_key = the Airflow run_id); pass parameters={"input_count": n}.
SELECT o.record_id, o.outcome, o.citizen_id, o.tier, o.score, o.reject_reason,
       coalesce(r.finished_at, r.started_at) AS created_at
FROM record_outcome AS o
JOIN cleanse_run AS r ON r.run_id = o.run_id
WHERE r.run_key = %(run_key)s
