"""Entry points the health DAGs call (inside Airflow tasks): connections come from PostgresHook."""

from __future__ import annotations

import logging
import os
from typing import Any

from de06.errors import InputError, fail_without_retry
from de06.health import drain as D
from de06.health.client import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, VneidClient
from de06.health.knobs import BOUNDS, OVERRIDABLE

log = logging.getLogger(__name__)

API_URL_ENV = "DE06_VNEID_API_URL"
DEFAULT_API_URL = "http://127.0.0.1:8600"


#: Airflow Variable (JSON object) whose keys override the DAG params of every health_push run: an
#: operator's knob without redeploying or triggering by hand (asset-triggered runs carry no conf),
#: e.g. ``{"quality": false}`` while a backlog drains; tests use it for short idle times.
OVERRIDES_VARIABLE = "health_push_overrides"


ALLOWED_URLS_ENV = "DE06_VNEID_ALLOWED_URLS"
CLIENT_ID_ENV, CLIENT_SECRET_ENV = "DE06_VNEID_CLIENT_ID", "DE06_VNEID_CLIENT_SECRET"


def _checked(key: str, value: Any) -> Any:
    if key == "quality":
        if not isinstance(value, bool):
            raise InputError(f"{OVERRIDES_VARIABLE}: quality must be true or false", "write a JSON boolean")
        return value
    _kind, lo, hi = BOUNDS[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise InputError(
            f"{OVERRIDES_VARIABLE}: {key} must be a number from {lo:g} to {hi:g}",
            f"correct {key} in the Variable",
        )
    return value


def with_overrides(params: dict[str, Any] | None) -> dict[str, Any]:
    """``params`` with the known keys of the overrides Variable applied (absent Variable: unchanged);
    a value out of its bounds is a clear error naming the key."""
    from airflow.sdk import Variable

    extra = Variable.get(OVERRIDES_VARIABLE, default=None, deserialize_json=True)
    out = dict(params or {})
    if isinstance(extra, dict):
        with fail_without_retry():  # a retry reads the same Variable
            out.update({k: _checked(k, v) for k, v in extra.items() if k in OVERRIDABLE})
    return out


def api_url(override: str | None = None, trusted: bool = False) -> str:
    """The VNeID API base URL: the workers' ``DE06_VNEID_API_URL`` (default the local simulator).

    A different URL given with a run (``api_url`` param) must be listed in
    ``DE06_VNEID_ALLOWED_URLS`` on the workers: whoever may trigger a run must not be able to send
    the client's secret and citizens' health entries to a host of their choosing. ``trusted``: an
    operator on the machine (the CLI), who could set the environment anyway."""
    configured = os.environ.get(API_URL_ENV) or DEFAULT_API_URL
    if not override or trusted or override.rstrip("/") == configured.rstrip("/"):
        return override or configured
    allowed = {u.strip().rstrip("/") for u in os.environ.get(ALLOWED_URLS_ENV, "").split(",") if u.strip()}
    if override.rstrip("/") not in allowed:
        raise InputError(
            "api_url is not an allowed VNeID endpoint",
            f"leave api_url empty to use the workers' {API_URL_ENV}, or list it in {ALLOWED_URLS_ENV}",
        )
    return override


def settings(params: dict[str, Any] | None) -> D.Settings:
    """Drain settings from the declared knobs only (undeclared keys of a run's conf are ignored)."""
    p = params or {}
    cfg = D.Settings()
    for name in BOUNDS:
        if p.get(name) is not None:
            setattr(cfg, name, type(getattr(cfg, name))(p[name]))
    return cfg


def client_from(params: dict[str, Any] | None, trusted: bool = False) -> VneidClient:
    """The API client; its credentials come from the workers' environment, never from a run's conf."""
    p = params or {}
    return VneidClient(
        api_url(p.get("api_url"), trusted),
        os.environ.get(CLIENT_ID_ENV) or DEFAULT_CLIENT_ID,
        os.environ.get(CLIENT_SECRET_ENV) or DEFAULT_CLIENT_SECRET,
        timeout_s=5.0,
        backoff_base_s=0.2,
        inline_attempts=1,  # transient -> re-queued, no batch stall
    )


def airflow_pg(conn_id: str):
    """A psycopg2 connection from Airflow's connection ``conn_id`` (see ``airflow_connect``)."""
    from de06.db.conn import airflow_connect

    return airflow_connect(conn_id)


def run_drain(mode: str, params: dict[str, Any] | None = None, run_id: str | None = None) -> dict:
    """Drain inbox and outbox through Airflow's connections; returns the run summary (no IDs).

    An unreachable API (:class:`de06.health.drain.EndpointUnreachable`: nothing answered, every
    push failed at the transport level) fails the task at once with one line naming the endpoint
    and the fix; the run is recorded and its items stay pending. It ends after ``unreachable_after_s``
    of transport failures without any answer, not at ``max_run_s``. No retry: a retry would find the
    same endpoint, and the waiting work triggers the next run. Whether the failure mails is the
    DAGs' failure callback's decision (:mod:`de06.health.outage`: once per outage)."""
    bhxh = airflow_pg("bhxh")
    dancu = airflow_pg("dancu")
    cfg = settings(params)
    cfg.snapshot = mode == "scheduled"  # the every-5-minutes peer drains what its tick found
    with fail_without_retry():  # a refused api_url: retrying cannot help
        client = client_from(params)
    try:
        with client, fail_without_retry(D.EndpointUnreachable):
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
    asked = len(set(p.get("item_ids") or ()))
    bhxh = airflow_pg("bhxh")
    try:
        with fail_without_retry():  # ids none of which is open: a retry finds the same
            n = dlq.replay(bhxh, item_ids=p.get("item_ids"), http_status=p.get("http_status"))
    finally:
        bhxh.close()
    return {"replayed": n, **({"not_open": asked - n} if n < asked else {})}


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

    Reported (dq_result, Data Docs); a breach never fails or undoes the push. An empty micro-batch
    (the run acknowledged nothing and nothing arrived during it, e.g. its submissions were received
    before it started and their entries are still pending or parked) is skipped with the reason
    logged: scoring no rows would report a breach of data that does not exist.
    """
    if not (
        summary.get("acked") or summary.get("parked") or summary.get("dead") or summary.get("submissions")
    ):
        return {"skipped": "empty run"}
    from de06.quality.operators import validate_task
    from de06.quality.runner import read_query

    df = read_query("bhxh", MICROBATCH_SQL, {"since": summary["started_at"], "until": summary["finished_at"]})
    if df.empty:
        reason = (
            f"empty micro-batch: no entry acknowledged or received during the run (acked"
            f" {summary.get('acked') or 0}, left pending {summary.get('left_pending') or 0})"
        )
        log.info("quality: health_microbatch not validated: %s", reason)
        return {"dataset": "health_microbatch", "skipped": reason, "row_count": 0}
    result = validate_task("health_microbatch", df=df, raise_on_breach=False)
    return {k: result.get(k) for k in ("dataset", "scores", "passed", "row_count", "report_path", "breaches")}
