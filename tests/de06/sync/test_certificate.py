"""Certificate preview after sync: Phiếu số 1 omits expunged convictions, Phiếu số 2 keeps them."""

from __future__ import annotations

import datetime as dt

import pytest
from de06.cli.main import main
from de06.sync import certificate as cert
from de06.sync.runner import SyncOptions, run_sync
from qp_sheets import at, conviction, expungement

pytestmark = pytest.mark.postgres


def test_certificate_forms_follow_expungement(fresh, citizens, pg, capsys):
    qp, lltp, dancu = pg("qp"), pg("lltp"), pg("dancu")
    with dancu.cursor() as cur:
        cur.execute(
            "SELECT citizen_id, cccd, full_name, dob FROM citizen WHERE citizen_id = %s", (citizens[3],)
        )
        cid, cccd, name, dob = cur.fetchone()
    who = {"full_name": name, "dob_text": dob.strftime("%d/%m/%Y"), "id_number": cccd}
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
