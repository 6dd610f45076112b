"""Hand-made qp sheets for the fault tests (written straight into the qp source DB)."""

from __future__ import annotations

import datetime as dt
from typing import Any

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)

GOOD: dict[str, Any] = {
    "full_name": "Nguyễn Văn Hùng",
    "dob_text": "01/01/1999",
    "sex_text": "Nam",
    "id_number": None,
    "birth_place": "Hà Nội",
    "unit_name": "Sư đoàn 5, Quân khu 7",
    "court_code": "KV-QK7",
    "crime_code": "T173",
    "article": "173",
    "code_version": 2015,
    "sentence_code": "TCT",
    "term_months": 24,
    "suspended": False,
    "probation_months": None,
    "judgment_no": "12/2023/HS-ST",
    "judgment_date": dt.date(2023, 5, 10),
    "effective_date": dt.date(2023, 6, 1),
    "main_end_date": dt.date(2025, 6, 1),
    "status": "serving",
    "expunged": False,
    "expunged_on": None,
}


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def conviction(conn, ref: str, version: int, ts: dt.datetime, commit: bool = True, **over) -> int:
    row = {**GOOD, **over, "conviction_ref": ref, "version": version, "updated_at": ts}
    cols = list(row)
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO conviction ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
            " RETURNING sheet_id",
            [row[c] for c in cols],
        )
        sid = cur.fetchone()[0]
    if commit:
        conn.commit()
    return sid


def expungement(
    conn, ref: str, ts: dt.datetime, on: dt.date = dt.date(2027, 6, 1), basis: str = "automatic"
) -> int:
    with conn.cursor() as cur:
        cur.execute(
            "INSERT INTO expungement (conviction_ref, expunged_on, basis, decision_no, updated_at)"
            " VALUES (%s, %s, %s, '1/2027/XAT', %s) RETURNING sheet_id",
            (ref, on, basis, ts),
        )
        sid = cur.fetchone()[0]
    conn.commit()
    return sid


def target(conn_lltp, ref: str) -> dict[str, Any] | None:
    with conn_lltp.cursor() as cur:
        cur.execute(
            "SELECT source_version, expunged, expunged_on, court_name, article, main_penalty"
            " FROM conviction WHERE source = 'qp' AND source_key = %s",
            (ref,),
        )
        r = cur.fetchone()
    conn_lltp.commit()
    if r is None:
        return None
    cols = ("version", "expunged", "expunged_on", "court_name", "article", "main_penalty")
    return dict(zip(cols, r, strict=True))


def history_count(conn_lltp, ref: str, kinds: tuple[str, ...] = ("insert", "update")) -> int:
    with conn_lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM conviction_history WHERE source = 'qp' AND source_key = %s"
            " AND change_kind = ANY(%s)",
            (ref, list(kinds)),
        )
        n = cur.fetchone()[0]
    conn_lltp.commit()
    return n


def outcomes(conn_lltp) -> dict[str, int]:
    with conn_lltp.cursor() as cur:
        cur.execute("SELECT outcome, count(*) FROM qp_sync_ledger GROUP BY outcome")
        got = dict(cur.fetchall())
    conn_lltp.commit()
    return got
