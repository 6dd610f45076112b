"""qp_convictions_sync end to end under dag.test(): a small simulated world lands in lltp, balanced."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.dag
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "de06" / "sync"))


from qp_fixtures import citizens, fresh, people  # noqa: E402, F401


def _load_dag():
    spec = importlib.util.spec_from_file_location(
        "qp_convictions_sync", ROOT / "dags" / "qp_convictions_sync.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


def test_qp_sync_dag_end_to_end(airflow_db, fresh, people, pg):  # noqa: F811
    from de06.simulators import military as sim
    from de06.sync.verify import compare

    p = sim.MilitaryParams(initial=120, changes=120, seed=3, batches=2)
    world = sim.generate(p, *people)
    qp, truth, lltp = pg("qp"), pg("truth"), pg("lltp")
    sim.write_truth(truth, world)
    for b in range(p.batches + 1):
        sim.load_batch(qp, world, b)
    # quality=False keeps this test lean; the GX task is exercised by `make demo` (default params)
    dr = _load_dag().test(run_conf={"quality": False})
    assert str(dr.state).endswith("success")
    states = {ti.task_id: str(ti.state) for ti in dr.get_task_instances()}
    assert states["sync"].endswith("success") and states["reconcile"].endswith("success"), states
    assert states["quality"].endswith("skipped"), states
    got = compare(lltp, truth)
    assert (got["lost"], got["applied_twice"], got["stale_overwrites"], got["mismatched"]) == (0, 0, 0, 0)
    with lltp.cursor() as cur:
        cur.execute("SELECT status, reconciled, source_rows FROM qp_sync_run")
        assert cur.fetchall() == [("succeeded", True, len(world.sheets))]
