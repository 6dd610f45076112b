"""Entry points the health DAGs call (inside Airflow tasks): connections come from PostgresHook."""

from __future__ import annotations

import os
from typing import Any

from de06.health import drain as D
from de06.health.client import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, VneidClient

API_URL_ENV = "DE06_VNEID_API_URL"
DEFAULT_API_URL = "http://127.0.0.1:8600"


#: Airflow Variable (JSON object) whose keys override the DAG params of every health_push run: an
#: operator's knob without redeploying or triggering by hand (asset-triggered runs carry no conf),
#: e.g. ``{"quality": false}`` while a backlog drains; tests use it for short idle times.
OVERRIDES_VARIABLE = "health_push_overrides"
OVERRIDABLE = frozenset(
    {"max_run_s", "batch_size", "concurrency", "api_batch", "retry_base_s", "idle_exit_s", "quality"}
)


def with_overrides(params: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` with the known keys of the overrides Variable applied (absent Variable: unchanged)."""
    from airflow.sdk import Variable

    extra = Variable.get(OVERRIDES_VARIABLE, default=None, deserialize_json=True)
    out = dict(params or {})
    if isinstance(extra, dict):
        out.update({k: v for k, v in extra.items() if k in OVERRIDABLE})
    return out


def api_url(override: str | None = None) -> str:
    return override or os.environ.get(API_URL_ENV) or DEFAULT_API_URL


def settings(params: dict[str, Any] | None) -> D.Settings:
    p = params or {}
    cfg = D.Settings()
    for name in (
        "batch_size",
        "concurrency",
        "api_batch",
        "max_run_s",
        "retry_base_s",
        "retry_cap_s",
        "max_attempts",
        "idle_exit_s",
    ):
        if p.get(name) is not None:
            setattr(cfg, name, type(getattr(cfg, name))(p[name]))
    return cfg


def client_from(params: dict[str, Any] | None) -> VneidClient:
    p = params or {}
    return VneidClient(
        api_url(p.get("api_url")),
        p.get("client_id") or DEFAULT_CLIENT_ID,
        p.get("client_secret") or DEFAULT_CLIENT_SECRET,
        timeout_s=float(p.get("timeout_s") or 5.0),
        backoff_base_s=float(p.get("backoff_base_s") or 0.2),
        inline_attempts=int(p.get("inline_attempts") or 1),  # transient -> re-queued, no batch stall
    )


def airflow_pg(conn_id: str):
    """A psycopg2 connection from Airflow's connection ``conn_id`` (see ``airflow_connect``)."""
    from de06.db.conn import airflow_connect

    return airflow_connect(conn_id)


def run_drain(mode: str, params: dict[str, Any] | None = None, run_id: str | None = None) -> dict:
    """Drain inbox and outbox through Airflow's connections; returns the run summary (no IDs)."""
    bhxh = airflow_pg("bhxh")
    dancu = airflow_pg("dancu")
    cfg = settings(params)
    cfg.snapshot = mode == "scheduled"  # the every-5-minutes peer drains what its tick found
    try:
        with client_from(params) as client:
            stats = D.drain(
                bhxh,
                dancu,
                client,
                cfg,
                run_id=run_id,
                mode=mode,
                connect=lambda: (airflow_pg("bhxh"), airflow_pg("dancu")),
            )
        return stats.summary()
    finally:
        bhxh.close()
        dancu.close()


def run_replay(params: dict[str, Any] | None = None) -> dict:
    from de06.health import dlq

    p = params or {}
    bhxh = airflow_pg("bhxh")
    try:
        n = dlq.replay(bhxh, item_ids=p.get("item_ids") or None, http_status=p.get("http_status"))
    finally:
        bhxh.close()
    return {"replayed": n}


#: The run's micro-batch for Great Expectations: entries it acknowledged or that arrived during it
#: (never identity or payload columns).
MICROBATCH_SQL = """
SELECT item_id, idempotency_key, facility_code, entry_type, citizen_id, book_owner_id, status,
       received_at, acked_at
FROM outbox_item
WHERE (acked_at >= %(since)s AND acked_at <= %(until)s)
   OR (received_at >= %(since)s AND received_at <= %(until)s)
"""


def run_quality(summary: dict) -> dict:
    """GX suite ``health_microbatch`` (de06.quality) on the run's micro-batch.

    Reported (dq_result, Data Docs); a breach never fails or undoes the push.
    """
    if not (
        summary.get("acked") or summary.get("parked") or summary.get("dead") or summary.get("submissions")
    ):
        return {"skipped": "empty run"}
    from de06.quality.operators import validate_task

    result = validate_task(
        "health_microbatch",
        conn_id="bhxh",
        sql=MICROBATCH_SQL,
        params={"since": summary["started_at"], "until": summary["finished_at"]},
        raise_on_breach=False,
    )
    return {k: result.get(k) for k in ("dataset", "scores", "passed", "row_count", "report_path", "breaches")}
