-- Validations of one DAG run, in the order they ran.
SELECT result_id, dataset, dag_id, run_id, task_id, map_index, row_count,
       score_dung, score_du, score_sach, score_song, score_overall,
       passed, breaches, failed_expectations, evaluated, successful, result_path, report_path, created_at
FROM dq_result
WHERE dag_id = %(dag_id)s AND run_id = %(run_id)s
ORDER BY created_at, result_id
