"""A rebuilt simulated world drops the target state built on the old one, but keeps the audit of who
saw personal data (the audit found military convictions attached to other people after a rebuild,
and the reveal log emptied)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from de06.simulators import military as sim
from de06.simulators import runs
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction

pytestmark = pytest.mark.postgres


def _count(conn, sql: str, args=()) -> int:
    with conn.cursor() as cur:
        cur.execute(sql, args)
        n = int(cur.fetchone()[0])
    conn.commit()
    return n


def test_rebuilt_military_world_drops_synced_convictions_and_keeps_the_reveal_log(fresh, citizens, pg):
    qp, lltp = pg("qp"), pg("lltp")
    conviction(qp, "W1", 1, at(0), judgment_date=dt.date(2023, 5, 10))
    conviction(qp, "W2", 1, at(1), full_name="Không Có Thật", dob_text="01/01/1990")  # to review
    run_sync(SyncOptions(run_key="rebuild-1"))
    assert _count(lltp, "SELECT count(*) FROM conviction WHERE source = 'qp'") >= 1
    item = _count(lltp, "SELECT max(item_id) FROM review_item WHERE source = 'qp'")
    reason = f"audit kept {uuid.uuid4().hex}"  # the log outlives every rebuild, so one row per test run
    with lltp.cursor() as cur:
        cur.execute(
            "INSERT INTO review_reveal (item_id, revealed_by, reason) VALUES (%s, 'tester', %s)",
            (item, reason),
        )
    lltp.commit()

    assert runs.forget_derived("military") == ["military-court sync state"]
    assert runs.forget_derived("military") == []  # nothing left: nothing said to be dropped

    assert _count(lltp, "SELECT count(*) FROM conviction WHERE source = 'qp'") == 0
    assert _count(lltp, "SELECT count(*) FROM qp_identity") == 0
    assert _count(lltp, "SELECT count(*) FROM review_item WHERE source = 'qp'") == 0
    assert _count(lltp, "SELECT count(*) FROM review_reveal WHERE reason = %s", (reason,)) == 1


def test_military_world_params_follow_the_population_it_drew_from(monkeypatch):
    p = sim.MilitaryParams(initial=10, changes=0)
    monkeypatch.setattr(runs, "last_params", lambda dataset: ({"size": 200_000, "seed": 1}, 200_000))
    before = sim.run_params(p)
    monkeypatch.setattr(runs, "last_params", lambda dataset: ({"size": 20_000, "seed": 1}, 20_000))
    assert sim.run_params(p) != before  # a rebuilt population makes `simulate military` rebuild too
