-- conn: lltp
-- Convictions the military sync applied to the Judicial Records DB.
SELECT conviction_id, source_key, citizen_id, court_name, judgment_date, article, code_version,
       main_penalty, penalty_months, expunged, expunged_on, updated_at
FROM conviction
WHERE source = 'qp'
