"""Dead letters: list them (masked) and replay them (back to pending, attempts reset)."""

from __future__ import annotations

from de06.domain.cccd import mask
from de06.errors import InputError

LIST = """
SELECT d.dead_id, d.item_id, o.entry_type, o.facility_code, o.episode_key, o.citizen_id, d.http_status,
       d.reason, d.dead_at, d.replayed_at
FROM dead_letter d JOIN outbox_item o USING (item_id)
WHERE (%(all)s OR d.replayed_at IS NULL)
ORDER BY d.dead_id LIMIT %(limit)s
"""
REPLAY = """
WITH d AS (
    UPDATE dead_letter SET replayed_at = clock_timestamp()
    WHERE replayed_at IS NULL
      AND (%(ids)s::bigint[] IS NULL OR item_id = ANY(%(ids)s::bigint[]))
      AND (%(status)s::int IS NULL OR http_status = %(status)s::int)
    RETURNING item_id)
UPDATE outbox_item o SET status = 'pending', attempts = 0, next_attempt_at = clock_timestamp(),
    last_error = NULL, signalled_at = NULL
FROM d WHERE o.item_id = d.item_id AND o.status = 'dead'
RETURNING o.item_id
"""


def list_dead(conn, limit: int = 100, include_replayed: bool = False) -> list[dict]:
    with conn.cursor() as cur:
        cur.execute(LIST, {"all": include_replayed, "limit": limit})
        rows = cur.fetchall()
    conn.commit()
    return [
        {
            "dead_id": r[0],
            "item_id": r[1],
            "entry_type": r[2],
            "facility_code": r[3].strip(),
            "episode_key": r[4],
            "citizen": mask((r[5] or "").strip()),
            "http_status": r[6],
            "reason": r[7],
            "dead_at": r[8].isoformat(),
            "replayed_at": r[9].isoformat() if r[9] else None,
        }
        for r in rows
    ]


def replay(conn, item_ids: list[int] | None = None, http_status: int | None = None) -> int:
    """Put dead items back to pending (all open ones, or the given item ids / HTTP status); returns
    how many. Item ids none of which is an open dead letter are an error, not "0 replayed"."""
    ids = sorted({int(i) for i in item_ids or ()})
    with conn.cursor() as cur:
        cur.execute(REPLAY, {"ids": ids or None, "status": http_status})
        n = len(cur.fetchall())
    conn.commit()
    if ids and n == 0:
        raise InputError(
            f"none of the {len(ids)} item id(s) given is an open dead letter",
            "list them with `de06 dlq list`; an item already replayed or delivered is not",
        )
    return n
