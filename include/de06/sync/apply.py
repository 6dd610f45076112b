"""Perform a :class:`de06.sync.rules.Plan` in the open lltp transaction: upsert convictions
(source 'qp', source_key = the MoD conviction_ref), expungements, history, ledger, quarantine,
parked expungements, identities. All values are bound parameters.
"""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json, execute_values

from de06.errors import De06Error
from de06.sync.resolve import Resolution
from de06.sync.rules import Parked, Plan, TargetState

SOURCE = "qp"
ROW_COLS = (
    "court_name",
    "judgment_no",
    "judgment_date",
    "effective_date",
    "crime_name",
    "article",
    "clause",
    "code_version",
    "main_penalty",
    "penalty_months",
    "suspended",
    "probation_months",
    "execution_status",
    "main_end_date",
    "expunged",
    "expunged_on",
    "expunge_basis",
    "no_record_basis",
    "source_version",
    "source_sheet_id",
    "source_updated_at",
)

SEEN_SQL = "SELECT sheet_id FROM qp_sync_ledger WHERE sheet_id = ANY(%s)"
STATE_SQL = """
SELECT source_key, source_version, expunged, expunged_on, expunge_basis
  FROM conviction WHERE source = 'qp' AND source_key = ANY(%s)
"""
PARKED_SQL = """
SELECT source_key, sheet_id, expunged_on, basis, decision_no FROM qp_parked_expungement
 WHERE applied_at IS NULL AND source_key = ANY(%s)
"""
UPSERT_SQL = f"""
INSERT INTO conviction AS c (source, source_key, citizen_id, {", ".join(ROW_COLS)}) VALUES %s
ON CONFLICT (source, source_key) DO UPDATE SET
  {", ".join(f"{k} = EXCLUDED.{k}" for k in ROW_COLS if not k.startswith("expunge"))},
  expunged = c.expunged OR EXCLUDED.expunged,
  expunged_on = CASE WHEN c.expunged THEN c.expunged_on ELSE EXCLUDED.expunged_on END,
  expunge_basis = CASE WHEN c.expunged THEN c.expunge_basis ELSE EXCLUDED.expunge_basis END,
  updated_at = now()
WHERE c.source_version < EXCLUDED.source_version
   OR (c.source_version = EXCLUDED.source_version AND EXCLUDED.expunged AND NOT c.expunged)
RETURNING source_key, conviction_id
"""
EXPUNGE_SQL = """
UPDATE conviction c SET expunged = true, expunged_on = v.d, expunge_basis = v.b, updated_at = now()
  FROM (VALUES %s) AS v(k, d, b)
 WHERE c.source = 'qp' AND c.source_key = v.k AND NOT c.expunged
RETURNING c.source_key, c.conviction_id
"""
HISTORY_SQL = """
INSERT INTO conviction_history (conviction_id, source, source_key, source_version, source_sheet_id,
                                change_kind, row_after, run_id) VALUES %s
"""
LEDGER_SQL = """
INSERT INTO qp_sync_ledger (sheet_id, kind, source_updated_at, source_key, source_version, outcome, detail,
                            run_id)
VALUES %s
"""
QUARANTINE_SQL = """
INSERT INTO qp_quarantine AS q (sheet_id, kind, source_key, reason) VALUES %s
ON CONFLICT (sheet_id) DO UPDATE SET last_seen = now(), retry_count = q.retry_count + 1,
                                      reason = EXCLUDED.reason
"""
PARK_SQL = (
    "INSERT INTO qp_parked_expungement (sheet_id, source_key, expunged_on, basis, decision_no, run_id)"
    " VALUES %s"
)
UNPARK_SQL = "UPDATE qp_parked_expungement SET applied_at = now(), run_id = %s WHERE sheet_id = ANY(%s)"
RELEDGER_SQL = """
UPDATE qp_sync_ledger l SET outcome = v.outcome, detail = v.detail, run_id = v.run_id, recorded_at = now()
  FROM (VALUES %s) AS v(sheet_id, outcome, detail, run_id) WHERE l.sheet_id = v.sheet_id
"""
RESOLVE_SQL = """
UPDATE qp_quarantine q SET resolved_at = now(), resolution = v.outcome, retry_count = q.retry_count + 1,
       last_seen = now()
  FROM (VALUES %s) AS v(sheet_id, outcome) WHERE q.sheet_id = v.sheet_id
"""
IDENTITY_SQL = """
INSERT INTO qp_identity (source_key, full_name, dob_text, sex_text, id_number, birth_place, unit_name,
                         match_outcome, match_tier, match_score) VALUES %s
ON CONFLICT (source_key) DO NOTHING
"""


def seen(cur, sheet_ids: list[int]) -> set[int]:
    cur.execute(SEEN_SQL, (sheet_ids,))
    return {r[0] for r in cur.fetchall()}


def load_state(cur, keys: list[str]) -> dict[str, TargetState]:
    cur.execute(STATE_SQL, (keys,))
    return {k: TargetState(v or 0, e, d, b) for k, v, e, d, b in cur.fetchall()}


def load_parked(cur, keys: list[str]) -> dict[str, list[Parked]]:
    cur.execute(PARKED_SQL, (keys,))
    out: dict[str, list[Parked]] = {}
    for k, sid, d, b, n in cur.fetchall():
        out.setdefault(k, []).append(Parked(sid, d, b, n))
    return out


def _json(row: dict[str, Any]) -> Json:
    return Json(row, dumps=lambda o: __import__("json").dumps(o, default=str, ensure_ascii=False))


def write(
    cur, plan: Plan, resolutions: dict[str, Resolution], run_id: int | None, *, replay: bool = False
) -> None:
    """Write the plan. ``replay``: the sheets were quarantined before; their ledger rows are
    updated to the new outcome and their quarantine rows resolved (or counted again)."""
    ids: dict[str, int] = {}
    if plan.parked_new:
        execute_values(cur, PARK_SQL, [(*p, run_id) for p in plan.parked_new])
    if plan.rows:
        values = []
        for key, row in plan.rows.items():
            res = resolutions.get(key)
            values.append((SOURCE, key, res.citizen_id if res else None, *(row[c] for c in ROW_COLS)))
        got = execute_values(cur, UPSERT_SQL, values, fetch=True, page_size=1000)
        ids.update(dict(got))
        if len(got) != len(values):
            raise De06Error(
                f"{len(values) - len(got)} qp conviction(s) changed under the sync (a concurrent writer?)",
                "make sure only the sync writes qp convictions, then rerun",
            )
    if plan.expunge_only:
        got = execute_values(
            cur,
            EXPUNGE_SQL,
            [(k, d, b) for k, (d, b) in plan.expunge_only.items()],
            template="(%s, %s::date, %s)",
            fetch=True,
        )
        ids.update(dict(got))
    if plan.parked_applied:
        cur.execute(UNPARK_SQL, (run_id, plan.parked_applied))
    if plan.history:
        execute_values(
            cur,
            HISTORY_SQL,
            [
                (ids[k], SOURCE, k, v, sid, kind, _json(after), run_id)
                for k, v, sid, kind, after in plan.history
                if k in ids
            ],
            page_size=1000,
        )
    if plan.quarantine:
        execute_values(cur, QUARANTINE_SQL, plan.quarantine)
    if plan.new_keys:
        rows = []
        for key, s in plan.new_keys.items():
            r = resolutions.get(key)
            rows.append(
                (
                    key,
                    s.get("full_name"),
                    s.get("dob_text"),
                    s.get("sex_text"),
                    s.get("id_number"),
                    s.get("birth_place"),
                    s.get("unit_name"),
                    r.outcome if r else "unmatched",
                    r.tier if r else None,
                    r.score if r else None,
                )
            )
        execute_values(cur, IDENTITY_SQL, rows, page_size=1000)
    if plan.ledger and not replay:
        execute_values(cur, LEDGER_SQL, [(*e, run_id) for e in plan.ledger], page_size=1000)
    elif plan.ledger:
        execute_values(
            cur,
            RELEDGER_SQL,
            [(e[0], e[5], f"replayed: {e[6] or ''}", run_id) for e in plan.ledger],
            template="(%s::bigint, %s, %s, %s::bigint)",
        )
        done = [(e[0], e[5]) for e in plan.ledger if e[5] != "quarantined"]
        if done:
            execute_values(cur, RESOLVE_SQL, done, template="(%s::bigint, %s)")
