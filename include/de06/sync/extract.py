"""Read the qp change feed by an (updated_at, sheet_id) keyset, in chunks, inside one
REPEATABLE READ snapshot per run attempt (so the reconciliation counts the very rows extracted).

Both source tables share one id sequence, so (updated_at, sheet_id) orders the union of
conviction and expungement sheets without ties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from psycopg2.extensions import ISOLATION_LEVEL_REPEATABLE_READ

Pos = tuple[dt.datetime, int]
#: before every row; ``-infinity`` is a valid timestamptz
START: Pos = (dt.datetime(1900, 1, 1, tzinfo=dt.UTC), -1)

CONVICTION_COLS = (
    "conviction_ref",
    "version",
    "full_name",
    "dob_text",
    "sex_text",
    "id_number",
    "birth_place",
    "unit_name",
    "court_code",
    "crime_code",
    "article",
    "clause",
    "code_version",
    "sentence_code",
    "term_months",
    "suspended",
    "probation_months",
    "judgment_no",
    "judgment_date",
    "effective_date",
    "main_end_date",
    "status",
    "expunged",
    "expunged_on",
)
EXPUNGEMENT_COLS = ("conviction_ref", "expunged_on", "basis", "decision_no")

_WINDOW = (
    "(updated_at, sheet_id) > (%(after_ts)s, %(after_pk)s)"
    " AND (updated_at, sheet_id) <= (%(high_ts)s, %(high_pk)s)"
)

CHUNK_SQL = f"""
SELECT * FROM (
  (SELECT 'conviction' AS kind, sheet_id, updated_at, {", ".join(CONVICTION_COLS)},
          NULL::text AS basis, NULL::text AS decision_no
     FROM conviction WHERE {_WINDOW} ORDER BY updated_at, sheet_id LIMIT %(limit)s)
  UNION ALL
  (SELECT 'expungement', sheet_id, updated_at, conviction_ref, NULL::int,
          {", ".join("NULL" for _ in CONVICTION_COLS[2:-1])}, expunged_on, basis, decision_no
     FROM expungement WHERE {_WINDOW} ORDER BY updated_at, sheet_id LIMIT %(limit)s)
) feed ORDER BY updated_at, sheet_id LIMIT %(limit)s
"""
FEED_COLUMNS = ("kind", "sheet_id", "updated_at", *CONVICTION_COLS, "basis", "decision_no")

HIGH_SQL = """
SELECT updated_at, sheet_id FROM (
  (SELECT updated_at, sheet_id FROM conviction WHERE updated_at < %(until)s
    ORDER BY updated_at DESC, sheet_id DESC LIMIT 1)
  UNION ALL
  (SELECT updated_at, sheet_id FROM expungement WHERE updated_at < %(until)s
    ORDER BY updated_at DESC, sheet_id DESC LIMIT 1)
) h ORDER BY updated_at DESC, sheet_id DESC LIMIT 1
"""

COUNT_SQL = f"""
SELECT (SELECT count(*) FROM conviction WHERE {_WINDOW}) + (SELECT count(*) FROM expungement WHERE {_WINDOW})
"""

FAR_FUTURE = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def open_snapshot(conn_qp) -> None:
    """Make the source connection one read-only REPEATABLE READ transaction."""
    conn_qp.set_session(isolation_level=ISOLATION_LEVEL_REPEATABLE_READ, readonly=True, autocommit=False)


def high_watermark(conn_qp, until: dt.datetime | None = None) -> Pos | None:
    """The last (updated_at, sheet_id) visible in the snapshot, below ``until`` when given."""
    with conn_qp.cursor() as cur:
        cur.execute(HIGH_SQL, {"until": until or FAR_FUTURE})
        row = cur.fetchone()
    return (row[0], row[1]) if row else None


def chunks(conn_qp, after: Pos, high: Pos, size: int) -> Iterator[list[dict[str, Any]]]:
    """Sheets in (after, high], ``size`` at a time, as dicts in (updated_at, sheet_id) order."""
    pos = after
    while True:
        with conn_qp.cursor() as cur:
            cur.execute(CHUNK_SQL, _params(pos, high, size))
            rows = [dict(zip(FEED_COLUMNS, r, strict=True)) for r in cur.fetchall()]
        if not rows:
            return
        yield rows
        pos = (rows[-1]["updated_at"], rows[-1]["sheet_id"])
        if len(rows) < size:
            return


def count_window(conn_qp, after: Pos, high: Pos) -> int:
    with conn_qp.cursor() as cur:
        cur.execute(COUNT_SQL, _params(after, high, 0))
        return int(cur.fetchone()[0])


def fetch_sheets(conn_qp, sheet_ids: list[int]) -> list[dict[str, Any]]:
    """Given sheets by id (for quarantine replay), in feed order."""
    q = CHUNK_SQL.replace(_WINDOW, "sheet_id = ANY(%(ids)s)")
    with conn_qp.cursor() as cur:
        cur.execute(q, {"ids": list(sheet_ids), "limit": max(len(sheet_ids), 1)})
        return [dict(zip(FEED_COLUMNS, r, strict=True)) for r in cur.fetchall()]


def _params(after: Pos, high: Pos, limit: int) -> dict[str, Any]:
    return {
        "after_ts": after[0],
        "after_pk": after[1],
        "high_ts": high[0],
        "high_pk": high[1],
        "limit": limit,
    }
