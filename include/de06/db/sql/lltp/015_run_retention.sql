-- Retention of the cleansing history (`de06 cleanse prune`, DAG lltp_retention). Every run writes
-- one outcome and one cleaned row per record it read, and a daily incremental run re-reads every
-- record still in review or unmatched, so the per-run tables grow without bound. Pruning a run
-- past the retention window deletes the rows no reader needs any more (those of dry runs, and
-- those a later finished run has superseded) and stamps the run here; the run's row, its counts
-- and its partition rows stay, and the rows that are still current are never touched.
ALTER TABLE cleanse_run ADD COLUMN pruned_at timestamptz;
