"""An unreachable VNeID API ends a run after ``unreachable_after_s``, not ``max_run_s``; an API that
answers, even 503, is never cut off.

Real parts only: a closed port (a socket bound, its port noted, the socket closed: connections are
refused), the VNeID API simulator over real HTTP with its ``down`` fault (every call answers 503),
the embedded PostgreSQL.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from de06.db import connect
from de06.health import drain as D
from de06.health.client import CircuitBreaker, VneidClient
from de06.simulators.vneid_api import serve_in_thread
from health_fixtures import outbox_items

#: Far beyond what any of these runs may take: a run that waits it out fails the test by its length.
LONG_RUN_S = 120.0


def _cfg(**kw) -> D.Settings:
    """Fast retries, a run that could last ``LONG_RUN_S``; ``kw`` sets what the test is about."""
    return D.Settings(batch_size=50, concurrency=4, retry_base_s=0.05, max_run_s=LONG_RUN_S, **kw)


def _run_row(conn, run_id: str) -> tuple:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT unreachable, answers, transport_errors, acked, left_pending FROM push_run"
            " WHERE run_id = %s",
            (run_id,),
        )
        row = cur.fetchone()
    conn.commit()
    return row


@pytest.mark.postgres
@pytest.mark.http
def test_unreachable_api_ends_the_run_after_unreachable_after_s_not_max_run_s(
    people, bhxh, pg, send, closed_url
):
    send(bhxh, people, 6, seed=51)
    cfg = _cfg(
        retry_cap_s=0.2,
        idle_exit_s=5.0,
        unreachable_after_s=2.0,
        max_attempts=1,  # a refused push must not use up an attempt (it would be dead-lettered)
    )
    started = time.monotonic()
    with VneidClient(closed_url, inline_attempts=1, timeout_s=2.0) as c:
        c.breaker.base_cooldown = c.breaker.cooldown = 0.5
        with pytest.raises(D.EndpointUnreachable) as info:
            # with the ingester thread, as in Airflow: the last sequential pass must stop too
            D.drain(
                bhxh,
                pg("dancu"),
                c,
                cfg,
                run_id="early-exit",
                mode="test",
                connect=lambda: (connect("bhxh"), connect("dancu")),
            )
    took = time.monotonic() - started
    assert took < LONG_RUN_S / 4, f"the run took {took:.0f} s: it waited for max_run_s"
    summary = info.value.stats.summary()
    assert summary["unreachable"] is True and summary["gave_up_after_s"] is not None
    assert summary["answers"] == 0 and summary["transport_errors"] >= 1 and summary["acked"] == 0
    line = info.value.line()
    assert "without an answer" in line and closed_url in line and "\n" not in line
    items = outbox_items(bhxh)
    assert set(items) <= {"pending", "parked"} and items["pending"][0] == summary["left_pending"] > 0
    assert items["pending"][1] == 0  # refused pushes are not delivery attempts
    unreachable, answers, errors, acked, left = _run_row(bhxh, "early-exit")
    assert unreachable is True and answers == 0 and errors == summary["transport_errors"]
    assert (acked, left) == (0, summary["left_pending"])


@pytest.mark.postgres
@pytest.mark.http
def test_api_answering_503_for_a_while_is_not_cut_off(people, bhxh, pg, send):
    sent = send(bhxh, people, 6, seed=52)
    expected = sum(sum(s.expected.values()) for s in sent)
    down_s = 3.0  # longer than unreachable_after_s: only the answers keep the run going
    cfg = _cfg(retry_cap_s=0.3, unreachable_after_s=1.0)
    with serve_in_thread(port=0, down=True, seed=5) as url:

        def come_back() -> None:
            time.sleep(down_s)
            r = httpx.post(f"{url}/admin/faults", json={"down": False}, headers={"X-Admin-Token": "admin"})
            r.raise_for_status()

        flip = threading.Thread(target=come_back, daemon=True)
        breaker = CircuitBreaker(threshold=5, cooldown_s=0.2, max_cooldown_s=0.5)
        with VneidClient(url, inline_attempts=1, timeout_s=2.0, breaker=breaker) as c:
            started = time.monotonic()
            flip.start()
            stats = D.drain(bhxh, pg("dancu"), c, cfg, run_id="answered-503", mode="test")
            took = time.monotonic() - started
        flip.join(5)
    assert took >= down_s, f"the run ended after {took:.1f} s, while the API still answered 503"
    assert not stats.unreachable and stats.gave_up_after_s is None and stats.answers > 0
    parked = outbox_items(bhxh).get("parked", (0, 0))[0]
    assert stats.acked == expected - parked > 0  # everything delivered once the API was back
    assert set(outbox_items(bhxh)) <= {"acked", "parked"}
    unreachable, answers, _errors, acked, _left = _run_row(bhxh, "answered-503")
    assert unreachable is False and answers == stats.answers and acked == stats.acked


@pytest.mark.postgres
@pytest.mark.http
def test_airflow_task_takes_unreachable_after_s_from_its_params(people, bhxh, send, closed_url, monkeypatch):
    from airflow.sdk.exceptions import AirflowFailException
    from de06.health.tasks import run_drain

    send(bhxh, people, 2, seed=53)
    monkeypatch.setenv("DE06_VNEID_API_URL", closed_url)
    started = time.monotonic()
    with pytest.raises(AirflowFailException) as info:
        run_drain(
            "event",
            {"max_run_s": LONG_RUN_S, "idle_exit_s": 0, "retry_base_s": 0.1, "unreachable_after_s": 2},
            run_id="task-early-exit",
        )
    # well under the default unreachable_after_s (30 s): the param, not the default, ended the run
    assert time.monotonic() - started < D.Settings().unreachable_after_s / 2
    assert "without an answer" in str(info.value) and closed_url in str(info.value)
    assert _run_row(bhxh, "task-early-exit")[0] is True


@pytest.mark.unit
def test_unreachable_after_s_is_a_bounded_knob():
    from de06.errors import InputError
    from de06.health.knobs import BOUNDS, OVERRIDABLE
    from de06.health.tasks import _checked, settings

    assert BOUNDS["unreachable_after_s"] == ("number", 1, 1080) and "unreachable_after_s" in OVERRIDABLE
    assert D.Settings().unreachable_after_s == 30.0
    assert settings({"unreachable_after_s": 7}).unreachable_after_s == 7.0
    assert _checked("unreachable_after_s", 10) == 10
    for bad in (0, 1081, "30", True):
        with pytest.raises(InputError, match="unreachable_after_s"):
            _checked("unreachable_after_s", bad)
