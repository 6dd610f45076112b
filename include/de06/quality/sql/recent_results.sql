-- The last %(per_dataset)s validations of every dataset (newest first), for the scorecard trend.
SELECT result_id, dataset, dag_id, run_id, task_id, map_index, row_count,
       score_dung, score_du, score_sach, score_song, score_overall,
       passed, breaches, failed_expectations, evaluated, successful, result_path, report_path, created_at
FROM (
    SELECT r.*, row_number() OVER (PARTITION BY dataset ORDER BY created_at DESC, result_id DESC) AS n
    FROM dq_result r
) ranked
WHERE n <= %(per_dataset)s
ORDER BY dataset, created_at DESC, result_id DESC
