"""Reset the sync's target-side state (simulated worlds only: tests, benchmarks, demo rebuilds).
Production never deletes: this exists because a rebuilt simulator world restarts its ids. The
reveal log (who saw personal data) is kept (lltp/024)."""

from __future__ import annotations

RESET_SQL = (
    "DELETE FROM conviction_history WHERE source = 'qp'",
    "DELETE FROM conviction WHERE source = 'qp'",
    "TRUNCATE qp_identity, qp_sync_run, qp_sync_cursor, qp_sync_ledger, qp_quarantine, qp_parked_expungement",
)
REVIEW_SQL = (
    "DELETE FROM review_decision WHERE item_id IN (SELECT item_id FROM review_item WHERE source = 'qp')",
    "DELETE FROM review_item WHERE source = 'qp'",
)


def reset_sync_state(conn_lltp) -> None:
    with conn_lltp.cursor() as cur:
        for q in RESET_SQL:
            cur.execute(q)
        cur.execute("SELECT to_regclass('review_item') IS NOT NULL")
        if cur.fetchone()[0]:
            for q in REVIEW_SQL:
                cur.execute(q)
    conn_lltp.commit()
