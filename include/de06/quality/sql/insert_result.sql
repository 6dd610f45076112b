INSERT INTO dq_result (
    dataset, dag_id, run_id, task_id, map_index, row_count,
    score_dung, score_du, score_sach, score_song, score_overall,
    passed, breaches, failed_expectations, evaluated, successful, result_path, report_path
) VALUES (
    %(dataset)s, %(dag_id)s, %(run_id)s, %(task_id)s, %(map_index)s, %(row_count)s,
    %(dung)s, %(du)s, %(sach)s, %(song)s, %(overall)s,
    %(passed)s, %(breaches)s, %(failed_expectations)s, %(evaluated)s, %(successful)s,
    %(result_path)s, %(report_path)s
)
RETURNING result_id, created_at
