"""Entry points the health DAGs call (inside Airflow tasks): connections come from PostgresHook."""

from __future__ import annotations

import os
from typing import Any

from de06.health import drain as D
from de06.health.client import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, VneidClient

API_URL_ENV = "DE06_VNEID_API_URL"
DEFAULT_API_URL = "http://127.0.0.1:8600"


def api_url(override: str | None = None) -> str:
    return override or os.environ.get(API_URL_ENV) or DEFAULT_API_URL


def settings(params: dict[str, Any] | None) -> D.Settings:
    p = params or {}
    cfg = D.Settings()
    for name in (
        "batch_size",
        "concurrency",
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
    )


def run_drain(mode: str, params: dict[str, Any] | None = None, run_id: str | None = None) -> dict:
    """Drain inbox and outbox through Airflow's connections; returns the run summary (no IDs)."""
    from de06.db.conn import hook

    bhxh = hook("bhxh").get_conn()
    dancu = hook("dancu").get_conn()
    try:
        with client_from(params) as client:
            stats = D.drain(bhxh, dancu, client, settings(params), run_id=run_id, mode=mode)
        return stats.summary()
    finally:
        bhxh.close()
        dancu.close()


def run_replay(params: dict[str, Any] | None = None) -> dict:
    from de06.db.conn import hook
    from de06.health import dlq

    p = params or {}
    bhxh = hook("bhxh").get_conn()
    try:
        n = dlq.replay(bhxh, item_ids=p.get("item_ids") or None, http_status=p.get("http_status"))
    finally:
        bhxh.close()
    return {"replayed": n}
