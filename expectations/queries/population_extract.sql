-- conn: dancu
-- Population extract: a repeatable Bernoulli sample (sample_pct 100 = every citizen).
SELECT citizen_id, cccd, cmnd, full_name, dob, sex, birth_province, residence_province, updated_at
FROM citizen TABLESAMPLE BERNOULLI (%(sample_pct)s) REPEATABLE (6)
