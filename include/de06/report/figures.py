"""The pipelines' own figures for the Friday report: read-only, aggregate-only, never personal data.

Each ``*_figures(connect)`` takes ``connect(conn_id) -> psycopg2 connection`` (``de06.db.connect``
from a CLI, ``lambda c: hook(c).get_conn()`` inside Airflow) and returns a dict with
``available: bool``; when a table does not exist yet (its pipeline was never migrated or run) or
the database cannot be reached, ``available`` is False and ``reason`` says why, instead of failing.

Per old 63-unit province (3-digit code) where the data allows: judicial records by the keeping
office's province, military-court convictions by recorded birthplace (free text resolved with
``de06.domain.provinces.lookup``), health-book entries by the book owner's ID prefix
(birth-registration province). Targets: /work/shared/domain/targets.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from de06.domain import provinces
from de06.health.outage import api_state

log = logging.getLogger(__name__)

Connect = Callable[[str], Any]

#: targets.md: 1.2 million judicial records cleaned against the population DB (before 10 Oct 2024).
JUDICIAL_TARGET = 1_200_000
#: targets.md: 40 million using the health book (2025; "lượt người dân", may mean uses).
HEALTH_USES_TARGET_2025 = 40_000_000
#: targets.md: 100% of health facilities use the health book (2025).
FACILITY_SHARE_TARGET_2025 = 1.0
LATENCY_SAMPLE = 5000

SQL_EXISTS = "SELECT to_regclass(%s) IS NOT NULL"

SQL_JUDICIAL_TOTAL = "SELECT count(*) FROM judicial_record"
SQL_JUDICIAL_OUTCOMES = """
SELECT coalesce(j.office_province, '---') AS province, c.outcome, count(*)
FROM record_current c JOIN judicial_record j USING (record_id)
GROUP BY 1, 2
"""

SQL_QP_SOURCE = "SELECT count(DISTINCT conviction_ref), count(*) FROM conviction"
SQL_QP_TARGET = (
    "SELECT count(*), count(*) FILTER (WHERE expunged), count(*) FILTER (WHERE no_record_basis IS NOT NULL)"
    " FROM conviction WHERE source = 'qp'"
)
SQL_QP_BY_PLACE = """
SELECT i.birth_place, count(*) FROM conviction c JOIN qp_identity i USING (source_key)
WHERE c.source = 'qp' GROUP BY 1
"""
SQL_QP_OPEN = """
SELECT (SELECT count(*) FROM qp_quarantine WHERE resolved_at IS NULL),
       (SELECT count(*) FROM qp_parked_expungement WHERE applied_at IS NULL)
"""
SQL_QP_LAST_RUN = """
SELECT run_key, status, finished_at, applied, stale, duplicates, quarantined, parked
FROM qp_sync_run ORDER BY run_id DESC LIMIT 1
"""

SQL_HB_ENTRIES = """
SELECT substr(book_owner_id, 1, 3) AS province, entry_type, count(*)
FROM health_book_entry GROUP BY 1, 2
"""
SQL_HB_OWNERS = "SELECT count(DISTINCT book_owner_id) FROM health_book_entry"
SQL_OUTBOX_STATUS = "SELECT status, count(*) FROM outbox_item GROUP BY 1"
SQL_FACILITIES = """
SELECT (SELECT count(*) FROM facility),
       (SELECT count(DISTINCT facility_code) FROM outbox_item WHERE status = 'acked')
"""
SQL_LATENCY_SAMPLE = """
SELECT extract(epoch FROM acked_at - received_at)::float8
FROM outbox_item WHERE status = 'acked' AND acked_at IS NOT NULL
ORDER BY acked_at DESC LIMIT %s
"""
SQL_PUSH_RUNS = """
SELECT run_id, mode, started_at, acked, dead, parked, latency_p50_s, latency_p95_s, latency_p99_s
FROM push_run WHERE finished_at IS NOT NULL ORDER BY started_at DESC LIMIT 20
"""

SQL_DQ_SCORES = """
SELECT dataset, created_at, score_dung, score_du, score_sach, score_song, score_overall, passed
FROM dq_result ORDER BY created_at DESC LIMIT 400
"""


class _Unavailable(Exception):
    pass


def _open(connect: Connect, conn_id: str):
    try:
        conn = connect(conn_id)
    except Exception as exc:  # DatabaseUnavailable, Airflow connection missing, ...
        raise _Unavailable(f"{conn_id} database not reachable ({type(exc).__name__})") from exc
    try:
        conn.set_session(readonly=True, autocommit=True)
    except Exception:  # noqa: BLE001 - not every driver supports it; reading only anyway
        pass
    return conn


def _require(cur, *tables: str) -> None:
    for t in tables:
        cur.execute(SQL_EXISTS, (t,))
        if not cur.fetchone()[0]:
            raise _Unavailable(f"table {t} does not exist yet")


def _guard(fn: Callable[[Connect], dict[str, Any]]) -> Callable[[Connect], dict[str, Any]]:
    def wrapper(connect: Connect) -> dict[str, Any]:
        try:
            out = fn(connect)
            out.setdefault("available", True)
            return out
        except _Unavailable as exc:
            return {"available": False, "reason": str(exc)}
        except Exception as exc:  # a query error must not sink the whole report
            log.warning("figures %s failed: %s", fn.__name__, type(exc).__name__)
            return {"available": False, "reason": f"query failed ({type(exc).__name__})"}

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


def _province_label(code: str) -> str:
    p = provinces.BY_CODE.get(code)
    return p.name if p else "unknown"


@_guard
def judicial_figures(connect: Connect) -> dict[str, Any]:
    """Records cleaned of the 1.2M target: latest outcome per record (``lltp.record_current``)."""
    conn = _open(connect, "lltp")
    try:
        with conn.cursor() as cur:
            _require(cur, "judicial_record", "record_current")
            cur.execute(SQL_JUDICIAL_TOTAL)
            total = cur.fetchone()[0]
            cur.execute(SQL_JUDICIAL_OUTCOMES)
            rows = cur.fetchall()
    finally:
        conn.close()
    outcomes = {k: 0 for k in ("linked", "review", "unmatched", "rejected")}
    by_prov: dict[str, dict[str, int]] = {}
    for prov, outcome, n in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + n
        code = prov if prov in provinces.BY_CODE else "---"
        by_prov.setdefault(code, {k: 0 for k in outcomes})[outcome] += n
    processed = sum(outcomes.values())
    return {
        "records": total,
        "processed": processed,
        "outcomes": outcomes,
        "cleaned": outcomes["linked"],
        "target": JUDICIAL_TARGET,
        "target_share": outcomes["linked"] / JUDICIAL_TARGET,
        "by_province": {c: {"name": _province_label(c), **v} for c, v in sorted(by_prov.items())},
    }


@_guard
def military_figures(connect: Connect) -> dict[str, Any]:
    """Military-court sync coverage: qp convictions in lltp vs distinct convictions at the source."""
    src = _open(connect, "qp")
    try:
        with src.cursor() as cur:
            _require(cur, "conviction")
            cur.execute(SQL_QP_SOURCE)
            source_convictions, source_sheets = cur.fetchone()
    finally:
        src.close()
    tgt = _open(connect, "lltp")
    try:
        with tgt.cursor() as cur:
            _require(
                cur, "conviction", "qp_identity", "qp_sync_run", "qp_quarantine", "qp_parked_expungement"
            )
            cur.execute(SQL_QP_TARGET)
            synced, expunged, no_record = cur.fetchone()
            cur.execute(SQL_QP_BY_PLACE)
            places = cur.fetchall()
            cur.execute(SQL_QP_OPEN)
            quarantined, parked = cur.fetchone()
            cur.execute(SQL_QP_LAST_RUN)
            last = cur.fetchone()
    finally:
        tgt.close()
    by_prov: dict[str, int] = {}
    for place, n in places:
        code = provinces.lookup(place) or "---"
        by_prov[code] = by_prov.get(code, 0) + n
    last_run = None
    if last:
        keys = ("run_key", "status", "finished_at", "applied", "stale", "duplicates", "quarantined", "parked")
        last_run = dict(zip(keys, last, strict=True))
        last_run["finished_at"] = last_run["finished_at"].isoformat() if last_run["finished_at"] else None
    return {
        "source_convictions": source_convictions,
        "source_sheets": source_sheets,
        "synced": synced,
        "expunged": expunged,
        "no_record": no_record,  # Art. 69(2): negligent crimes after which no record arose
        "coverage": (synced / source_convictions) if source_convictions else None,
        "quarantined": quarantined,
        "parked_expungements": parked,
        "last_run": last_run,
        "deadline": "2024-12-31",
        "by_province": {c: {"name": _province_label(c), "synced": n} for c, n in sorted(by_prov.items())},
    }


@_guard
def health_figures(connect: Connect) -> dict[str, Any]:
    """Health-book volume (vneid) and push latency (bhxh outbox, push_run) against the 2025 targets."""
    v = _open(connect, "vneid")
    try:
        with v.cursor() as cur:
            _require(cur, "health_book_entry")
            cur.execute(SQL_HB_ENTRIES)
            entries = cur.fetchall()
            cur.execute(SQL_HB_OWNERS)
            owners = cur.fetchone()[0]
    finally:
        v.close()
    by_type: dict[str, int] = {}
    by_prov: dict[str, int] = {}
    for prov, etype, n in entries:
        by_type[etype] = by_type.get(etype, 0) + n
        code = prov if prov in provinces.BY_CODE else "---"
        by_prov[code] = by_prov.get(code, 0) + n
    total = sum(by_type.values())
    out: dict[str, Any] = {
        "entries": total,
        "by_type": by_type,
        "book_owners": owners,
        "uses_target_2025": HEALTH_USES_TARGET_2025,
        "uses_target_share": total / HEALTH_USES_TARGET_2025,
        "by_province": {c: {"name": _province_label(c), "entries": n} for c, n in sorted(by_prov.items())},
    }
    try:
        b = _open(connect, "bhxh")
    except _Unavailable as exc:
        out["push"] = {"available": False, "reason": str(exc)}
        return out
    try:
        with b.cursor() as cur:
            _require(cur, "outbox_item", "push_run", "facility")
            cur.execute(SQL_OUTBOX_STATUS)
            status = dict(cur.fetchall())
            cur.execute(SQL_FACILITIES)
            facilities, connected = cur.fetchone()
            cur.execute(SQL_LATENCY_SAMPLE, (LATENCY_SAMPLE,))
            sample = [round(float(r[0]), 3) for r in cur.fetchall() if r[0] is not None]
            cur.execute(SQL_PUSH_RUNS)
            runs = cur.fetchall()
        api = api_state(b)
        out["push"] = {
            "available": True,
            "outbox": status,
            "facilities": facilities,
            "facilities_connected": connected,
            "facility_share": (connected / facilities) if facilities else None,
            "facility_share_target_2025": FACILITY_SHARE_TARGET_2025,
            "latency_sample_s": sample,
            "latency": _percentiles(sample),
            "runs": [
                {
                    "run_id": r[0],
                    "mode": r[1],
                    "started_at": r[2].isoformat(),
                    "acked": r[3],
                    "dead": r[4],
                    "parked": r[5],
                    "p50_s": r[6],
                    "p95_s": r[7],
                    "p99_s": r[8],
                }
                for r in runs
            ],
            # the VNeID API as the recorded runs saw it (de06.health.outage)
            "api": api,
        }
    except _Unavailable as exc:
        out["push"] = {"available": False, "reason": str(exc)}
    finally:
        b.close()
    return out


@_guard
def quality_scores(connect: Connect) -> dict[str, Any]:
    """Data-quality scores over time per dataset (``lltp.dq_result``, written by de06.quality)."""
    conn = _open(connect, "lltp")
    try:
        with conn.cursor() as cur:
            _require(cur, "dq_result")
            cur.execute(SQL_DQ_SCORES)
            rows = cur.fetchall()
    finally:
        conn.close()
    series: dict[str, list[dict[str, Any]]] = {}
    for ds, at, dung, du, sach, song, overall, passed in reversed(rows):
        series.setdefault(ds, []).append(
            {
                "at": at.isoformat(),
                "dung": _f(dung),
                "du": _f(du),
                "sach": _f(sach),
                "song": _f(song),
                "overall": _f(overall),
                "passed": passed,
            }
        )
    return {"series": series}


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def _percentiles(sample: list[float]) -> dict[str, float | None]:
    if not sample:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    s = sorted(sample)

    def q(p: float) -> float:
        return s[min(len(s) - 1, max(0, round(p * (len(s) - 1))))]

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": s[-1], "n": len(s)}


def gather(connect: Connect) -> dict[str, Any]:
    """All figures of the report."""
    return {
        "judicial": judicial_figures(connect),
        "military": military_figures(connect),
        "health": health_figures(connect),
        "quality": quality_scores(connect),
    }
