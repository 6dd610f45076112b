"""Faults the military-court sync must survive, each against the real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from de06.errors import DatabaseUnavailable
from de06.sync import cursor as cursor_mod
from de06.sync import quarantine
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction, expungement, history_count, outcomes, target

pytestmark = pytest.mark.postgres
LOOKBACK = dt.timedelta(minutes=60)


def sync(key: str, **kw):
    kw.setdefault("lookback", LOOKBACK)
    kw.setdefault("chunk_size", 50)
    return run_sync(SyncOptions(run_key=key, **kw))


def test_same_change_twice(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    conviction(qp, "R1", 1, at(0))
    conviction(qp, "R1", 1, at(5))  # the court re-sent the same sheet
    r = sync("twice")
    assert r.new == {"applied": 1, "stale": 0, "duplicate": 1, "quarantined": 0, "parked": 0}
    assert r.reconciled
    assert history_count(lltp, "R1") == 1


def test_updates_out_of_order(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    conviction(qp, "R2", 3, at(0), term_months=18)  # v3 stamped first
    conviction(qp, "R2", 2, at(1), term_months=20)  # older v2 arrives later, same run
    sync("ooo-1")
    conviction(qp, "R2", 1, at(2), term_months=24)  # even older v1, a later run
    r = sync("ooo-2")
    assert r.new["stale"] == 1
    assert target(lltp, "R2")["version"] == 3
    assert outcomes(lltp)["stale"] == 2
    assert history_count(lltp, "R2") == 1


def test_expungement_before_its_conviction(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    expungement(qp, "R3", at(0), on=dt.date(2027, 6, 1))
    r1 = sync("park-1")
    assert r1.new["parked"] == 1 and target(lltp, "R3") is None
    conviction(qp, "R3", 1, at(10))
    sync("park-2")
    t = target(lltp, "R3")
    assert t["expunged"] and t["expunged_on"] == dt.date(2027, 6, 1)
    with lltp.cursor() as cur:
        cur.execute("SELECT applied_at IS NOT NULL FROM qp_parked_expungement WHERE source_key = 'R3'")
        assert cur.fetchone()[0]


def test_malformed_row_among_good_ones_is_the_only_one_quarantined(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    for i in range(5):
        conviction(qp, f"G{i}", 1, at(i))
    bad = conviction(qp, "BAD", 1, at(2.5), court_code="QK8")
    r = sync("malformed")
    assert r.new == {"applied": 5, "stale": 0, "duplicate": 0, "quarantined": 1, "parked": 0}
    items = quarantine.list_items(lltp)
    assert [(i["sheet_id"], i["reason"]) for i in items] == [(bad, "unknown_court_code:QK8")]
    # the fix: the MoD announces court code QK8; a new reference row, then replay
    with lltp.cursor() as cur:
        cur.execute(
            "INSERT INTO ref_qp_court VALUES ('QK8', 1, 'Tòa án quân sự Quân khu 8 (thử)', 'region',"
            " '1993-01-01', NULL)"
        )
    lltp.commit()
    try:
        from de06.db import connect

        assert quarantine.replay(connect) == {
            "applied": 1,
            "stale": 0,
            "duplicate": 0,
            "quarantined": 0,
            "parked": 0,
        }
        assert target(lltp, "BAD")["court_name"].endswith("(thử)")
        assert quarantine.list_items(lltp) == []
    finally:
        with lltp.cursor() as cur:
            cur.execute("DELETE FROM ref_qp_court WHERE code = 'QK8'")
        lltp.commit()


def test_rows_sharing_the_boundary_timestamp(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    for i in range(7):  # seven sheets on one timestamp, read in chunks of 3
        conviction(qp, f"B{i}", 1, at(0))
    r1 = sync("boundary-1", chunk_size=3)
    assert r1.new["applied"] == 7 and r1.chunks == 3
    assert cursor_mod.read(lltp)[0] == at(0)
    conviction(qp, "B7", 1, at(0))  # one more on the cursor's own timestamp
    r2 = sync("boundary-2", chunk_size=3)
    assert r2.new["applied"] == 1 and target(lltp, "B7") is not None


def test_long_transaction_commits_after_the_cursor_passed(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    slow = pg("qp")
    conviction(slow, "LATE", 1, at(0), commit=False)  # stamped now, committed much later
    conviction(qp, "EARLY", 1, at(-1))
    conviction(qp, "AFTER", 1, at(20))
    sync("long-1")
    assert cursor_mod.read(lltp)[0] == at(20)  # a plain updated_at cursor is now past LATE
    slow.commit()
    r = sync("long-2")
    assert r.new["applied"] == 1 and r.reconciled
    assert target(lltp, "LATE") is not None
    assert history_count(lltp, "EARLY") == 1 and history_count(lltp, "AFTER") == 1


def test_source_down_mid_run_then_retry_resumes(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    for i in range(9):
        conviction(qp, f"D{i}", 1, at(i))

    def kill_source(chunk: int) -> None:
        if chunk == 0:
            with pg("qp", autocommit=True).cursor() as cur:
                cur.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'qp'"
                    " AND application_name = 'de06:qp' AND pid <> pg_backend_pid()"
                )

    with pytest.raises(DatabaseUnavailable):
        sync("down", chunk_size=3, after_chunk=kill_source)
    assert outcomes(lltp) == {"applied": 3}
    r = sync("down", chunk_size=3)  # the retry of the same run
    assert r.status == "succeeded" and r.new_rows == 6 and r.reconciled
    assert all(history_count(lltp, f"D{i}") == 1 for i in range(9))
    with lltp.cursor() as cur:
        cur.execute("SELECT attempts, status FROM qp_sync_run WHERE run_key = 'down'")
        assert cur.fetchone() == (2, "succeeded")


KILL = """
import os, signal, sys, datetime as dt
sys.path.insert(0, {here!r})
from de06.sync.runner import SyncOptions, run_sync
def die(chunk):
    os.kill(os.getpid(), signal.SIGKILL)
run_sync(SyncOptions(run_key="killed", chunk_size=4, lookback=dt.timedelta(minutes=60), after_chunk=die))
"""


def test_worker_killed_after_writing_rerun_is_a_noop_for_what_was_written(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    for i in range(10):
        conviction(qp, f"K{i}", 1, at(i))
    proc = subprocess.run(
        [sys.executable, "-c", KILL.format(here=str(Path(__file__).parent))],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -9
    assert outcomes(lltp) == {"applied": 4}  # the first chunk was committed with its cursor
    r = sync("killed", chunk_size=4)
    assert r.status == "succeeded" and r.new_rows == 6 and r.reconciled
    assert all(history_count(lltp, f"K{i}") == 1 for i in range(10))


def test_two_runs_at_once_one_skips(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    for i in range(6):
        conviction(qp, f"W{i}", 1, at(i))
    holding, release = threading.Event(), threading.Event()

    def pause(chunk: int) -> None:
        if chunk == 0:
            holding.set()
            release.wait(30)

    results = {}
    first = threading.Thread(
        target=lambda: results.setdefault("a", sync("run-a", chunk_size=3, after_chunk=pause))
    )
    first.start()
    assert holding.wait(30)
    results["b"] = sync("run-b", chunk_size=3)  # started while run-a holds the lock
    waiter = threading.Thread(
        target=lambda: results.setdefault("c", sync("run-c", chunk_size=3, wait_seconds=30))
    )
    waiter.start()
    release.set()
    first.join(30)
    waiter.join(30)
    assert results["b"].status == "skipped" and results["b"].new_rows == 0
    assert results["a"].status == "succeeded" and results["a"].new_rows == 6
    assert results["c"].status == "succeeded" and results["c"].new_rows == 0  # waited, then found nothing new
    assert all(history_count(lltp, f"W{i}") == 1 for i in range(6))


def test_unsafe_identity_goes_to_the_shared_review_queue_and_a_decision_links_it(fresh, citizens, pg):
    from de06.cleanse.review import decide

    qp, lltp, dancu = pg("qp"), pg("lltp"), pg("dancu_admin")
    with dancu.cursor() as cur:
        cur.execute("SELECT citizen_id, full_name, dob FROM citizen WHERE citizen_id = %s", (citizens[7],))
        cid, name, dob = cur.fetchone()
        # a namesake: same name and date of birth, another person (look-alikes exist in the population)
        cur.execute(
            "INSERT INTO citizen (citizen_id, cccd, full_name, family_name, middle_name, given_name, dob,"
            " sex, birth_province, residence_province)"
            " SELECT citizen_id + 5000, substr(cccd, 1, 6) || '555555',"
            " full_name, family_name, middle_name, given_name, dob, sex, birth_province, residence_province"
            " FROM citizen WHERE citizen_id = %s ON CONFLICT DO NOTHING",
            (cid,),
        )
    dancu.commit()
    # the court wrote no ID number, and two citizens share the name and date of birth: not a safe match
    conviction(qp, "RV1", 1, at(0), full_name=name, dob_text=dob.strftime("%d/%m/%Y"), id_number=None)
    sync("review-1")
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT item_id, candidates FROM review_item WHERE source = 'qp' AND source_key = 'RV1'"
            " AND status = 'open'"
        )
        item_id, candidates = cur.fetchone()
        cur.execute("SELECT citizen_id FROM conviction WHERE source = 'qp' AND source_key = 'RV1'")
        assert cur.fetchone()[0] is None
    lltp.commit()
    assert cid in {int(c["citizen_id"]) for c in candidates}
    decide(lltp, item_id, "link", "tester", citizen_id=cid)
    r = sync("review-2")
    assert r.review_links == 1
    with lltp.cursor() as cur:
        cur.execute("SELECT citizen_id FROM conviction WHERE source = 'qp' AND source_key = 'RV1'")
        assert cur.fetchone()[0] == cid
