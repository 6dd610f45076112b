"""End to end inside Airflow: the military sync DAG runs its quality task (GX suites
military_batch and military_target) under dag.test(); afterwards the run's XComs, its task logs,
the Data Docs and the stored results are searched for the simulator's raw IDs and names."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "de06" / "sync"))

from qp_fixtures import citizens, fresh, people  # noqa: E402, F401, F811

DAG_ID = "qp_convictions_sync"


def _load_dag():
    spec = importlib.util.spec_from_file_location(DAG_ID, ROOT / "dags" / f"{DAG_ID}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


def _airflow_dsn() -> str:
    return os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].replace(
        "postgresql+psycopg2://", "postgresql://", 1
    )


@pytest.mark.dag
@pytest.mark.slow
def test_xcoms_logs_and_reports_carry_no_raw_value(
    airflow_db,
    fresh,  # noqa: F811
    people,  # noqa: F811
    pg,  # noqa: F811
    quality_dirs,
    capfd,
    caplog,
):
    import psycopg2
    from de06.simulators import military as sim

    p = sim.MilitaryParams(initial=40, changes=20, seed=11, batches=1)
    world = sim.generate(p, *people)
    sim.write_truth(pg("truth"), world)
    for b in range(p.batches + 1):
        sim.load_batch(pg("qp"), world, b)
    with pg("qp").cursor() as cur:
        cur.execute("SELECT full_name, id_number FROM conviction")
        raw = {v for row in cur.fetchall() for v in row if v and len(v) >= 6}
    assert raw, "the simulated batch holds names and IDs to look for"

    dr = _load_dag().test()
    assert str(dr.state).endswith("success")

    conn = psycopg2.connect(_airflow_dsn())
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT task_id, value::text FROM xcom WHERE dag_id = %s AND run_id = %s", (DAG_ID, dr.run_id)
            )
            xcoms = cur.fetchall()
    finally:
        conn.close()
    quality = [v for t, v in xcoms if t == "quality"]
    assert "military_target" in "\n".join(quality), "the quality task pushed its summary"
    log_dir = Path(os.environ["AIRFLOW_HOME"], "logs")
    logs = [f.read_text(errors="replace") for f in log_dir.rglob("*") if f.is_file() and DAG_ID in str(f)]
    out = capfd.readouterr()
    reports = [
        f.read_text(errors="replace") for f in quality_dirs.rglob("*") if f.suffix in (".json", ".html")
    ]
    with pg("lltp").cursor() as cur:
        cur.execute("SELECT row_to_json(r)::text FROM dq_result r WHERE run_id = %s", (dr.run_id,))
        stored = [r[0] for r in cur.fetchall()]
    assert len(stored) >= 1 and reports
    haystacks = {
        "xcom": "\n".join(v for _, v in xcoms),
        "task logs": "\n".join(logs),
        "console": out.out + out.err + caplog.text,
        "reports": "\n".join(reports),
        "dq_result": "\n".join(stored),
    }
    found = {where: sorted(r for r in raw if r in text)[:3] for where, text in haystacks.items()}
    assert {k: v for k, v in found.items() if v} == {}
