"""friday_report under dag.test(): a hand-written messy TSV in, an HTML report with PNG charts out,
and a breach alert over real SMTP (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from de06.runtime.ports import free_port

pytestmark = pytest.mark.dag
ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "de06" / "report" / "fixtures"


def _load_dag():
    spec = importlib.util.spec_from_file_location("friday_report", ROOT / "dags" / "friday_report.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


def test_friday_report_dag(airflow_db, monkeypatch):
    from aiosmtpd.controller import Controller

    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    port = free_port()
    ctl = Controller(Sink(), hostname="127.0.0.1", port=port)
    ctl.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true"
    )
    try:
        dr = _load_dag().test(run_conf={"tsv_path": str(FIX / "messy_week39.tsv"), "use_gx": True})
    finally:
        ctl.stop()
    assert str(dr.state).endswith("success")
    from airflow.models import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as s:
        ti = s.query(TaskInstance).filter_by(dag_id="friday_report", run_id=dr.run_id, task_id="render").one()
        report = Path(ti.xcom_pull(task_ids="render", session=s))
    assert report.name == "index.html" and report.is_file()
    html = report.read_text(encoding="utf-8")
    pngs = set(re.findall(r'src="([^"]+\.png)"', html))
    assert {"status_per_province.png", "pv06_progress.png"} <= pngs
    for name in pngs:
        assert (report.parent / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Lai Châu, Đồng Nai, Cà Mau" in html  # missing provinces named
    for f in report.parent.iterdir():  # no ID-like digit runs in anything the report wrote
        if f.suffix in (".html", ".json"):
            assert not re.search(r"(?<![\d.])\d{9,12}(?!\d)", f.read_text(encoding="utf-8")), f.name
    assert "Hà Tây" in html
    # 60 of 63 rows and a duplicate: the suite's completeness/uniqueness thresholds are breached
    assert received, "no breach alert arrived"
    assert any("province_status" in m for m in received)


def test_friday_report_failure_alerts_by_email(airflow_db, monkeypatch, tmp_path):
    """A file that does not exist fails the run without retries; the DAG's on_failure_callback
    (the de06 notifier) mails the failure, naming the DAG and the dataset."""
    from aiosmtpd.controller import Controller

    received = []

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            received.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    port = free_port()
    ctl = Controller(Sink(), hostname="127.0.0.1", port=port)
    ctl.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true"
    )
    try:
        dr = _load_dag().test(run_conf={"tsv_path": str(tmp_path / "absent.tsv"), "use_gx": False})
    finally:
        ctl.stop()
    assert str(dr.state).endswith("failed")
    assert len(received) == 1
    assert "Subject: [de06] DAG friday_report failed (dataset province_status)" in received[0]
