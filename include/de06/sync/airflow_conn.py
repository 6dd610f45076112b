"""psycopg2 connections from Airflow connections (inside tasks).

The sync needs psycopg2 sessions (REPEATABLE READ snapshots, session advisory locks); the
postgres provider's hook may hand out psycopg 3 connections, so we take the connection's fields
from the hook (Airflow's own connection machinery) and open psycopg2 ourselves.
"""

from __future__ import annotations

import psycopg2

from de06.db.conn import hook
from de06.errors import DatabaseUnavailable


def psycopg2_connect(conn_id: str):
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
    conn.autocommit = False
    return conn
