"""One connection per system, resolved exactly as Airflow resolves it.

Connection ids: ``dancu`` (read-only role ``de06_reader``), ``lltp``, ``qp``, ``bhxh``,
``vneid``; plus ``dancu_admin`` (owner, used only by the simulator and migrations) and
``truth`` (the simulators' ground truth, never read by a pipeline).

Each id is read from ``AIRFLOW_CONN_<ID>`` when set (the variable Airflow reads), otherwise
derived from the server in :mod:`de06.db.server`. Inside Airflow tasks use :func:`hook` so the
connection comes through Airflow's own connection machinery (postgres provider).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import psycopg2

from de06 import config
from de06.db import server
from de06.errors import ConfigError, DatabaseUnavailable

if TYPE_CHECKING:
    from psycopg2.extensions import connection as PgConnection

#: connection id -> (database, role or None for the server's user)
CONN_IDS: dict[str, tuple[str, str | None]] = {
    "dancu": ("dancu", config.DANCU_READER),
    "dancu_admin": ("dancu", None),
    "lltp": ("lltp", None),
    "qp": ("qp", None),
    "bhxh": ("bhxh", None),
    "vneid": ("vneid", None),
    "truth": ("truth", None),
}
READER_PASSWORD_ENV = "DE06_READER_PASSWORD"


def env_var(conn_id: str) -> str:
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def reader_password() -> str:
    return os.environ.get(READER_PASSWORD_ENV, "de06-reader")


def dsn(conn_id: str, *, start: bool = True) -> str:
    """libpq URI of a connection id (also a valid Airflow connection URI)."""
    if conn_id not in CONN_IDS:
        raise ConfigError(f"unknown connection id {conn_id!r}", f"use one of {', '.join(CONN_IDS)}")
    explicit = os.environ.get(env_var(conn_id))
    if explicit:
        return explicit.replace("postgres://", "postgresql://", 1)
    database, role = CONN_IDS[conn_id]
    info = server.info(start=start)
    if role:
        return info.uri(database, user=role, password=reader_password())
    return info.uri(database)


def connect(conn_id: str, *, autocommit: bool = False, start: bool = True, **kwargs) -> PgConnection:
    """A psycopg2 connection; one clear error line when the database cannot be reached."""
    uri = dsn(conn_id, start=start)
    try:
        conn = psycopg2.connect(uri, connect_timeout=10, application_name=f"de06:{conn_id}", **kwargs)
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if "does not exist" in first and "database" in first:
            # the server runs but was never set up: a fresh data folder, or DE06_HOME/DE06_PGDATA
            # pointing somewhere else than the checkout that holds the data
            raise DatabaseUnavailable(
                f"cannot connect to {conn_id} at {server.redact(uri)}: {first}",
                "create the databases with `de06 db upgrade` (or `make demo`); if they should exist, check"
                f" DE06_HOME / DE06_PGDATA (now {config.pgdata_dir()})",
            ) from exc
        raise DatabaseUnavailable(
            f"cannot connect to {conn_id} at {server.redact(uri)}: {first}",
            "check the DSN (DE06_PG_DSN or "
            + env_var(conn_id)
            + ") and that the server runs (`de06 db start`)",
        ) from exc
    conn.autocommit = autocommit
    return conn


@contextmanager
def transaction(conn_id: str) -> Iterator[PgConnection]:
    """Connection in one transaction: committed on success, rolled back on error, closed after."""
    conn = connect(conn_id)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def hook(conn_id: str):
    """Airflow's PostgresHook for a system (use inside tasks)."""
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    return PostgresHook(postgres_conn_id=conn_id)


def airflow_connect(conn_id: str) -> PgConnection:
    """psycopg2 connection from an **Airflow connection** (use inside tasks).

    The settings come through Airflow's own connection machinery (the postgres provider's hook:
    env var, metadata DB or secrets backend); the session is opened with psycopg2 because the
    hook may hand out psycopg 3 and the flows rely on psycopg2 (COPY, execute_values, advisory
    locks, REPEATABLE READ snapshots).
    """
    c = hook(conn_id).get_connection(conn_id)
    extra = {k: v for k, v in c.extra_dejson.items() if k in ("sslmode", "options")}
    try:
        conn = psycopg2.connect(
            host=c.host,
            port=c.port or 5432,
            user=c.login,
            password=c.password or None,
            dbname=c.schema or CONN_IDS.get(conn_id, (conn_id, None))[0],
            connect_timeout=10,
            application_name=f"de06:airflow:{conn_id}",
            **extra,
        )
    except psycopg2.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to Airflow connection {conn_id!r}",
            f"check {env_var(conn_id)} and that the server runs (`de06 db start`)",
        ) from exc
    conn.autocommit = False
    return conn


def airflow_env() -> dict[str, str]:
    """``AIRFLOW_CONN_*`` variables for every connection id, for processes Airflow starts."""
    return {env_var(c): dsn(c) for c in CONN_IDS}
