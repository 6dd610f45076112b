"""The email notifier over real SMTP: an aiosmtpd server on 127.0.0.1 receives the messages."""

from __future__ import annotations

import email
from email import policy
from types import SimpleNamespace

import pytest
from de06.runtime.ports import free_port

pytestmark = pytest.mark.http

RAW_ID = "001089012345"
RAW_NAME = "Nguyễn Văn Hùng"


class _Sink:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = _Sink()
    port = free_port()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        yield SimpleNamespace(port=port, sink=sink)
    finally:
        ctl.stop()


def _text(msg) -> str:
    parts = [msg["Subject"]]
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            parts.append(part.get_content())
    return "\n".join(parts)


def test_breach_alert_via_smtp_connection(smtp_server, monkeypatch):
    from de06.alerts import notify_breach

    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        f"smtp://127.0.0.1:{smtp_server.port}?disable_ssl=true&disable_tls=true&timeout=10&retry_limit=0",
    )
    monkeypatch.setenv("DE06_ALERT_TO", "oncall@de06.test")
    url = "http://127.0.0.1:8080/de06-quality/runs/judicial_cleaned"
    used = notify_breach("judicial_cleaned", "du", 91.5, 99.0, url, dag_id="lltp_cleanse", run_id="manual__1")
    assert used == "connection"
    assert len(smtp_server.sink.messages) == 1
    msg = smtp_server.sink.messages[0]
    assert msg["Subject"] == "[de06] quality breach: judicial_cleaned / du 91.5 < 99.0"
    assert smtp_server.sink.envelopes[0].rcpt_tos == ["oncall@de06.test"]
    body = _text(msg)
    for needle in ("lltp_cleanse", "judicial_cleaned", "đủ (completeness)", url, "91.5", "99.0"):
        assert needle in body


def test_dag_failure_callback_names_dag_and_dataset_without_personal_data(smtp_server, monkeypatch):
    from airflow.sdk import DAG
    from de06.alerts import failure_notifier
    from de06.errors import InputError

    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    monkeypatch.setenv("AIRFLOW__SMTP__SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AIRFLOW__SMTP__SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("AIRFLOW__SMTP__SMTP_STARTTLS", "False")
    monkeypatch.setenv("AIRFLOW__SMTP__SMTP_SSL", "False")
    monkeypatch.setenv("AIRFLOW__SMTP__SMTP_MAIL_FROM", "airflow@de06.test")
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "http://127.0.0.1:8080")
    notifier = failure_notifier(dataset="province_status", dimension="du")
    dag = DAG("friday_report", schedule=None)
    for exc in (
        InputError(f"record for {RAW_ID} unreadable", "fix it"),
        ValueError(f"bad name {RAW_NAME} {RAW_ID}"),
    ):
        notifier = failure_notifier(dataset="province_status", dimension="du")
        notifier(
            {
                "dag": dag,
                "dag_run": SimpleNamespace(run_id="scheduled__2026-11-27T01:00:00+00:00"),
                "ti": SimpleNamespace(task_id="render"),
                "exception": exc,
            }
        )
        assert notifier.last_path == "config"
    assert len(smtp_server.sink.messages) == 2
    first, second = (_text(m) for m in smtp_server.sink.messages)
    assert (
        smtp_server.sink.messages[0]["Subject"] == "[de06] DAG friday_report failed (dataset province_status)"
    )
    assert "render" in first and "province_status" in first and "đủ (completeness)" in first
    assert (
        "http://127.0.0.1:8080/dags/friday_report/runs/scheduled__2026-11-27T01%3A00%3A00%2B00%3A00" in first
    )
    assert "InputError: record for 001*******45 unreadable" in first
    assert "ValueError" in second
    for text in (first, second):
        assert RAW_ID not in text and RAW_NAME not in text and "Hùng" not in text


def test_no_smtp_configured_is_one_clear_error(monkeypatch):
    from de06.alerts import notify_breach
    from de06.errors import ConfigError

    monkeypatch.delenv("AIRFLOW_CONN_SMTP_DEFAULT", raising=False)
    monkeypatch.delenv("AIRFLOW__SMTP__SMTP_HOST", raising=False)
    with pytest.raises(ConfigError, match="no SMTP server configured"):
        notify_breach("health_microbatch", "song", 50.0, 90.0, None)
