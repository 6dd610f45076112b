-- Latest human decision per judicial record in a set (applied by the next run, never overridden).
SELECT DISTINCT ON (i.source_key) i.source_key, d.decision, d.citizen_id, d.decided_by
FROM review_item i JOIN review_decision d ON d.item_id = i.item_id
WHERE i.source = 'lltp' AND i.status = 'decided' AND i.source_key = ANY (%(keys)s)
ORDER BY i.source_key, d.decided_at DESC, d.decision_id DESC;
