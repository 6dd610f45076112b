"""Task bodies of the DAG ``lltp_cleanse`` (connections through Airflow's PostgresHook).

Each returns small JSON (ids and counts only, never personal data) for XCom.
"""

from __future__ import annotations

from contextlib import contextmanager

from de06.cleanse import pipeline


@contextmanager
def _conn(conn_id: str):
    """psycopg2 connection from the Airflow connection's fields (the provider's hook may hand out
    psycopg 3, and the matcher uses psycopg2's COPY)."""
    import psycopg2

    from de06.db.conn import hook
    from de06.errors import DatabaseUnavailable

    c = hook(conn_id).connection
    try:
        conn = psycopg2.connect(
            host=c.host,
            port=c.port or 5432,
            user=c.login,
            password=c.password or None,
            dbname=c.schema,
            connect_timeout=10,
            application_name=f"de06:{conn_id}",
        )
    except psycopg2.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to Airflow connection {conn_id!r}",
            f"check AIRFLOW_CONN_{conn_id.upper()} and that the server runs",
        ) from exc
    try:
        yield conn
    finally:
        conn.close()


def start(run_key: str, params: dict) -> dict:
    provinces = [str(p) for p in (params.get("provinces") or [])]
    with _conn("lltp") as lltp, _conn("dancu") as dancu:
        run = pipeline.start_run(
            lltp,
            run_key,
            params.get("mode") or "incremental",
            provinces,
            bool(params.get("dry_run")),
            dancu=dancu,
        )
    return {"run_id": run.run_id, "partitions": run.partitions}


def partition(run_id: int, part: str) -> dict:
    with _conn("lltp") as lltp, _conn("dancu") as dancu:
        return {"partition": part, **pipeline.process_partition(run_id, part, lltp, dancu)}


def reconcile(run_id: int) -> dict:
    with _conn("lltp") as lltp:
        return pipeline.reconcile(run_id, lltp)


def finish(run_id: int) -> dict:
    with _conn("lltp") as lltp:
        return {"run_id": run_id, **pipeline.finish_run(run_id, lltp)}
