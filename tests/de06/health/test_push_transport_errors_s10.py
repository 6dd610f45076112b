"""An unreachable VNeID API is loud, never green, and loses nothing.

Against a real closed port (a socket bound, its port noted, the socket closed: connections are
refused) and a non-URL; no mock of the HTTP layer. Then the real simulator delivers what waited.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from de06.health import drain as D
from de06.health.client import CircuitBreaker, VneidClient
from de06.simulators.vneid_api import serve_in_thread
from health_fixtures import outbox_items

SHORT = D.Settings(batch_size=50, concurrency=4, retry_base_s=0.05, retry_cap_s=0.2, max_run_s=3.0)


def _warnings(caplog, needle: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and needle in r.getMessage()
    ]


@pytest.mark.http
def test_transport_failure_and_breaker_opening_are_logged_once_each(closed_url, caplog):
    caplog.set_level(logging.WARNING, logger="de06.health.client")
    body = {"citizen_id": "001089012345", "entry_type": "visit"}
    breaker = CircuitBreaker(threshold=2, cooldown_s=0.3)
    with VneidClient(closed_url, breaker=breaker, inline_attempts=1, timeout_s=2.0) as c:
        first = c.push_many([(body, "k1"), (body, "k2"), (body, "k3")])
        assert [o.kind for o in first] == ["retry"] * 3 and all(o.unsent for o in first)
        assert "ConnectError" in first[0].reason
        c.push_many([(body, "k1")])  # second failure: the breaker opens
        for _ in range(5):  # open: no call, no log line per entry
            assert c.push_many([(body, "k1"), (body, "k2")])[0].reason == "circuit breaker open"
        assert c.push(body, "k9").reason == "circuit breaker open"
        time.sleep(0.35)
        c.push(body, "k9")  # the half-open probe fails: the breaker opens again
    transport = _warnings(caplog, "failed at the transport level")
    opened = _warnings(caplog, "circuit breaker opened")
    assert len(transport) == 3 and len(opened) == 2 == breaker.opened
    assert all(closed_url in m and "ConnectError" in m for m in transport + opened)
    assert c.transport_errors == 3 and c.responses == 0
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "001089012345" not in logged and "k1" not in logged  # no entry, no ID, no key


@pytest.mark.http
def test_not_a_url_is_a_logged_transport_error(caplog):
    caplog.set_level(logging.WARNING, logger="de06.health.client")
    with VneidClient("notaurl", inline_attempts=1) as c:
        out = c.push_many([({"entry_type": "visit"}, "k1")])
    assert out[0].kind == "retry" and out[0].unsent
    assert _warnings(caplog, "notaurl: push of 1 entry failed at the transport level: UnsupportedProtocol")


@pytest.mark.postgres
@pytest.mark.http
def test_drain_against_closed_port_fails_loudly_and_keeps_items_pending(
    people, bhxh, pg, send, closed_url, caplog
):
    caplog.set_level(logging.WARNING)
    send(bhxh, people, 6, seed=41)
    # max_attempts 1: a push that never left must not use up the item's attempts (it would be
    # dead-lettered "gave up after 1 attempts" on the old code)
    cfg = D.Settings(**{**SHORT.__dict__, "max_attempts": 1})
    with VneidClient(closed_url, inline_attempts=1, timeout_s=2.0) as c:
        c.breaker.base_cooldown = c.breaker.cooldown = 0.5
        with pytest.raises(D.EndpointUnreachable) as info:
            D.drain(bhxh, pg("dancu"), c, cfg, mode="test")
    line = info.value.line()
    assert closed_url in line and "unreachable" in line and "de06 vneid-api serve" in line
    assert "DE06_VNEID_API_URL" in line and "\n" not in line
    summary = info.value.stats.summary()
    assert summary["unreachable"] is True and summary["transport_errors"] >= 1
    assert summary["acked"] == 0 and summary["dead"] == 0 and summary["left_pending"] > 0
    assert summary["endpoint"] == closed_url
    items = outbox_items(bhxh)
    assert set(items) <= {"pending", "parked"} and items["pending"][0] == summary["left_pending"]
    assert items["pending"][1] == 0  # refused pushes are not delivery attempts
    assert _warnings(caplog, "failed at the transport level") and _warnings(caplog, "circuit breaker opened")
    with bhxh.cursor() as cur:
        cur.execute("SELECT acked, dead, left_pending FROM push_run")
        assert cur.fetchone() == (0, 0, summary["left_pending"])  # the run is recorded
    bhxh.commit()
    # the API comes up: the next run delivers everything that waited, once
    with (
        serve_in_thread(port=0, seed=3) as url,
        VneidClient(url, inline_attempts=1, timeout_s=2.0) as c,
    ):
        stats = D.drain(bhxh, pg("dancu"), c, D.Settings(**{**SHORT.__dict__, "max_run_s": 30}), mode="test")
    assert not stats.unreachable and stats.transport_errors == 0
    assert stats.acked == summary["left_pending"]
    assert set(outbox_items(bhxh)) <= {"acked", "parked"}


@pytest.mark.postgres
@pytest.mark.http
def test_drain_without_raise_reports_unreachable_in_its_result(people, bhxh, pg, send, closed_url):
    send(bhxh, people, 2, seed=42)
    with VneidClient(closed_url, inline_attempts=1) as c:
        stats = D.drain(bhxh, pg("dancu"), c, SHORT, mode="test", raise_unreachable=False)
    assert stats.unreachable and stats.transport_errors >= 1 and stats.acked == 0


@pytest.mark.postgres
@pytest.mark.http
def test_airflow_task_fails_with_one_line_naming_endpoint_and_fix(
    people, bhxh, send, closed_url, monkeypatch
):
    from airflow.sdk.exceptions import AirflowFailException
    from de06.health.tasks import run_drain

    send(bhxh, people, 2, seed=43)
    monkeypatch.setenv("DE06_VNEID_API_URL", closed_url)
    with pytest.raises(AirflowFailException) as info:
        run_drain("event", {"max_run_s": 3, "idle_exit_s": 0, "retry_base_s": 0.1}, run_id="test-unreachable")
    msg = str(info.value)
    assert "\n" not in msg and closed_url in msg and "de06 vneid-api serve" in msg
    assert "DE06_VNEID_API_URL" in msg
    assert set(outbox_items(bhxh)) <= {"pending", "parked"}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("de06")), "health", "drain", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )


@pytest.mark.postgres
@pytest.mark.http
@pytest.mark.parametrize("kind", ["closed-port", "not-a-url"])
def test_cli_drain_warns_and_exits_non_zero(people, bhxh, send, closed_url, kind):
    send(bhxh, people, 2, seed=44)
    url = closed_url if kind == "closed-port" else "notaurl"
    out = _cli("--api-url", url, "--max-run-s", "3")
    assert out.returncode != 0, out.stdout
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("de06: error:")]
    assert len(errors) == 1 and url in errors[0] and "unreachable" in errors[0], out.stderr
    assert "de06 vneid-api serve" in errors[0]
    assert "WARNING" in out.stderr and "failed at the transport level" in out.stderr  # without -v
    assert set(outbox_items(bhxh)) <= {"pending", "parked"}


@pytest.mark.postgres
@pytest.mark.http
def test_cli_drain_unreachable_after_s_ends_the_run_early(people, bhxh, send, closed_url):
    """``--unreachable-after-s`` reaches the drain: with 2 s a run against a closed port ends long
    before the default 30 s (and its ``--max-run-s`` of 120 s), with the unreachable error."""
    send(bhxh, people, 2, seed=45)
    t0 = time.monotonic()
    out = _cli("--api-url", closed_url, "--max-run-s", "120", "--unreachable-after-s", "2")
    elapsed = time.monotonic() - t0
    assert out.returncode != 0, out.stdout
    assert any(ln.startswith("de06: error:") and "unreachable" in ln for ln in out.stderr.splitlines())
    assert elapsed < 25, f"the run took {elapsed:.1f} s: the option did not reach the drain"
    assert set(outbox_items(bhxh)) <= {"pending", "parked"}


@pytest.mark.postgres
def test_quality_skips_an_empty_micro_batch_with_a_logged_reason(bhxh, tmp_path, monkeypatch, caplog):
    """A run that ingested submissions received before it started and acknowledged nothing has an
    empty micro-batch: no GX validation (it reported ``[0 rows] BREACHED``), the reason logged."""
    from datetime import UTC, datetime, timedelta

    from de06.health.tasks import run_quality
    from de06.quality import operators

    monkeypatch.setenv("DE06_GX_DIR", str(tmp_path / "gx"))  # (the old code wrote a result there)
    monkeypatch.setenv("DE06_SCORECARD_DIR", str(tmp_path / "scorecard"))
    ids = {"dag_id": "health_push", "run_id": "test-empty-batch", "task_id": "quality", "map_index": -1}
    monkeypatch.setattr(operators, "task_ids", lambda: ids)  # outside a task: the ids it would read
    caplog.set_level(logging.INFO, logger="de06")
    now = datetime.now(UTC)
    summary = {
        "submissions": 3,
        "acked": 0,
        "parked": 0,
        "dead": 0,
        "left_pending": 22,
        "started_at": (now - timedelta(minutes=5)).isoformat(),
        "finished_at": now.isoformat(),
    }
    out = run_quality(summary)
    assert out.get("row_count") == 0 and "empty micro-batch" in (out.get("skipped") or ""), out
    assert "passed" not in out and "breaches" not in out
    assert any("empty micro-batch" in r.getMessage() for r in caplog.records)
    assert not any("BREACHED" in r.getMessage() for r in caplog.records)
