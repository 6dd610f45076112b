"""health_push on a real Airflow stack (LocalExecutor: api-server, scheduler, dag-processor,
triggerer) against the VNeID API simulator over real HTTP and the project's PostgreSQL.

One stack for the module (it takes ~20 s to start). The asset watcher's trigger runs in the
triggerer; the DAG's own defaults apply (no conf: asset-triggered runs get none).

- the triggerer is SIGKILLed while clinic envelopes keep landing, and started again: every entry
  reaches VNeID exactly once, and work that landed while no triggerer ran is announced by the
  restarted one (no run consumes it before);
- the DAG is paused while envelopes land and several events fire, then resumed: one run drains
  everything that landed (events a paused DAG drops are re-announced), each entry once;
- the VNeID API stops answering (the simulator's ``drop_rate`` fault at 1: every call's
  connection is cut without an answer): runs fail, the DAG's failure callback, which Airflow 3
  runs in the dag processor, mails once through a real SMTP server and holds the later runs'
  mails; the API back, everything that waited is delivered once.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg2
import pytest
from de06 import config
from de06.db import connect, server
from de06.health.tasks import OVERRIDES_VARIABLE
from de06.runtime import components, paths, ports, process, stack
from de06.runtime.api import Client
from de06.simulators import clinics as C

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.http]
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "de06" / "health"))

from health_fixtures import SESSION_START, bhxh, empty_health_tables, mail_sink, people  # noqa: E402, F401

DAG = "health_push"
OVERRIDES = json.dumps({"quality": False, "idle_exit_s": 1.0})
MIX = {"unknown_citizen": 0.0, "no_book": 0.0}  # every entry has a book: all must be acknowledged
ACTIVE_SQL = """
SELECT (SELECT count(*) FROM dag_run WHERE dag_id = %(d)s AND state IN ('queued', 'running')),
       (SELECT count(*) FROM asset_dag_run_queue WHERE target_dag_id = %(d)s),
       -- a run marked failed from outside ends the run, not its running task (which still drains)
       (SELECT count(*) FROM task_instance WHERE dag_id = %(d)s
         AND state IN ('scheduled', 'queued', 'running', 'up_for_retry', 'restarting', 'deferred'))
"""
EVENTS_SINCE = """
SELECT count(*) FROM asset_event e JOIN asset a ON a.id = e.asset_id
WHERE a.name = 'bhxh_health_work' AND e.timestamp > %s
"""
RUNS_SINCE = """
SELECT r.run_id, (SELECT count(*) FROM dagrun_asset_event x WHERE x.dag_run_id = r.id)
FROM dag_run r WHERE r.dag_id = %s AND r.queued_at > %s ORDER BY r.queued_at
"""


LEFTOVER_TASKS_SQL = """
UPDATE task_instance SET state = 'failed' WHERE dag_id = %(d)s
   AND state IN ('scheduled', 'queued', 'running', 'up_for_retry', 'up_for_reschedule', 'restarting',
                 'deferred')
"""
LEFTOVER_RUNS_SQL = (
    "UPDATE dag_run SET state = 'failed' WHERE dag_id = %(d)s AND state IN ('queued', 'running')"
)


@dataclass
class Live:
    plan: stack.Plan
    api: Client
    meta: object  # psycopg2 connection to Airflow's metadata DB (autocommit)
    vneid_url: str  # the VNeID API simulator the stack's tasks call
    mails: list  # messages the SMTP server in this process received


@pytest.fixture(scope="module")
def live(airflow_db, people):  # noqa: F811
    from de06.simulators.vneid_api import serve_in_thread

    mp = pytest.MonkeyPatch()
    mp.setenv(paths.RUN_DIR_ENV, str(Path(os.environ["AIRFLOW_HOME"]) / "health-stack-test"))
    mp.setenv(components.API_PORT_ENV, str(ports.free_port()))
    mp.setenv("AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", "True")  # only health_push runs
    meta = psycopg2.connect(server.info().uri("airflow"))
    meta.autocommit = True
    # Work an earlier test left pending would make the watcher start a run as soon as the stack is
    # up; failing that run below ends the run, not its task, which drained this module's feeds.
    leftover = connect("bhxh")
    empty_health_tables(leftover)
    leftover.close()
    # An event an earlier stack fired as it stopped stays queued in the metadata DB and would start
    # a run the moment the scheduler is up; failing that run leaves its draining task running, and
    # that task consumed this module's feeds once (a burst "nothing consumes" was delivered).
    # Likewise a run an earlier stack stopped mid-task (a failed test of this module): its task, left
    # to be retried, would be picked up by the new scheduler and drain this module's feeds. No
    # scheduler runs yet, so they are ended here in the metadata DB.
    with meta.cursor() as cur:
        cur.execute("DELETE FROM asset_dag_run_queue WHERE target_dag_id = %s", (DAG,))
        cur.execute(LEFTOVER_TASKS_SQL, {"d": DAG})
        cur.execute(LEFTOVER_RUNS_SQL, {"d": DAG})
    try:
        # alerts go to a real SMTP server in this process, through Airflow's [smtp] settings, which
        # reach every component (the dag processor runs the DAG-level failure callback)
        with mail_sink(mp) as sink, serve_in_thread(port=0, seed=1) as api_url:
            mp.setenv("DE06_VNEID_API_URL", api_url)  # handed to the stack's tasks
            plan = stack.up("airflow", echo=lambda m: None)
            api = Client(plan.url)
            try:
                api.wait_dag(DAG)
                api.pause_all_except(DAG)
                # asset-triggered runs carry no conf: short idle, no GX step (not under test here)
                _set_overrides(api, plan.url, OVERRIDES)
                out = Live(plan, api, meta, api_url, sink.messages)
                # runs (or queued events) an earlier stack left on this metadata DB: end them first
                wait_for(lambda: api.fail_active_runs(DAG) == [] and idle(out), 90, "no leftover runs")
                yield out
            finally:
                _set_overrides(api, plan.url, None)
                api.close()
                stack.down("airflow")
    finally:
        meta.close()
        mp.undo()


def _set_overrides(api: Client, url: str, value: str | None) -> None:
    """The health DAGs' overrides Variable set to ``value`` (JSON text), or removed (None)."""
    variables = f"{url}/api/v2/variables"
    api.http.delete(f"{variables}/{OVERRIDES_VARIABLE}")
    if value is not None:
        api.http.post(variables, json={"key": OVERRIDES_VARIABLE, "value": value}).raise_for_status()


@dataclass
class Feed:
    """Envelopes put in the inbox one by one (as clinics send them); counts the entries expected."""

    people: dict
    seed: int
    tag: str = field(default_factory=lambda: f"T{random.randrange(10**6):06d}")
    expected: int = 0

    def send(self, n: int, every_s: float = 0.0, stop: threading.Event | None = None) -> None:
        from de06.health.inbox import receive

        facs = C.facilities()
        pop = {k: self.people[k] for k in ("adult", "child", "child_no_vneid")}
        conn = connect("bhxh")
        try:
            C.register_facilities(conn, facs)
            conn.commit()
            for s in C.generate(pop, facs, n, self.seed, SESSION_START, {}, mix=MIX, tag=self.tag):
                if stop is not None and stop.is_set():
                    break
                receive(conn, s.file_name, s.body, s.facility)
                conn.commit()
                self.expected += sum(s.expected.values())
                if every_s:
                    time.sleep(every_s)
        finally:
            conn.close()
        self.seed += 1000  # a later send() makes other envelopes

    def stream(self, every_s: float) -> tuple[threading.Thread, threading.Event]:
        stop = threading.Event()
        t = threading.Thread(target=self.send, args=(10_000, every_s, stop), daemon=True)
        t.start()
        return t, stop


def delivered(tag: str) -> int:
    v = connect("vneid")
    try:
        with v.cursor() as cur:
            cur.execute("SELECT count(*) FROM health_book_entry WHERE episode_key LIKE %s", (f"%{tag}%",))
            return cur.fetchone()[0]
    finally:
        v.close()


def wait_for(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


def idle(live: Live) -> bool:
    with live.meta.cursor() as cur:
        cur.execute(ACTIVE_SQL, {"d": DAG})
        return cur.fetchone() == (0, 0, 0)


def exactly_once(bhxh, feeds: list[Feed]) -> dict:  # noqa: F811
    """Every outbox entry acknowledged, each key exactly once in VNeID, as many as the feeds sent."""
    with bhxh.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM outbox_item GROUP BY 1")
        items = dict(cur.fetchall())
        cur.execute("SELECT idempotency_key FROM outbox_item")
        keys = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT status, count(*) FROM submission GROUP BY 1")
        subs = dict(cur.fetchall())
    bhxh.commit()
    v = connect("vneid")
    try:
        with v.cursor() as cur:
            cur.execute(
                "SELECT count(*), count(DISTINCT idempotency_key) FROM health_book_entry "
                "WHERE idempotency_key = ANY(%s)",
                (keys,),
            )
            rows, distinct = cur.fetchone()
    finally:
        v.close()
    want = sum(f.expected for f in feeds)
    assert want > 0 and set(subs) == {"accepted"}, subs
    assert items == {"acked": want}, items
    assert rows == distinct == want  # nothing lost, nothing twice
    return items


def test_triggerer_killed_mid_stream_every_entry_once(live, people, bhxh):  # noqa: F811
    run, logs = paths.run_dir("airflow"), paths.log_dir("airflow")
    assert idle(live)
    stream = Feed(people, seed=61)
    t, stop = stream.stream(every_s=0.3)
    try:
        wait_for(lambda: delivered(stream.tag), 60, "first entries through the asset watcher and a run")
        assert process.kill_now(run, "triggerer")  # SIGKILL, whole tree: a crash mid-stream
        time.sleep(3)  # envelopes keep landing; the run already started keeps draining
    finally:
        stop.set()
        t.join(10)
    wait_for(lambda: idle(live), 90, "the runs started before the crash end")
    assert delivered(stream.tag) == stream.expected  # they drained the stream, once

    # Work that lands while no triggerer runs: nothing announces it, nothing consumes it.
    burst = Feed(people, seed=71)
    burst.send(6)
    time.sleep(4)
    assert delivered(burst.tag) == 0 and idle(live)

    restarted = datetime.now(UTC)
    comp = next(c for c in components.core_components() if c.name == "triggerer")
    env = {**live.plan.env, **comp.env}
    # the new triggerer adopts the watcher once the dead one's heartbeat is older than this (default 30)
    env["AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD"] = "5"
    process.start(run, logs, "triggerer", comp.argv, env, config.root())
    wait_for(lambda: delivered(burst.tag) == burst.expected, 90, "the restarted triggerer's event and run")
    wait_for(lambda: idle(live), 60, "runs end")
    with live.meta.cursor() as cur:
        cur.execute(EVENTS_SINCE, (restarted,))
        assert cur.fetchone()[0] >= 1  # announced by the restarted triggerer
    exactly_once(bhxh, [stream, burst])


def test_paused_dag_resumed_strands_nothing(live, people, bhxh):  # noqa: F811
    """While the DAG is paused Airflow queues no run from the watcher's events (and drops the watcher
    at the next parse); after the resume the watcher announces the work still waiting (unannounced,
    or announced over ``stale_after`` ago) and one run drains everything that landed."""
    assert idle(live)
    live.api.http.patch(f"{live.plan.url}/api/v2/dags/{DAG}", json={"is_paused": True}).raise_for_status()
    paused = datetime.now(UTC)
    feed = Feed(people, seed=81)
    try:
        for _ in range(3):  # separate landings while paused
            feed.send(3)
            time.sleep(4)
        assert delivered(feed.tag) == 0 and idle(live)  # held back: no run, nothing consumed
    finally:
        live.api.http.patch(
            f"{live.plan.url}/api/v2/dags/{DAG}", json={"is_paused": False}
        ).raise_for_status()
    wait_for(lambda: delivered(feed.tag) == feed.expected, 90, "the resumed DAG drains what landed")
    wait_for(lambda: idle(live), 60, "runs end")
    with bhxh.cursor() as cur:
        cur.execute("SELECT DISTINCT substr(claimed_by, strpos(claimed_by, ':') + 1) FROM outbox_item")
        drained_by = {r[0] for r in cur.fetchall()}
    bhxh.commit()
    with live.meta.cursor() as cur:
        cur.execute(RUNS_SINCE, (DAG, paused))
        runs = dict(cur.fetchall())
    assert len(drained_by) == 1 and drained_by <= set(runs), (drained_by, runs)  # one run took it all
    exactly_once(bhxh, [feed])


TASKS_BUSY_SQL = """
SELECT count(*) FROM task_instance WHERE dag_id = %(d)s AND state IN ('running', 'queued')
"""


def test_pause_then_close_runs_waits_for_the_draining_task(live, people, bhxh):  # noqa: F811
    """What the push benchmark does before its scheduled peer: pause ``health_push`` while work
    streams in, then ``close_runs_when_idle``. It returns only once no task of the DAG works any
    more, and the run that was draining delivered what it took."""
    assert idle(live)
    stream = Feed(people, seed=91)
    t, stop = stream.stream(every_s=0.3)
    try:
        wait_for(lambda: delivered(stream.tag), 60, "a run draining the stream")
        live.api.set_paused(DAG, True)
    finally:
        stop.set()
        t.join(10)
    try:
        live.api.close_runs_when_idle(DAG, "success", timeout=120)
        with live.meta.cursor() as cur:
            cur.execute(TASKS_BUSY_SQL, {"d": DAG})
            assert cur.fetchone()[0] == 0
            cur.execute("SELECT count(*) FROM dag_run WHERE dag_id = %s AND state = 'running'", (DAG,))
            assert cur.fetchone()[0] == 0
    finally:
        live.api.set_paused(DAG, False)
    wait_for(lambda: delivered(stream.tag) == stream.expected, 90, "the resumed DAG drains the rest")
    wait_for(lambda: idle(live), 60, "runs end")
    exactly_once(bhxh, [stream])


FAILED_SINCE = """
SELECT count(*) FROM dag_run WHERE dag_id = %s AND state = 'failed' AND queued_at > %s
"""
HELD = "alert not sent"


def _faults(live: Live, **faults: float) -> None:
    """Set the VNeID API simulator's faults live (``POST /admin/faults``)."""
    r = httpx.post(f"{live.vneid_url}/admin/faults", json=faults, headers={"X-Admin-Token": "admin"})
    r.raise_for_status()


def _held_in_processor_logs() -> int:
    """How many held alerts the dag processor's logs of health_push record (all days)."""
    root = Path(os.environ["AIRFLOW_HOME"]) / "logs" / "dag_processor"
    return sum(
        f.read_text(encoding="utf-8", errors="replace").count(HELD) for f in root.rglob("health_push.py.log")
    )


def test_api_outage_mails_once_from_the_dag_processor(live, people, bhxh):  # noqa: F811
    """Airflow 3 runs a DAG's own failure callback in the dag processor, not in the task: the mail,
    its SMTP settings and the outage check (which reads ``bhxh.push_run``) must work there. The
    API stops answering while work waits (the simulator's own fault injection cuts every call's
    connection: transport errors, no answer): the first failed run mails, the runs after it (the
    watcher announces the waiting work again) fail without a mail and the dag processor logs why;
    once the API is back the waiting work is delivered, each entry once."""
    assert idle(live)
    quick = json.dumps({**json.loads(OVERRIDES), "unreachable_after_s": 2})
    _set_overrides(live.api, live.plan.url, quick)
    mails, held = len(live.mails), _held_in_processor_logs()
    down = datetime.now(UTC)
    _faults(live, drop_rate=1.0)
    feed = Feed(people, seed=101)
    try:
        feed.send(3)

        def failed() -> int:
            with live.meta.cursor() as cur:
                cur.execute(FAILED_SINCE, (DAG, down))
                return cur.fetchone()[0]

        wait_for(lambda: failed() >= 2, 150, "two runs fail while the API is down")
        wait_for(lambda: len(live.mails) > mails, 90, "the first failed run's mail")
        wait_for(lambda: _held_in_processor_logs() > held, 90, "a later run's mail held by the dag processor")
        assert len(live.mails) == mails + 1, [m["Subject"] for m in live.mails[mails:]]
        assert live.mails[mails]["Subject"].startswith("[de06] DAG health_push failed")
        assert delivered(feed.tag) == 0  # nothing got through, nothing was dropped either
    finally:
        _faults(live, drop_rate=0.0)
        _set_overrides(live.api, live.plan.url, OVERRIDES)
    wait_for(lambda: delivered(feed.tag) == feed.expected, 120, "the waiting work delivered after the outage")
    wait_for(lambda: idle(live), 60, "runs end")
    exactly_once(bhxh, [feed])
