"""Certificate preview after sync: Phiếu số 1 omits expunged convictions, Phiếu số 2 keeps them."""

from __future__ import annotations

import datetime as dt

import pytest
from de06.cli.main import main
from de06.sync import certificate as cert
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction, expungement

pytestmark = pytest.mark.postgres


def _person(dancu, citizen_id: int) -> tuple[int, str, str, dict]:
    """A citizen's id, CCCD, name, and the identity fields a court sheet would carry for them."""
    with dancu.cursor() as cur:
        cur.execute(
            "SELECT citizen_id, cccd, full_name, dob FROM citizen WHERE citizen_id = %s", (citizen_id,)
        )
        cid, cccd, name, dob = cur.fetchone()
    return cid, cccd, name, {"full_name": name, "dob_text": dob.strftime("%d/%m/%Y"), "id_number": cccd}


def test_certificate_forms_follow_expungement(fresh, citizens, pg, capsys):
    qp, lltp, dancu = pg("qp"), pg("lltp"), pg("dancu")
    cid, cccd, name, who = _person(dancu, citizens[3])
    conviction(qp, "C1", 1, at(0), judgment_no="5/2019/HS-ST", judgment_date=dt.date(2019, 3, 1), **who)
    conviction(qp, "C2", 1, at(1), judgment_no="9/2023/HS-ST", crime_code="T402", article="402", **who)
    expungement(qp, "C1", at(2), on=dt.date(2022, 3, 1))
    run_sync(SyncOptions(run_key="cert-1"))

    form1 = cert.render(cert.build(dancu, lltp, cert.resolve_citizen(dancu, cccd), 1))
    assert "Có án tích" in form1 and "9/2023/HS-ST" in form1 and "5/2019/HS-ST" not in form1
    assert name not in form1 and cccd not in form1 and cccd[:3] + "*******" + cccd[-2:] in form1
    form2 = cert.render(cert.build(dancu, lltp, cid, 2), reveal=True)
    assert "5/2019/HS-ST" in form2 and "đã được xóa án tích ngày 01/03/2022" in form2 and name in form2
    assert "Họ và tên cha" in form2

    expungement(qp, "C2", at(3), on=dt.date(2027, 1, 1))
    run_sync(SyncOptions(run_key="cert-2"))
    assert "Tình trạng án tích: Không có án tích" in cert.render(cert.build(dancu, lltp, cid, 1))
    form2 = cert.render(cert.build(dancu, lltp, cid, 2))
    assert form2.count("đã được xóa án tích") == 2

    assert main(["certificate", "preview", "--citizen", "12ab"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "12-digit" in err[0]

    # unmasked only with a reason, and every unmasked preview is recorded (who, why, form)
    assert main(["certificate", "preview", "--citizen", cccd, "--reveal"]) == 1
    assert "--reveal needs --reason" in capsys.readouterr().err
    with lltp.cursor() as cur:
        cur.execute("DELETE FROM certificate_reveal WHERE citizen_id = %s", (cid,))
    lltp.commit()
    args = ["certificate", "preview", "--citizen", cccd, "--form", "2", "--reveal", "--reason", "request 7"]
    assert main(args) == 0
    assert name in capsys.readouterr().out
    with lltp.cursor() as cur:
        cur.execute(
            "SELECT form, reason, revealed_by <> '' FROM certificate_reveal WHERE citizen_id = %s", (cid,)
        )
        assert cur.fetchall() == [(2, "request 7", True)]
    lltp.commit()


def test_negligent_conviction_of_a_serious_clause_leaves_no_record(fresh, citizens, pg):
    """Penal Code Art. 69(2), the worked example of judicial_records.md section 3: an Art. 260(1)
    road-traffic conviction (negligent; the clause tops at 5 years) punished by a fine leaves no
    criminal record: certificate no. 1 says "Không có án tích", no. 2 lists it as not counting. A
    newer version of the sheet moving it to clause 2 (very serious) brings the record back."""
    qp, lltp, dancu = pg("qp"), pg("lltp"), pg("dancu")
    cid, cccd, name, who = _person(dancu, citizens[5])
    traffic = {"crime_code": "T260", "article": "260", "judgment_no": "7/2024/HS-ST"}
    conviction(qp, "N1", 1, at(0), clause="1", sentence_code="PT", term_months=None, **traffic, **who)
    run_sync(SyncOptions(run_key="cert-negligent-1"))
    with lltp.cursor() as cur:
        cur.execute("SELECT clause, no_record_basis, expunged FROM conviction WHERE source_key = 'N1'")
        assert cur.fetchone() == ("1", "art69_2_negligent", False)  # not an expungement
    lltp.commit()
    form1 = cert.render(cert.build(dancu, lltp, cid, 1))
    assert "Tình trạng án tích: Không có án tích" in form1 and "7/2024/HS-ST" not in form1
    form2 = cert.render(cert.build(dancu, lltp, cid, 2))
    assert "Tình trạng án tích: Không có án tích" in form2
    assert "7/2024/HS-ST" in form2 and "không bị coi là có án tích (khoản 2 Điều 69" in form2

    conviction(qp, "N1", 2, at(1), clause="2", sentence_code="TCT", term_months=48, **traffic, **who)
    run_sync(SyncOptions(run_key="cert-negligent-2"))
    form1 = cert.render(cert.build(dancu, lltp, cid, 1))
    assert "Tình trạng án tích: Có án tích" in form1 and "7/2024/HS-ST" in form1


def test_sheet_clause_is_checked(fresh, citizens, pg):
    qp, lltp = pg("qp"), pg("lltp")
    conviction(qp, "B1", 1, at(0), clause="khoản 1")
    run_sync(SyncOptions(run_key="cert-bad-clause"))
    with lltp.cursor() as cur:
        cur.execute("SELECT reason FROM qp_quarantine q JOIN qp_sync_ledger l USING (sheet_id)")
        assert [r[0] for r in cur.fetchall()] == ["invalid_clause:khoản 1"]
    lltp.commit()
