"""Quality tests write GX results, Data Docs and the scorecard into a temporary folder."""

from __future__ import annotations

import email
import os
from email import policy

import pytest
from de06.runtime.ports import free_port


@pytest.fixture(scope="session")
def quality_dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    saved = {k: os.environ.get(k) for k in ("DE06_GX_DIR", "DE06_SCORECARD_DIR")}
    os.environ["DE06_GX_DIR"] = str(root / "gx")
    os.environ["DE06_SCORECARD_DIR"] = str(root / "scorecard")
    yield root
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


class _Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    """A real SMTP server on a free port collecting the mails; alerts go to oncall@de06.test."""
    from aiosmtpd.controller import Controller

    port = free_port()
    sink = _Sink()
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    monkeypatch.setenv(
        "AIRFLOW_CONN_SMTP_DEFAULT",
        f"smtp://127.0.0.1:{port}?disable_ssl=true&disable_tls=true&retry_limit=0",
    )
    monkeypatch.setenv("DE06_ALERT_TO", "oncall@de06.test")
    try:
        yield sink
    finally:
        ctl.stop()
