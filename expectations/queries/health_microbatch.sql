-- conn: bhxh
-- Health-book entries that reached the inbox in the window (since, until]; never identity/payload.
SELECT item_id, idempotency_key, facility_code, entry_type, citizen_id, book_owner_id, status,
       received_at, acked_at
FROM outbox_item
WHERE received_at > %(since)s AND received_at <= %(until)s
