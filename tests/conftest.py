"""Test session set-up: a separate embedded PostgreSQL (``.local/test-pgdata``) and Airflow home,
so tests never touch the demo's data. Set ``DE06_PGDATA`` / ``DE06_AIRFLOW_HOME`` to use others
(helpers working in parallel each use their own).

Environment is applied before Airflow is imported anywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("DE06_PGDATA", str(ROOT / ".local" / "test-pgdata"))
os.environ.setdefault("DE06_AIRFLOW_HOME", str(ROOT / ".local" / "test-airflow"))
os.environ.pop("DE06_PG_DSN", None)
# A shell that sourced `de06 env --shell` exports the demo's Airflow home and connections; kept,
# they would win over the test server's (airflow_env keeps values set explicitly) and the tests
# would write to the demo databases, rebuilding its simulated world. Tests always use their own.
for _key in [k for k in os.environ if k.startswith(("AIRFLOW_CONN_", "AIRFLOW__")) or k == "AIRFLOW_HOME"]:
    os.environ.pop(_key)

from de06 import airflow_env  # noqa: E402

airflow_env.apply()

from de06.db import migrate  # noqa: E402

KNOWN_MARKERS = {"unit", "postgres", "http", "dag", "browser", "slow"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not KNOWN_MARKERS & {m.name for m in item.iter_markers()}:
            raise pytest.UsageError(f"{item.nodeid} carries none of the markers {sorted(KNOWN_MARKERS)}")


@pytest.fixture(scope="session")
def migrated() -> None:
    """All databases exist and every migration is applied."""
    migrate.upgrade()


@pytest.fixture(scope="session")
def airflow_db(migrated) -> None:
    """Airflow's metadata database (on the same embedded server) is migrated."""
    marker = Path(os.environ["AIRFLOW_HOME"]) / ".db-migrated"
    if not marker.exists():
        out = subprocess.run(
            [str(Path(sys.executable).with_name("airflow")), "db", "migrate"],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
        if out.returncode != 0:
            raise RuntimeError("airflow db migrate failed:\n" + out.stdout[-2000:] + out.stderr[-2000:])
        marker.write_text("ok")


@pytest.fixture
def pg(migrated):
    """Open connections by id (``pg("lltp")``); all closed after the test."""
    from de06.db import connect

    opened = []

    def _open(conn_id: str, **kw):
        c = connect(conn_id, **kw)
        opened.append(c)
        return c

    yield _open
    for c in opened:
        c.close()
