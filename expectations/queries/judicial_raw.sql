-- conn: lltp
-- Judicial records as recorded: a repeatable Bernoulli sample (sample_pct 100 = all).
SELECT record_id, full_name, dob_text, sex_text, id_number, office_province, updated_at
FROM judicial_record TABLESAMPLE BERNOULLI (%(sample_pct)s) REPEATABLE (6)
