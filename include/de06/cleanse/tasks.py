"""Task bodies of the DAG ``lltp_cleanse`` (connections through Airflow's PostgresHook).

Each returns small JSON (ids and counts only, never personal data) for XCom.
"""

from __future__ import annotations

from contextlib import contextmanager

from de06.cleanse import pipeline
from de06.errors import fail_without_retry


@contextmanager
def _conn(conn_id: str):
    """psycopg2 connection from the Airflow connection (see ``de06.db.conn.airflow_connect``)."""
    from de06.db.conn import airflow_connect

    conn = airflow_connect(conn_id)
    try:
        yield conn
    finally:
        conn.close()


def start(run_key: str, params: dict) -> dict:
    """Bad params (unknown provinces or mode, a dry_run that is not a boolean) fail the task at once."""
    provinces = [str(p) for p in (params.get("provinces") or [])]
    mode = params.get("mode") or "incremental"
    with fail_without_retry(), _conn("lltp") as lltp, _conn("dancu") as dancu:
        run = pipeline.start_run(lltp, run_key, mode, provinces, params.get("dry_run", False), dancu=dancu)
        order = pipeline.largest_first(lltp, run.partitions)
    return {"run_id": run.run_id, "partitions": order}


def partition(run_id: int, part: str) -> dict:
    with _conn("lltp") as lltp, _conn("dancu") as dancu:
        return {"partition": part, **pipeline.process_partition(run_id, part, lltp, dancu)}


def reconcile(run_id: int) -> dict:
    with _conn("lltp") as lltp:
        return pipeline.reconcile(run_id, lltp)


def finish(run_id: int) -> dict:
    with _conn("lltp") as lltp:
        return {"run_id": run_id, **pipeline.finish_run(run_id, lltp)}


def prune(params: dict) -> dict:
    """Task body of ``lltp_retention``: counts and run ids only. The params go through as given
    (``prune_history`` refuses what is not a whole number of days or a boolean)."""
    from de06.cleanse.retention import KEEP_DAYS, prune_history

    with fail_without_retry(), _conn("lltp") as lltp:
        return prune_history(lltp, params.get("keep_days", KEEP_DAYS), dry_run=params.get("dry_run", False))
