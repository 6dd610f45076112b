-- Cleaned values (and the rule trail inside them) of the runs past the window whose outcome row
-- is gone: they were written together and explain nothing on their own. Deleted rows per run.
WITH gone AS (
    DELETE FROM record_cleaned c
    WHERE c.run_id = ANY (%(runs)s)
      AND NOT EXISTS (
            SELECT 1 FROM record_outcome o WHERE o.run_id = c.run_id AND o.record_id = c.record_id)
    RETURNING c.run_id
)
SELECT run_id, count(*) FROM gone GROUP BY run_id;
