"""health_push end to end under dag.test(): inbox -> DAG run -> VNeID API simulator (real HTTP)."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.dag
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "de06" / "health"))

from health_fixtures import bhxh, closed_url, people, send, smtp_sink  # noqa: E402, F401


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "dags" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


def test_health_push_dag_drains_everything(airflow_db, people, bhxh, send, pg, monkeypatch):  # noqa: F811
    from de06.simulators.vneid_api import serve_in_thread

    sent = send(bhxh, people, 8, seed=31, faults={"xxe": 0.15, "duplicate": 0.15})
    dag = _load("health_push")
    assert type(dag.timetable).__name__ == "AssetTriggeredTimetable" and dag.max_active_runs == 1
    with serve_in_thread(port=0, error_rate=0.1, throttle_rate=0.1, retry_after_s=0, seed=4) as url:
        # a run may name another endpoint only when the workers allow it
        monkeypatch.setenv("DE06_VNEID_ALLOWED_URLS", f"https://elsewhere.example,{url}")
        dr = dag.test(run_conf={"api_url": url, "max_run_s": 60, "retry_base_s": 0.05, "idle_exit_s": 0})
    assert str(dr.state).endswith("success")
    with bhxh.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM outbox_item GROUP BY 1")
        items = dict(cur.fetchall())
        cur.execute("SELECT status, count(*) FROM submission GROUP BY 1")
        subs = dict(cur.fetchall())
        cur.execute("SELECT mode, acked, latency_p95_s FROM push_run")
        runs = cur.fetchall()
    expected = sum(sum(s.expected.values()) for s in sent)
    assert sum(items.values()) == expected and set(items) <= {"acked", "parked"}
    assert subs.get("rejected", 0) == sum(s.label == "xxe" for s in sent)
    assert runs and runs[0][0] == "event" and runs[0][1] == items["acked"] and runs[0][2] is not None
    # the run's micro-batch went through the GX suite and landed in the data-quality store
    lltp = pg("lltp")
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM dq_result WHERE dataset = 'health_microbatch' AND run_id = %s", (dr.run_id,)
        )
        assert cur.fetchone()[0] == 1


def test_unreachable_api_fails_fast_and_mails_once_per_outage(
    airflow_db,
    people,  # noqa: F811
    bhxh,  # noqa: F811
    send,  # noqa: F811
    smtp_sink,  # noqa: F811
    closed_url,  # noqa: F811
    monkeypatch,
):
    """Two runs against a dead endpoint: both fail well before ``max_run_s``, their items stay
    pending, and only the first mails (the DAG's failure callback, through a real SMTP server)."""
    send(bhxh, people, 2, seed=33)
    monkeypatch.setenv("DE06_VNEID_API_URL", closed_url)
    dag = _load("health_push")
    assert dag.params["unreachable_after_s"] == 30.0
    conf = {"max_run_s": 300, "unreachable_after_s": 2, "idle_exit_s": 0, "retry_base_s": 0.05}
    for mails in (1, 1):
        started = time.monotonic()
        dr = dag.test(run_conf=conf)
        assert str(dr.state).endswith("failed") and time.monotonic() - started < 150
        assert len(smtp_sink.messages) == mails
    assert smtp_sink.messages[0]["Subject"] == "[de06] DAG health_push failed (dataset health_microbatch)"
    with bhxh.cursor() as cur:
        cur.execute("SELECT DISTINCT status FROM outbox_item")
        assert {r[0] for r in cur.fetchall()} <= {"pending", "parked"}
        cur.execute("SELECT count(*) FILTER (WHERE unreachable), count(*) FROM push_run")
        assert cur.fetchone() == (2, 2)
