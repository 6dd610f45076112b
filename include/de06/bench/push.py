"""``de06 bench push``: visits/s through inbox -> event -> drain -> VNeID API, lost/duplicated and latency.

A load generator sends live clinic envelopes (one visit each, the visit ending as it is sent) into
the bhxh inbox at ``--rate`` per second for ``--duration`` seconds while the VNeID API simulator
(a separate ``de06 vneid-api serve`` process) answers 2% 5xx and 1% 429. Measured against the
generator's own record, in ``vneid.health_book_entry``, never the pipeline's opinion:

- ``lost``: entries the generator sent that never reached a book; ``duplicated``: extra copies;
- latency per entry: VNeID's ``received_at`` (stored = acknowledged) minus the moment the
  generator committed the envelope to the inbox (XML times have minute resolution only).

Paths (``--path``):
- ``inprocess`` (default): the event trigger's poll (``signal_once`` every second, as in the
  triggerer) starts ``drain()`` (the DAG task's code) in this process — no Airflow scheduler,
  triggerer or task-start overhead (an asset watcher was seen to add about 3.5 s here);
- ``airflow``: a running ``de06 airflow up`` stack does it through the real AssetWatcher and
  ``health_push`` DAG; the API simulator then listens on ``DE06_VNEID_API_URL`` (default :8600).

Peer ``scheduled_5min``: the same load, drained only on a fixed tick every ``--peer-interval`` s
(``--peer-duration`` s of load). On the ``airflow`` path that is Airflow itself: ``health_push`` is
paused and ``health_push_scheduled`` (every 5 minutes) unpaused for the peer phase, then restored.
``max_sustained_rate_per_s``: the highest rate of ``--ramp`` whose p95 stayed within
``--p95-target`` with nothing lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import click

VN = timezone(timedelta(hours=7))
PER_EPISODE = """
SELECT episode_key, entry_type, count(*), min(extract(epoch FROM received_at))
FROM health_book_entry WHERE episode_key LIKE %s GROUP BY 1, 2
"""
COUNT_TAG = "SELECT count(*) FROM health_book_entry WHERE episode_key LIKE %s"


@dataclass
class Phase:
    name: str
    rate: float
    duration: float
    tag: str
    sent_at: dict[str, float] = field(default_factory=dict)  # MA_LK -> epoch seconds committed
    expected: dict[tuple[str, str], int] = field(default_factory=dict)  # (MA_LK, type) -> n
    envelopes: int = 0
    load_s: float = 0.0
    drain_runs: int = 0

    @property
    def expected_total(self) -> int:
        return sum(self.expected.values())


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---- load ---------------------------------------------------------------------------------


def load(phase: Phase, people: dict, facs: list, seed: int) -> None:
    """Send ``rate * duration`` live envelopes, paced; record when each was committed."""
    from de06.db import connect
    from de06.health.inbox import receive
    from de06.simulators import clinics as C

    n = max(1, int(phase.rate * phase.duration))
    mix = {"unknown_citizen": 0.0, "no_book": 0.0}
    gen = C.generate(
        people,
        facs,
        n,
        seed,
        datetime.now(VN).replace(tzinfo=None),
        faults={},
        episodes_max=1,
        mix=mix,
        live=True,
        tag=phase.tag,
        spacing_s=1.0 / phase.rate,
    )
    conn = connect("bhxh")
    began = time.monotonic()
    try:
        for i, sent in enumerate(gen):
            receive(conn, sent.file_name, sent.body, sent.facility)
            conn.commit()
            now = time.time()
            for _fac, ma_lk, exp in sent.episodes:
                phase.sent_at[ma_lk] = now
                for etype, k in exp.items():
                    if k:
                        phase.expected[(ma_lk, etype)] = k
            phase.envelopes += 1
            delay = began + (i + 1) / phase.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    finally:
        conn.close()
        phase.load_s = time.monotonic() - began


def delivered(tag: str) -> int:
    from de06.db import connect

    v = connect("vneid")
    try:
        with v.cursor() as cur:
            cur.execute(COUNT_TAG, (tag + "%",))
            return cur.fetchone()[0]
    finally:
        v.close()


SETTLED_S = 15.0  # nothing left to push for this long: the phase is over
OPEN_WORK = """
SELECT (SELECT count(*) FROM submission WHERE status IN ('received', 'processing'))
     + (SELECT count(*) FROM outbox_item WHERE status IN ('pending', 'in_flight'))
"""


def open_work() -> int:
    """Submissions not yet ingested plus entries not yet acknowledged, parked or dead."""
    from de06.db import connect

    b = connect("bhxh")
    try:
        with b.cursor() as cur:
            cur.execute(OPEN_WORK)
            return cur.fetchone()[0]
    finally:
        b.close()


def measure(phase: Phase) -> dict:
    from de06.db import connect

    v = connect("vneid")
    try:
        with v.cursor() as cur:
            cur.execute(PER_EPISODE, (phase.tag + "%",))
            got = {(lk, t): (int(c), float(first)) for lk, t, c, first in cur.fetchall()}
    finally:
        v.close()
    lost = sum(max(0, n - got.get(k, (0, 0))[0]) for k, n in phase.expected.items())
    dup = sum(max(0, c - phase.expected.get(k, 0)) for k, (c, _f) in got.items())
    lat: list[float] = []
    for (lk, t), n in phase.expected.items():
        if (lk, t) in got:
            lat.extend([got[(lk, t)][1] - phase.sent_at[lk]] * min(n, got[(lk, t)][0]))
    return {
        "rate_per_s": phase.rate,
        "duration_s": phase.duration,
        "envelopes": phase.envelopes,
        "load_seconds": round(phase.load_s, 2),
        "achieved_rate_per_s": round(phase.envelopes / phase.load_s, 2) if phase.load_s else None,
        "sent": phase.expected_total,
        "acknowledged": sum(min(c, phase.expected.get(k, 0)) for k, (c, _f) in got.items()),
        "lost": lost,
        "duplicated": dup,
        "drain_runs": phase.drain_runs,
        "latency_s": {
            "p50": _pct(lat, 0.5),
            "p95": _pct(lat, 0.95),
            "p99": _pct(lat, 0.99),
            "max": max(lat) if lat else None,
        },
    }


# ---- consumers ----------------------------------------------------------------------------


IDLE_EXIT_S = 5.0  # the health_push DAG's default: a run lingers this long for more work


def _drain_once(client, mode: str, idle_exit_s: float = IDLE_EXIT_S, snapshot: bool = False) -> None:
    from de06.db import connect
    from de06.health import drain as D

    bhxh, dancu = connect("bhxh"), connect("dancu")
    try:
        D.drain(
            bhxh,
            dancu,
            client,
            D.Settings(max_run_s=600, idle_exit_s=idle_exit_s, snapshot=snapshot),
            mode=mode,
            connect=lambda: (connect("bhxh"), connect("dancu")),
        )
    finally:
        bhxh.close()
        dancu.close()


def _client(api_url: str):
    from de06.health.client import VneidClient

    return VneidClient(api_url, timeout_s=5.0, inline_attempts=1)


def event_loop(phase: Phase, api_url: str, stop: threading.Event, poll_s: float = 1.0) -> None:
    """The trigger's poll, then the DAG task's drain, in this process."""
    from de06.db.conn import dsn
    from de06.health.trigger import signal_once

    url = dsn("bhxh")
    with _client(api_url) as client:
        while not stop.is_set():
            subs, items = signal_once(url, 30.0)
            if subs or items:
                phase.drain_runs += 1
                _drain_once(client, "bench")
                continue
            stop.wait(poll_s)


def scheduled_loop(phase: Phase, api_url: str, stop: threading.Event, interval: float, phase0: float) -> None:
    next_tick = time.monotonic() + phase0
    while not stop.is_set():
        if stop.wait(max(0.0, next_tick - time.monotonic())):
            return
        phase.drain_runs += 1
        with _client(api_url) as client:
            _drain_once(client, "bench-scheduled", idle_exit_s=0.0, snapshot=True)
        next_tick += interval


def airflow_peer_phase(
    phase: Phase, people: dict, facs: list, seed: int, api_url: str, interval: float
) -> dict:
    """The peer through Airflow: only ``health_push_scheduled`` (every 5 min) consumes meanwhile."""
    from de06.errors import De06Error
    from de06.runtime import stack
    from de06.runtime.api import Client

    url = stack.info("airflow").get("url")
    if not url:
        raise De06Error(
            "no `de06 airflow up` stack for the scheduled peer", "start it or pass --peer-interval 0"
        )
    api = Client(url)
    try:
        api.set_paused("health_push", True)
        try:
            # wait for the run still draining (its drain ends idle_exit_s after the work), then close
            # it as success (what is left of it is the GX step, not under test here); queued runs
            # wait for the unpause
            api.close_runs_when_idle("health_push", "success")
            api.wait_dag("health_push_scheduled")  # parsed and unpaused
            return run_phase(phase, people, facs, seed, api_url, "airflow", timeout_after_load=interval + 300)
        finally:
            api.set_paused("health_push_scheduled", True)
            api.set_paused("health_push", False)
    finally:
        api.close()


def _load_child(phase: Phase, people: dict, facs: list, seed: int, out: str) -> None:
    import json

    load(phase, people, facs, seed)
    Path(out).write_text(
        json.dumps(
            {
                "sent_at": phase.sent_at,
                "envelopes": phase.envelopes,
                "load_s": phase.load_s,
                "expected": [[k[0], k[1], v] for k, v in phase.expected.items()],
            }
        )
    )


def load_in_child(phase: Phase, people: dict, facs: list, seed: int):
    """The load generator runs in its own process (a clinic is not the gateway: no shared GIL)."""
    import multiprocessing as mp
    import tempfile

    out = tempfile.NamedTemporaryFile(prefix="de06-push-load-", suffix=".json", delete=False).name
    proc = mp.get_context("fork").Process(
        target=_load_child, args=(phase, people, facs, seed, out), daemon=True
    )
    proc.start()

    def collect() -> None:
        import json

        proc.join()
        data = json.loads(Path(out).read_text())
        Path(out).unlink(missing_ok=True)
        phase.sent_at = data["sent_at"]
        phase.envelopes, phase.load_s = data["envelopes"], data["load_s"]
        phase.expected = {(a, b): n for a, b, n in data["expected"]}

    return collect


def run_phase(
    phase: Phase,
    people: dict,
    facs: list,
    seed: int,
    api_url: str,
    consumer: str,
    interval: float = 300.0,
    timeout_after_load: float = 600.0,
) -> dict:
    import random

    collect = load_in_child(phase, people, facs, seed)  # fork before this process starts threads
    stop = threading.Event()
    if consumer == "event":
        t = threading.Thread(target=event_loop, args=(phase, api_url, stop), daemon=True)
    elif consumer == "scheduled":
        offset = random.Random(seed).uniform(0, interval)
        t = threading.Thread(
            target=scheduled_loop, args=(phase, api_url, stop, interval, offset), daemon=True
        )
    else:
        t = None  # airflow: the running stack consumes
    if t:
        t.start()
    collect()
    deadline = time.monotonic() + timeout_after_load
    settled_since: float | None = None
    while time.monotonic() < deadline and delivered(phase.tag) < phase.expected_total:
        # what never arrives (parked, dead-lettered) is counted as lost, not waited for
        if open_work() == 0:
            settled_since = settled_since or time.monotonic()
            if time.monotonic() - settled_since >= SETTLED_S:
                break
        else:
            settled_since = None
        time.sleep(0.5)
    stop.set()
    if t:
        t.join(timeout=120)
    return measure(phase)


# ---- API simulator process ------------------------------------------------------------------


def start_api(port: int, error_rate: float, throttle_rate: float, seed: int) -> tuple[subprocess.Popen, str]:
    import httpx

    from de06.errors import De06Error

    exe = str(Path(sys.executable).with_name("de06"))
    log = open(os.devnull, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            exe,
            "vneid-api",
            "serve",
            "--port",
            str(port),
            "--error-rate",
            str(error_rate),
            "--throttle-rate",
            str(throttle_rate),
            "--retry-after-s",
            "1",
            "--seed",
            str(seed),
        ],
        stdout=log,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        if proc.poll() is not None:
            raise De06Error(
                f"the VNeID API simulator exited: {(proc.stderr.read() or '').strip()[-200:]}",
                f"free port {port} or pass --api-port",
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise De06Error("the VNeID API simulator did not become healthy in 60 s", "see `de06 vneid-api serve`")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@click.command("push")
@click.option("--rate", default=20.0, show_default=True, help="Visits per second.")
@click.option("--duration", default=60.0, show_default=True, help="Seconds of load.")
@click.option(
    "--path",
    "path_",
    type=click.Choice(["inprocess", "airflow"]),
    default="inprocess",
    show_default=True,
    help="Who reacts to events (see module doc).",
)
@click.option(
    "--peer-interval",
    default=300.0,
    show_default=True,
    help="Tick of the scheduled peer in seconds (0: skip the peer).",
)
@click.option(
    "--ramp",
    default="40,80,160",
    show_default=True,
    help="Rates tried for the highest sustained rate ('' to skip).",
)
@click.option("--ramp-duration", default=20.0, show_default=True)
@click.option("--peer-duration", default=0.0, help="Seconds of load for the peer (0: same as --duration).")
@click.option("--p95-target", default=15.0, show_default=True, help="Seconds (issue 6 target).")
@click.option("--error-rate", default=0.02, show_default=True)
@click.option("--throttle-rate", default=0.01, show_default=True)
@click.option("--people", default=5000, show_default=True, help="Citizens sampled from dancu.")
@click.option("--seed", default=6, show_default=True)
@click.option("--api-port", default=0, help="Port of the API simulator (0: free port; airflow path: 8600).")
def push(
    rate: float,
    duration: float,
    path_: str,
    peer_interval: float,
    ramp: str,
    ramp_duration: float,
    peer_duration: float,
    p95_target: float,
    error_rate: float,
    throttle_rate: float,
    people: int,
    seed: int,
    api_port: int,
) -> None:
    """Benchmark the health-book push: lost/duplicated, latency percentiles, sustained rate, 5-min peer."""
    from de06.bench.common import write_result
    from de06.db import connect, migrate
    from de06.errors import InputError
    from de06.simulators import clinics as C

    if rate <= 0 or duration <= 0:
        raise InputError("--rate and --duration must be positive", "e.g. --rate 20 --duration 60")
    started = datetime.now(UTC)
    migrate.upgrade()
    dancu = connect("dancu")
    try:
        pop = C.sample_people(dancu, people, seed)
    finally:
        dancu.close()
    if not pop["adult"]:
        raise InputError(
            "the population DB has no citizens with a VNeID account", "run `de06 simulate population` first"
        )
    facs = C.facilities()
    b = connect("bhxh")
    C.register_facilities(b, facs)
    b.commit()
    b.close()
    if path_ == "airflow":
        api_port = api_port or 8600
        os.environ.setdefault("DE06_VNEID_API_URL", f"http://127.0.0.1:{api_port}")
    proc, url = start_api(api_port or _free_port(), error_rate, throttle_rate, seed)
    run_tag = f"B{int(time.time()) % 100000:05d}"
    consumer = "event" if path_ == "inprocess" else "airflow"
    try:
        click.echo(f"push bench: {rate}/s for {duration}s via {path_} ...", err=True)
        ours = run_phase(Phase("ours", rate, duration, run_tag + "E"), pop, facs, seed, url, consumer)
        sustained, ramp_out = None, {}
        for i, r in enumerate(float(x) for x in ramp.split(",") if x.strip()):
            click.echo(f"  ramp {r}/s for {ramp_duration}s ...", err=True)
            m = run_phase(
                Phase(f"ramp{r}", r, ramp_duration, f"{run_tag}R{i}"),
                pop,
                facs,
                seed + i + 1,
                url,
                consumer,
                timeout_after_load=120,
            )
            ramp_out[str(r)] = m
            p95 = m["latency_s"]["p95"]
            if (
                m["lost"]
                or m["duplicated"]
                or p95 is None
                or p95 > p95_target
                or m["achieved_rate_per_s"] < 0.9 * r
            ):
                break
            sustained = r
        if (
            ours["lost"] == 0
            and ours["latency_s"]["p95"] is not None
            and ours["latency_s"]["p95"] <= p95_target
        ):
            sustained = max(sustained or 0, rate)
        ours["max_sustained_rate_per_s"] = sustained
        ours["ramp"] = ramp_out
        peers, ratios = {}, {}
        if peer_interval > 0:
            click.echo(f"  scheduled peer (tick {peer_interval}s) ...", err=True)
            peer_phase = Phase("scheduled", rate, peer_duration or duration, run_tag + "S")
            if path_ == "airflow":
                peer = airflow_peer_phase(peer_phase, pop, facs, seed, url, peer_interval)
            else:
                peer = run_phase(
                    peer_phase,
                    pop,
                    facs,
                    seed,
                    url,
                    "scheduled",
                    interval=peer_interval,
                    timeout_after_load=peer_interval + 300,
                )
            peers["scheduled_5min"] = peer
            if ours["latency_s"]["p95"] and peer["latency_s"]["p95"]:
                ratios["scheduled_5min_p95_over_ours"] = round(
                    peer["latency_s"]["p95"] / ours["latency_s"]["p95"], 2
                )
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    params = {
        "rate": rate,
        "duration": duration,
        "path": path_,
        "peer_interval": peer_interval,
        "ramp": ramp,
        "ramp_duration": ramp_duration,
        "peer_duration": peer_duration or duration,
        "peer_consumer": (
            "Airflow: health_push paused, health_push_scheduled (every 5 min) unpaused"
            if path_ == "airflow"
            else f"in-process drain every {peer_interval:g} s"
        ),
        "p95_target": p95_target,
        "error_rate": error_rate,
        "throttle_rate": throttle_rate,
        "people": people,
        "seed": seed,
        "consumer": (
            "in-process: trigger poll (signal_once, 1 s) + drain(); no Airflow scheduler, "
            "triggerer or task start in the path"
        )
        if path_ == "inprocess"
        else "Airflow: AssetWatcher(HealthWorkTrigger) -> health_push DAG run (de06 airflow up)",
        "latency_definition": "vneid received_at - generator's inbox commit time, per entry",
    }
    # the real Airflow path gets its own file so a run of it never overwrites the default one
    path = write_result(
        "push" if path_ == "inprocess" else "push_airflow", params, ours, peers, ratios, started_at=started
    )
    click.echo(path)
