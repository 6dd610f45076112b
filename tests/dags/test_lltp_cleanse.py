"""lltp_cleanse under dag.test() on a small simulated world, scored against ground truth."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.dag
ROOT = Path(__file__).resolve().parents[2]
POPULATION, RECORDS = 20_000, 3_000
#: a subset of partitions keeps dag.test() short (each mapped task costs about a second here)
PROVINCES = ["001", "079", "040", "038", "none"]


def _load_dag():
    spec = importlib.util.spec_from_file_location("lltp_cleanse", ROOT / "dags" / "lltp_cleanse.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


@pytest.fixture(scope="module")
def world(airflow_db):
    from de06.simulators import judicial, population

    population.load(population.PopulationParams(size=POPULATION, seed=11), progress=False)
    judicial.load(judicial.JudicialParams(records=RECORDS, seed=11), progress=False)


def _current(lltp):
    with lltp.cursor() as cur:
        cur.execute("SELECT record_id, outcome, citizen_id, tier FROM record_current ORDER BY record_id")
        return cur.fetchall()


def test_cleanse_dag_quality_reconciliation_and_idempotence(world, pg):
    from de06.cleanse.evaluate import evaluate_run

    lltp, truth = pg("lltp"), pg("truth")
    dag = _load_dag()
    dr = dag.test(run_conf={"mode": "full", "provinces": PROVINCES})
    assert str(dr.state).endswith("success")
    with lltp.cursor() as cur:
        cur.execute("SELECT run_id, status FROM cleanse_run WHERE run_key = %s", (dr.run_id,))
        run_id, status = cur.fetchone()
        cur.execute("SELECT count(*) FROM judicial_record WHERE office_province = ANY (%s)", (PROVINCES,))
        n_records = cur.fetchone()[0]
        cur.execute("SELECT count(*), count(DISTINCT record_id) FROM record_outcome WHERE run_id = %s", (run_id,))
        n_out, n_distinct = cur.fetchone()
    assert status == "done"
    assert n_out == n_distinct == n_records > 500  # every record of the subset, exactly one outcome
    m = evaluate_run(lltp, truth, run_id)
    assert m["precision"] >= 0.9999
    assert m["recall"] >= 0.98
    assert m["review_rate"] <= 0.02
    before = _current(lltp)
    # a second (incremental) run changes nothing
    dr2 = dag.test(run_conf={"mode": "incremental", "provinces": PROVINCES})
    assert str(dr2.state).endswith("success")
    assert _current(lltp) == before
