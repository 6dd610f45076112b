"""``up`` / ``down`` / ``status`` of a local Airflow stack (``airflow`` or ``cluster``).

``up`` starts everything, waits until Airflow's own health endpoint reports every component
healthy (and, for the cluster, until every Celery worker answers a ping through the broker), and
on any failure stops whatever it started before raising one line naming the component and fix.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from de06 import config
from de06.errors import De06Error
from de06.runtime import broker, components, paths, ports, process, ready
from de06.runtime.components import AIRFLOW_STACK, CLUSTER_STACK

ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin"
START_TIMEOUT_S = float(os.environ.get("DE06_START_TIMEOUT", "240"))
WORKER_TIMEOUT_S = 120.0
STACK_FILE = "stack.json"


@dataclass
class Plan:
    """Everything ``up`` needs, resolved from the environment (no processes touched)."""

    stack: str
    port: int
    env: dict[str, str]
    components: list[components.Component]
    workers: list[components.Worker] = field(default_factory=list)
    broker_url: str | None = None
    bundled_broker_port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def plan(stack: str, n_workers: int | None = None, concurrency: int | None = None) -> Plan:
    from de06 import airflow_env
    from de06.db import server

    port = components.api_port()
    base = airflow_env.environment()
    if stack == AIRFLOW_STACK:
        env = components.stack_env(stack, base, port=port)
        return Plan(stack, port, env, components.core_components())
    n = (
        n_workers
        if n_workers is not None
        else int(os.environ.get(components.WORKERS_ENV, components.DEFAULT_WORKERS))
    )
    c = (
        concurrency
        if concurrency is not None
        else int(os.environ.get(components.CONCURRENCY_ENV, components.DEFAULT_CONCURRENCY))
    )
    if n < 1:
        raise De06Error(f"{n} workers requested", "ask for at least 1 worker")
    ext = broker.external_url()
    bport = None if ext else broker.redis_port()
    burl = ext or broker.url(bport)
    backend = components.result_backend(server.info().sqlalchemy_uri("airflow"))
    env = components.stack_env(stack, base, port=port, broker_url=burl, result_backend=backend)
    ws = components.workers(n, c)
    comps = components.core_components() + components.worker_components(ws)
    return Plan(stack, port, env, comps, ws, burl, bport)


def other(stack: str) -> str:
    return CLUSTER_STACK if stack == AIRFLOW_STACK else AIRFLOW_STACK


def live(stack: str) -> list[process.Started]:
    return [s for s in process.recorded(paths.run_dir(stack)) if s.alive()]


def write_passwords(home: Path) -> Path:
    """Pre-write SimpleAuthManager's passwords file so the login is ``admin`` / ``admin``.

    SimpleAuthManager reads ``[core] simple_auth_manager_passwords_file`` and generates a password
    only for users missing from it.
    """
    f = home / "passwords.json"
    try:
        current = json.loads(f.read_text() or "{}")
    except (FileNotFoundError, ValueError):
        current = {}
    if current.get(ADMIN_USER) != ADMIN_PASSWORD:
        current[ADMIN_USER] = ADMIN_PASSWORD
        f.write_text(json.dumps(current) + "\n")
    return f


def _ensure_migrated(env: dict[str, str]) -> None:
    marker = config.airflow_home() / ".db-migrated"
    if marker.exists():
        return
    out = subprocess.run([components.airflow_bin(), "db", "migrate"], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no output"]
        raise De06Error(
            f"airflow db migrate failed: {tail[0][:200]}", "run `airflow db migrate` to see the full error"
        )
    marker.write_text("ok")


def _start_broker(p: Plan, run: Path, logs: Path) -> process.Started | None:
    if p.bundled_broker_port is None:
        broker.require_reachable(p.broker_url or "")
        return None
    ports.require_free(p.bundled_broker_port, "redis broker", broker.REDIS_PORT_ENV)
    s = process.start(
        run, logs, "redis", broker.server_argv(p.bundled_broker_port, paths.redis_dir()), p.env, config.root()
    )
    ready.wait_until(
        lambda: broker.ping(p.broker_url or "") or "no PONG",
        timeout=15,
        watch=[s],
        component="redis broker",
        fix=f"read {s.log}; set {broker.REDIS_PORT_ENV} to a free port if it is taken",
    )
    return s


def _worker_check(p: Plan, started: dict[str, process.Started]):
    """A readiness check: every worker answers ping; a worker that logs a broker error fails fast."""
    from celery import Celery

    app = Celery(broker=p.broker_url)
    app.conf.broker_connection_retry_on_startup = False
    app.conf.broker_connection_timeout = 2
    host = socket.gethostname()
    wanted = {f"{w.name}@{host}": w.name for w in p.workers}

    def check() -> bool | str:
        for w in p.workers:
            s = started[w.name]
            bad = process.last_lines(s.log, 1, ("cannot connect to", "consumer: cannot connect"))
            if bad and "cannot connect" in bad[0].lower():
                raise ready.ComponentFailed(
                    f"{w.name} cannot reach the broker at {p.broker_url}",
                    f"check the broker (`de06 cluster status`, log {paths.log_dir(p.stack)}/redis.log) "
                    "and that the worker's AIRFLOW__CELERY__BROKER_URL points at it",
                )
        try:
            replies = app.control.ping(timeout=1.0)
        except Exception as exc:  # broker errors surface here as kombu/redis exceptions
            return f"ping failed: {type(exc).__name__}"
        seen = {name for r in replies for name in r}
        missing = [v for k, v in wanted.items() if k not in seen]
        return True if not missing else "no answer from " + ", ".join(missing)

    return check


def _create_pool(env: dict[str, str], run: Path, logs: Path) -> process.Started:
    argv = [
        components.airflow_bin(),
        "pools",
        "set",
        components.PUSH_POOL,
        str(components.PUSH_POOL_SLOTS),
        "push flow: health-book micro-batches, kept apart from cleansing",
    ]
    return process.start(run, logs, "pools", argv, env, config.root())


def up(stack: str, n_workers: int | None = None, concurrency: int | None = None, echo=print) -> Plan:
    """Start ``stack``; return its plan. Raises :class:`De06Error` (and leaves nothing running)."""
    if live(other(stack)):
        cmd = "airflow" if other(stack) == AIRFLOW_STACK else "cluster"
        raise De06Error(
            f"the {other(stack)} stack is running on the same metadata database",
            f"run `de06 {cmd} down` first",
        )
    running = live(stack)
    if running:
        names = ", ".join(s.name for s in running)
        raise De06Error(
            f"the {stack} stack is already (partly) running: {names}",
            f"use it, or run `de06 {stack} down` first",
        )
    p = plan(stack, n_workers, concurrency)
    run, logs = paths.run_dir(stack), paths.log_dir(stack)
    for s in process.recorded(run):  # stale pid files of dead processes
        process.pid_file(run, s.name).unlink(missing_ok=True)
    ports.require_free(p.port, "api-server", components.API_PORT_ENV)
    _ensure_migrated(p.env)
    write_passwords(Path(p.env["AIRFLOW_HOME"]))
    started: dict[str, process.Started] = {}
    try:
        if stack == CLUSTER_STACK:
            b = _start_broker(p, run, logs)
            if b:
                started["redis"] = b
                echo(f"  redis broker     {p.broker_url}")
        pools = _create_pool(p.env, run, logs)
        for c in p.components:
            started[c.name] = process.start(run, logs, c.name, c.argv, {**p.env, **c.env}, config.root())
        core = [started[n] for n in components.CORE] + ([started["redis"]] if "redis" in started else [])
        workers = [started[w.name] for w in p.workers]
        t0 = time.monotonic()
        ready.wait_until(
            lambda: ready.health_state(
                ready.http_json(f"{p.url}/api/v2/monitor/health"), components.HEALTH_COMPONENTS
            ),
            timeout=START_TIMEOUT_S,
            watch=core + workers,
            component="airflow",
            fix=f"read the logs in {logs}",
        )
        echo(f"  airflow healthy  in {time.monotonic() - t0:.0f} s")
        if p.workers:
            ready.wait_until(
                _worker_check(p, started),
                timeout=WORKER_TIMEOUT_S,
                watch=core + workers,
                component="celery workers",
                fix=f"read {logs}/worker*.log",
            )
            echo(
                f"  celery workers   {', '.join(w.name + ' [' + ','.join(w.queues) + ']' for w in p.workers)}"
            )
        _finish_pool(pools, run)
        meta = {
            "url": p.url,
            "port": p.port,
            "broker_url": p.broker_url,
            "workers": [
                {"name": w.name, "queues": list(w.queues), "concurrency": w.concurrency} for w in p.workers
            ],
        }
        (run / STACK_FILE).write_text(json.dumps(meta))
    except BaseException:
        process.stop_all(run, order=_order(run), timeout=10)
        raise
    return p


def _finish_pool(pools: process.Started, run: Path) -> None:
    deadline = time.monotonic() + 60
    while pools.alive() and time.monotonic() < deadline:
        time.sleep(0.3)
    tail = process.last_lines(pools.log, 1, ("error",))
    process.stop(run, "pools", timeout=2)
    if tail and "error" in tail[0].lower():
        raise De06Error(
            f"creating the pool {components.PUSH_POOL!r} failed: {tail[0][:200]}", f"read {pools.log}"
        )


def _order(run: Path) -> list[list[str]]:
    """Stop waves: workers (their tasks end first), then Airflow's components, then the broker."""
    names = [s.name for s in process.recorded(run)]
    workers = [n for n in names if n.startswith("worker")]
    broker_ = [n for n in names if n == "redis"]
    return [workers, [n for n in names if n not in workers and n not in broker_], broker_]


def down(stack: str) -> list[str]:
    """Stop every process of ``stack`` (workers first, broker last); the names stopped."""
    run = paths.run_dir(stack)
    stopped = process.stop_all(run, order=_order(run), timeout=20)
    (run / STACK_FILE).unlink(missing_ok=True)
    return stopped


def info(stack: str) -> dict:
    """What ``up`` recorded: url, port, broker_url, workers (empty when not up)."""
    try:
        return json.loads((paths.run_dir(stack) / STACK_FILE).read_text())
    except (FileNotFoundError, ValueError):
        return {}


def status(stack: str) -> dict:
    """Per component: pid and alive; plus Airflow's health report when the api-server answers."""
    run = paths.run_dir(stack)
    rec = process.recorded(run)
    comps = {s.name: {"pid": s.pid, "alive": s.alive(), "log": s.log} for s in rec}
    out: dict = {"stack": stack, "components": comps}
    meta = info(stack)
    if any(v["alive"] for v in comps.values()) and meta:
        out["url"] = meta["url"]
        out["health"] = ready.http_json(f"{meta['url']}/api/v2/monitor/health")
        if meta.get("workers") and meta.get("broker_url"):
            out["broker_url"] = meta["broker_url"]
            out["broker_ok"] = broker.ping(meta["broker_url"])
            out["workers_answering"] = ping_workers(meta["broker_url"]) if out["broker_ok"] else []
    return out


def ping_workers(broker_url: str, timeout: float = 1.5) -> list[str]:
    """Celery node names (``workerN@host``) that answer a ping through the broker."""
    from celery import Celery

    app = Celery(broker=broker_url)
    app.conf.broker_connection_retry_on_startup = False
    try:
        return sorted(name for r in app.control.ping(timeout=timeout) for name in r)
    except Exception:
        return []
    finally:
        app.close()
