"""The qp stream's cursor: the last (updated_at, sheet_id) processed. It only moves forward and
is written in the same lltp transaction as the chunk it covers."""

from __future__ import annotations

import datetime as dt

from de06.sync.extract import START, Pos

STREAM = "qp_conviction"

READ_SQL = "SELECT cursor_ts, cursor_pk FROM qp_sync_cursor WHERE stream = %s"
ADVANCE_SQL = """
INSERT INTO qp_sync_cursor AS c (stream, cursor_ts, cursor_pk, run_id) VALUES (%s, %s, %s, %s)
ON CONFLICT (stream) DO UPDATE SET cursor_ts = EXCLUDED.cursor_ts, cursor_pk = EXCLUDED.cursor_pk,
    run_id = EXCLUDED.run_id, updated_at = now()
WHERE (c.cursor_ts, c.cursor_pk) < (EXCLUDED.cursor_ts, EXCLUDED.cursor_pk)
"""


def read(conn_lltp) -> Pos | None:
    with conn_lltp.cursor() as cur:
        cur.execute(READ_SQL, (STREAM,))
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def advance(cur, pos: Pos, run_id: int) -> None:
    """Move the cursor to ``pos`` if that is ahead (call inside the chunk's transaction)."""
    cur.execute(ADVANCE_SQL, (STREAM, pos[0], pos[1], run_id))


def window_start(cursor: Pos | None, lookback: dt.timedelta, full: bool) -> Pos:
    """Where a run starts reading: everything for a full resync or a first run; otherwise the
    cursor minus the lookback window (rows committed late but stamped earlier are re-read there;
    the ledger skips the ones already processed)."""
    if full or cursor is None:
        return START
    return (cursor[0] - lookback, -1)
