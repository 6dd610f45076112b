-- conn: qp
-- Military-court conviction sheets changed in the window (since, until].
SELECT sheet_id, conviction_ref, version, full_name, dob_text, id_number, article, code_version,
       sentence_code, term_months, judgment_no, judgment_date, effective_date, expunged, expunged_on,
       updated_at
FROM conviction
WHERE updated_at > %(since)s AND updated_at <= %(until)s
