"""A breached suite threshold inside a DAG mails an alert naming dataset and dimension."""

from __future__ import annotations

import email
import socket
import uuid
from email import policy

import pytest

pytestmark = pytest.mark.postgres


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = _Sink()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT", f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true&retry_limit=0"
    )
    monkeypatch.setenv("DE06_ALERT_TO", "oncall@de06.test")
    try:
        yield sink
    finally:
        ctl.stop()


def _provinces_with_one_twice():
    import pandas as pd

    from de06.domain.provinces import PROVINCES

    rows = [
        {"stt": i + 1, "province_code": p.code, "status": "completed", "pv06": "accessed",
         "source_code_security": True, "system_security": True}
        for i, p in enumerate(PROVINCES)
    ]  # fmt: skip
    rows[-1]["province_code"] = rows[0]["province_code"]
    return pd.DataFrame(rows)


def test_breach_in_a_dag_sends_one_mail_per_dimension(migrated, quality_dirs, smtp):
    from de06.quality import validate_dataframe

    summary = validate_dataframe(
        "province_status", _provinces_with_one_twice(), dag_id="friday_report",
        run_id=f"manual__{uuid.uuid4().hex[:8]}", task_id="clean_validate",
    )  # fmt: skip
    assert not summary.passed
    dims = {b["dimension"] for b in summary.breaches}
    assert len(smtp.messages) == len(dims) >= 1
    subjects = " ".join(m["Subject"] for m in smtp.messages)
    assert "province_status" in subjects
    assert all(d in subjects for d in dims)


def test_manual_validation_and_alert_false_send_nothing(migrated, quality_dirs, smtp):
    from de06.quality import validate_dataframe

    df = _provinces_with_one_twice()
    validate_dataframe("province_status", df)  # dag_id "manual": a person is looking already
    validate_dataframe("province_status", df, dag_id="friday_report", run_id="manual__x", alert=False)
    assert smtp.messages == []
