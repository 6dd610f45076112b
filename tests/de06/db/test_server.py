"""The embedded server, an external server chosen by DE06_PG_DSN, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import psycopg2
import pytest
from de06.db import server

pytestmark = pytest.mark.postgres
DE06 = str(Path(sys.executable).with_name("de06"))


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CONN_")}
    env.update(extra)
    return env


def test_embedded_server_has_the_extensions(migrated, pg):
    cur = pg("lltp").cursor()
    cur.execute("SHOW server_version_num")
    assert int(cur.fetchone()[0]) >= 180000
    cur.execute("SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm','btree_gist','vector')")
    assert {r[0] for r in cur.fetchall()} == {"pg_trgm", "btree_gist", "vector"}


@pytest.fixture(scope="module")
def second_server(tmp_path_factory):
    """A second embedded PostgreSQL standing in for an external server."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    base = Path("/tmp") / f"de06-ext-{os.getpid()}"
    base.mkdir(exist_ok=True)
    srv = pgserver.get_server(base / "pg", cleanup_mode="delete")
    yield srv
    srv.cleanup()


def test_external_dsn_points_everything_elsewhere(second_server, migrated):
    info = second_server.get_postmaster_info()
    dsn = f"postgresql://postgres@/postgres?host={info.socket_dir}"
    out = subprocess.run(
        [DE06, "db", "upgrade"], env=_clean_env(DE06_PG_DSN=dsn), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    conn = psycopg2.connect(f"postgresql://postgres@/lltp?host={info.socket_dir}")
    try:
        cur = conn.cursor()
        cur.execute("SELECT count(*) FROM de06_migrations")
        assert cur.fetchone()[0] >= 1
    finally:
        conn.close()
    env_out = subprocess.run([DE06, "env"], env=_clean_env(DE06_PG_DSN=dsn), capture_output=True, text=True)
    assert str(info.socket_dir).replace("/", "%2F") in env_out.stdout


def test_wrong_dsn_is_one_clear_line():
    out = subprocess.run(
        [DE06, "db", "upgrade"],
        env=_clean_env(DE06_PG_DSN="postgresql://nobody@127.0.0.1:1/postgres"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "cannot reach" in lines[0] and "fix:" in lines[0]
    assert "Traceback" not in out.stderr


def test_bad_scheme_is_refused():
    out = subprocess.run(
        [DE06, "db", "start"], env=_clean_env(DE06_PG_DSN="mysql://x@y/z"), capture_output=True, text=True
    )
    assert out.returncode == 1 and "DE06_PG_DSN" in out.stderr and "fix:" in out.stderr


def test_server_info_uri_round_trips_socket_path(migrated):
    info = server.info()
    conn = psycopg2.connect(info.uri("lltp"))
    conn.close()
    assert info.kind == "embedded"


def test_db_status_reports_a_stopped_server_without_starting_it(tmp_path):
    """A status command only looks: on a stopped embedded server it says so with the fix and
    exits 1, and leaves no server behind (it used to start one to list the migrations)."""
    pgdata = tmp_path / "pgdata"
    env = {k: v for k, v in _clean_env(DE06_PGDATA=str(pgdata)).items() if k != "DE06_PG_DSN"}
    out = subprocess.run([DE06, "db", "status"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "not running" in out.stderr and "de06 db start" in out.stderr
    assert not (pgdata / "postmaster.pid").exists()
    assert out.stdout == ""
