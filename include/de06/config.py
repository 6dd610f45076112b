"""Where things live. Everything is under the project's ``.local/`` unless told otherwise.

Environment:
- ``DE06_HOME``: project root (default: the checkout this package lives in).
- ``DE06_PG_DSN``: an external PostgreSQL server (libpq URI, e.g.
  ``postgresql://de06:secret@db.example:5432/postgres``). When set, no embedded server is
  started and every system database is created on that server instead.
- ``AIRFLOW_CONN_<SYSTEM>``: overrides one system's connection, as Airflow itself reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The five state systems, each its own database and Airflow connection id.
SYSTEMS: tuple[str, ...] = ("dancu", "lltp", "qp", "bhxh", "vneid")
#: Databases that exist beside the systems: the simulators' ground truth (never read by a
#: pipeline) and Airflow's metadata.
AUX_DATABASES: tuple[str, ...] = ("truth", "airflow")
#: Read-only role the pipelines use for the population DB.
DANCU_READER = "de06_reader"


def root() -> Path:
    env = os.environ.get("DE06_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def local_dir() -> Path:
    d = root() / ".local"
    d.mkdir(parents=True, exist_ok=True)
    return d


def pgdata_dir() -> Path:
    return Path(os.environ.get("DE06_PGDATA") or (local_dir() / "pgdata"))


def airflow_home() -> Path:
    return Path(os.environ.get("DE06_AIRFLOW_HOME") or (local_dir() / "airflow"))


def reports_dir() -> Path:
    d = local_dir() / "reports"
    d.mkdir(parents=True, exist_ok=True)
    return d
