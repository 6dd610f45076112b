"""Quarantined sheets: list them, and replay them after a fix (a new reference-table version, a
corrected source sheet). A replayed sheet gets a new outcome in the ledger (still exactly one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from de06.errors import De06Error
from de06.sync import apply, extract, lock, resolve
from de06.sync.mapping import load_refs
from de06.sync.rules import decide

LIST_SQL = """
SELECT sheet_id, kind, source_key, reason, first_seen, last_seen, retry_count, resolved_at, resolution
  FROM qp_quarantine WHERE (%(all)s OR resolved_at IS NULL) ORDER BY first_seen, sheet_id LIMIT %(limit)s
"""
OPEN_IDS_SQL = (
    "SELECT sheet_id FROM qp_quarantine"
    " WHERE resolved_at IS NULL AND (%(ids)s IS NULL OR sheet_id = ANY(%(ids)s))"
)


def list_items(conn_lltp, *, include_resolved: bool = False, limit: int = 100) -> list[dict[str, Any]]:
    cols = (
        "sheet_id",
        "kind",
        "source_key",
        "reason",
        "first_seen",
        "last_seen",
        "retry_count",
        "resolved_at",
        "resolution",
    )
    with conn_lltp.cursor() as cur:
        cur.execute(LIST_SQL, {"all": include_resolved, "limit": limit})
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def replay(connector: Callable[[str], Any], sheet_ids: list[int] | None = None) -> dict[str, int]:
    """Re-read open quarantined sheets from qp and decide them again; returns outcome counts."""
    lltp = connector("lltp")
    qp = dancu = None
    try:
        if not lock.acquire(lltp, wait_seconds=30):
            raise De06Error("a qp sync is running", "retry the replay when it has finished")
        with lltp.cursor() as cur:
            cur.execute(OPEN_IDS_SQL, {"ids": sheet_ids})
            ids = [r[0] for r in cur.fetchall()]
        if not ids:
            lltp.commit()
            return {}
        qp = connector("qp")
        sheets = extract.fetch_sheets(qp, ids)
        qp.rollback()
        missing = set(ids) - {s["sheet_id"] for s in sheets}
        if missing:
            raise De06Error(
                f"{len(missing)} quarantined sheet(s) no longer exist in qp",
                "check the source; nothing was replayed",
            )
        refs = load_refs(lltp)
        with lltp.cursor() as cur:
            keys = sorted({s["conviction_ref"] for s in sheets})
            plan = decide(sheets, apply.load_state(cur, keys), apply.load_parked(cur, keys), refs)
            resolutions = {}
            if plan.new_keys:
                dancu = connector("dancu")
                resolutions = resolve.resolve(list(plan.new_keys.values()), dancu, {})
            apply.write(cur, plan, resolutions, None, replay=True)
            resolve.enqueue_reviews(lltp, list(resolutions.values()), plan.new_keys)
        lltp.commit()
        return plan.counts()
    finally:
        for c in (qp, dancu):
            if c is not None:
                c.close()
        lltp.rollback()
        lock.release(lltp)
        lltp.close()
