"""A real T406 sheet (Penal Code 2015 Art. 406, negligently revealing military secrets) syncs, and
its clause decides Art. 69(2): the courts' dictionary (qp/021) and the sync's reference data
(lltp/025) know the code; before them the sheet was quarantined as ``unknown_crime_code:T406``."""

from __future__ import annotations

import pytest
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction

pytestmark = pytest.mark.postgres

ART406 = {"crime_code": "T406", "article": "406", "code_version": 2015, "sentence_code": "TCT"}


def _state(lltp, ref: str):
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT article, clause, no_record_basis FROM conviction WHERE source = 'qp' AND source_key = %s",
            (ref,),
        )
        row = cur.fetchone()
        cur.execute("SELECT reason FROM qp_quarantine WHERE source_key = %s", (ref,))
        quarantined = [r[0] for r in cur.fetchall()]
    lltp.commit()
    return row, quarantined


def test_a_t406_sheet_applies_and_its_clause_decides_the_record(fresh, pg):
    qp, lltp = pg("qp"), pg("lltp")
    conviction(qp, "R406-1", 1, at(0), **ART406, clause="1", term_months=12)  # 3 months-2 y
    conviction(qp, "R406-2", 1, at(1), **ART406, clause="2", term_months=48)  # 1-5 y
    conviction(qp, "R406-3", 1, at(2), **ART406, clause="1", term_months=36)  # above clause 1's top
    r = run_sync(SyncOptions(run_key="t406", chunk_size=50))
    assert r.reconciled
    assert _state(lltp, "R406-1") == (("406", "1", "art69_2_negligent"), [])
    assert _state(lltp, "R406-2") == (("406", "2", "art69_2_negligent"), [])
    row, reasons = _state(lltp, "R406-3")
    assert row is None and reasons == ["clause_penalty_mismatch:406:1"]
