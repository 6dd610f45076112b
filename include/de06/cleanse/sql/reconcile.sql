-- Per partition of a run: input count recorded when processed vs outcomes written.
SELECT p.partition, p.n_input, count(o.record_id) AS n_outcomes
FROM cleanse_partition p
LEFT JOIN record_outcome o ON o.run_id = p.run_id AND o.partition = p.partition
WHERE p.run_id = %(run_id)s
GROUP BY p.partition, p.n_input;
