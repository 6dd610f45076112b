"""One mail per VNeID API outage, not one per run: the health DAGs' failure callbacks decide from
``bhxh.push_run`` (de06.health.outage).

Real parts: drains against a closed port (connections refused) and the VNeID API simulator (real
HTTP), the embedded PostgreSQL, the DAG files' own failure notifiers sending through a real SMTP
server (aiosmtpd on 127.0.0.1).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from de06.health import drain as D
from de06.health import outage
from de06.health.client import VneidClient
from de06.simulators.vneid_api import serve_in_thread

ROOT = Path(__file__).resolve().parents[3]
FAST = D.Settings(
    batch_size=50, concurrency=4, retry_base_s=0.05, retry_cap_s=0.2, max_run_s=60, unreachable_after_s=1
)


def _dag(name: str):
    spec = importlib.util.spec_from_file_location(f"_{name}_outage_test", ROOT / "dags" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.dag


def _unreachable_run(bhxh, dancu, url: str, run_id: str, mode: str) -> None:
    with VneidClient(url, inline_attempts=1, timeout_s=2.0) as c:
        c.breaker.base_cooldown = c.breaker.cooldown = 0.3
        with pytest.raises(D.EndpointUnreachable):
            D.drain(bhxh, dancu, c, FAST, run_id=run_id, mode=mode)


def _callback(dag, run_id: str):
    """The DAG's on_failure_callback, called as the dag processor calls it for a failed run without
    a last task instance (``dag``, ``run_id``, ``reason``)."""
    notifier = dag.on_failure_callback
    notifier = notifier[0] if isinstance(notifier, list) else notifier
    notifier({"dag": dag, "run_id": run_id, "reason": "task_failure"})
    return notifier


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def alert_log() -> list[logging.LogRecord]:
    """The notifier's log records, on a handler of its own logger (caplog's sits on the root logger,
    which loading a DAG file may reconfigure)."""
    logger = logging.getLogger("de06.alerts.notifier")
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.records
    logger.removeHandler(handler)
    logger.setLevel(level)


def _held(records) -> list[str]:
    return [r.getMessage() for r in records if "alert not sent" in r.getMessage()]


@pytest.mark.postgres
@pytest.mark.http
def test_first_unreachable_run_mails_later_ones_log_until_a_run_reaches_the_api(
    people, bhxh, pg, send, closed_url, smtp_sink, alert_log
):
    push, scheduled = _dag("health_push"), _dag("health_push_scheduled")
    dancu = pg("dancu")
    send(bhxh, people, 4, seed=61)

    # the outage starts: the first failed run mails
    _unreachable_run(bhxh, dancu, closed_url, "asset_triggered__u1", "event")
    n = _callback(push, "asset_triggered__u1")
    assert n.last_skipped is None and len(smtp_sink.messages) == 1
    assert smtp_sink.messages[0]["Subject"].startswith("[de06] DAG health_push failed")

    # the next runs of the outage, of either DAG, fail too but only log
    _unreachable_run(bhxh, dancu, closed_url, "scheduled__u2", "scheduled")
    _unreachable_run(bhxh, dancu, closed_url, "asset_triggered__u3", "event")
    n = _callback(scheduled, "scheduled__u2")
    assert n.last_skipped and len(smtp_sink.messages) == 1
    _callback(push, "asset_triggered__u3")
    assert len(smtp_sink.messages) == 1
    with bhxh.cursor() as cur:
        cur.execute("SELECT started_at FROM push_run WHERE run_id = 'asset_triggered__u1'")
        since = cur.fetchone()[0]
    bhxh.commit()
    held = _held(alert_log)
    assert len(held) == 2, held
    for line in held:
        assert "outage ongoing since" in line and since.astimezone(UTC).isoformat(timespec="seconds") in line
        assert "asset_triggered__u1" in line  # the run that alerted
    assert "DAG health_push_scheduled run scheduled__u2" in held[0]

    # a run reaches the API (it answers 503 only: an answer all the same), then the API is gone again
    with serve_in_thread(port=0, down=True) as url, VneidClient(url, inline_attempts=1) as c:
        stats = D.drain(bhxh, dancu, c, D.Settings(**{**FAST.__dict__, "max_run_s": 2}), mode="cli")
    assert not stats.unreachable and stats.answers > 0 and stats.acked == 0
    _unreachable_run(bhxh, dancu, closed_url, "scheduled__u4", "scheduled")
    n = _callback(scheduled, "scheduled__u4")
    assert n.last_skipped is None and len(smtp_sink.messages) == 2  # a new outage: mailed
    # and the failed runs' mails and log lines carry no personal ID or name
    logged = "\n".join(r.getMessage() for r in alert_log)
    text = "\n".join(m.as_string() for m in smtp_sink.messages)
    for p in people["adult"]:
        assert p.cccd not in logged and p.cccd not in text and p.full_name not in text


def _row(cur, run_id, mode, finished, *, answers=0, unreachable=False, errors=0):
    cur.execute(
        "INSERT INTO push_run (run_id, mode, started_at, finished_at, answers, transport_errors, unreachable)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)",
        (run_id, mode, finished - timedelta(seconds=30), finished, answers, errors, unreachable),
    )


@pytest.mark.postgres
def test_what_holds_an_alert_and_what_does_not(bhxh):
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    at = [t0 + timedelta(minutes=i) for i in range(12)]
    with bhxh.cursor() as cur:
        _row(cur, "ok-0", "event", at[0], answers=40)
        _row(cur, "cli-1", "cli", at[1], unreachable=True, errors=3)  # an operator's run mailed nobody
        _row(cur, "ev-2", "event", at[2], unreachable=True, errors=3)
        _row(cur, "idle-3", "scheduled", at[3])  # nothing to push: neither reached nor unreachable
        _row(cur, "sch-4", "scheduled", at[4], unreachable=True, errors=2)
        _row(cur, "ev-5", "event", at[5], answers=12)  # reached the API (e.g. 503s): the outage ends
        _row(cur, "ev-6", "event", at[6], unreachable=True, errors=1)
        _row(cur, "ev-7", "event", at[7], answers=3, errors=2)  # some failures, but answered: not an outage
    bhxh.commit()
    assert outage.already_alerted(bhxh, "ev-2", "event") is None  # first alerting run of the outage
    held = outage.already_alerted(bhxh, "sch-4", "scheduled")
    assert held is not None and held.alerted_run == "ev-2" and held.runs == 2
    assert held.since == at[1] - timedelta(seconds=30)  # the outage's first unreachable run (cli-1)
    assert "outage ongoing since 2026-03-02T08:00:30+00:00" in held.line()
    assert outage.already_alerted(bhxh, "ev-6", "event") is None  # after ev-5 reached the API
    assert outage.already_alerted(bhxh, "ev-7", "event") is None  # not an unreachable run
    assert outage.already_alerted(bhxh, "sch-4", "event") is None  # run_id of the other DAG's mode
    assert outage.already_alerted(bhxh, "no-such-run", "event") is None


@pytest.mark.http
def test_a_failing_predicate_never_stops_the_mail(smtp_sink, alert_log):
    from de06.alerts import failure_notifier

    def broken(_context):
        raise RuntimeError("database gone at 001089012345")

    n = failure_notifier(dataset="health_microbatch", skip_if=broken)
    n({"dag_id": "health_push", "run_id": "manual__1"})
    assert len(smtp_sink.messages) == 1 and n.last_skipped is None and n.last_path == "config"
    assert any("skip_if failed (RuntimeError)" in r.getMessage() for r in alert_log)
    assert not any("001089012345" in r.getMessage() for r in alert_log)


@pytest.mark.postgres
def test_health_status_tells_whether_the_api_is_reachable_and_since_when(bhxh):
    """``de06 health status`` as an operator runs it: ``api`` from the recorded runs."""
    de06 = str(Path(sys.executable).with_name("de06"))

    def status() -> dict:
        out = subprocess.run(
            [de06, "health", "status"], capture_output=True, text=True, timeout=120, env=os.environ.copy()
        )
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    assert status()["api"] == {  # the bhxh fixture emptied push_run
        "state": "unknown",
        "last_answer_run_finished_at": None,
        "outage_since": None,
        "unreachable_runs": 0,
    }
    t0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with bhxh.cursor() as cur:
        _row(cur, "ok-0", "event", t0, answers=40)
        _row(cur, "idle-1", "scheduled", t0 + timedelta(minutes=1))  # nothing pushed: says nothing
    bhxh.commit()
    api = status()["api"]
    assert api["state"] == "reachable" and api["last_answer_run_finished_at"] == "2026-03-02T08:00:00+00:00"
    with bhxh.cursor() as cur:
        _row(cur, "ev-2", "event", t0 + timedelta(minutes=2), unreachable=True, errors=3)
        _row(cur, "sch-3", "scheduled", t0 + timedelta(minutes=3), unreachable=True, errors=2)
    bhxh.commit()
    s = status()
    assert s["api"] == {
        "state": "unreachable",
        "last_answer_run_finished_at": "2026-03-02T08:00:00+00:00",
        "outage_since": "2026-03-02T08:01:30+00:00",  # ev-2 started 30 s before it finished
        "unreachable_runs": 2,
    }
    assert s["last_runs"][0]["run_id"] == "sch-3" and s["last_runs"][0]["unreachable"] is True
    with bhxh.cursor() as cur:
        _row(cur, "ev-4", "event", t0 + timedelta(minutes=4), answers=5, errors=1)  # answered: over
    bhxh.commit()
    assert status()["api"]["state"] == "reachable"
