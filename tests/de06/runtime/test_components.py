"""The stacks' environment and process lists (pure functions)."""

from __future__ import annotations

import pytest
from de06.runtime import components, hostname

pytestmark = pytest.mark.unit


def test_port_drives_every_url_even_when_stale_values_are_exported():
    stale = {
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": "http://127.0.0.1:8080/execution/",
        "AIRFLOW__API__PORT": "8080",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
    }
    port = components.api_port({"DE06_API_PORT": "18999"})
    env = components.stack_env(
        "cluster",
        dict(stale),
        port=port,
        broker_url="redis://127.0.0.1:1/0",
        result_backend="db+x",
        user=stale,
    )
    assert env["AIRFLOW__API__PORT"] == "18999"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18999/execution/"
    assert env["AIRFLOW__API__BASE_URL"] == "http://127.0.0.1:18999"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://127.0.0.1:1/0"
    local = components.stack_env("airflow", dict(stale), port=port, user=stale)
    assert local["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert "AIRFLOW__CELERY__BROKER_URL" not in local


def test_user_tunables_win_but_defaults_apply():
    env = components.stack_env("airflow", {}, port=1, user={"AIRFLOW__API__WORKERS": "3"})
    assert env["AIRFLOW__API__WORKERS"] == "3"
    assert env["AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT"] == "60"


def test_other_airflow_settings_the_caller_exported_reach_the_components():
    """The components start with this environment only: an exported ``AIRFLOW__*`` setting reaches
    them (the benchmark's ``AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE=False``, without which a fresh
    metadata DB got a scheduled run beside the benchmark's own), but not over what the stack fixes."""
    user = {
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
        "AIRFLOW__API__PORT": "1",
        "DE06_UNRELATED": "x",
    }
    env = components.stack_env(
        "cluster", {}, port=18998, broker_url="redis://127.0.0.1:1/0", result_backend="db+x", user=user
    )
    assert env["AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE"] == "False"
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__API__PORT"] == "18998"
    assert "DE06_UNRELATED" not in env


def test_bad_port_is_one_clear_error():
    from de06.errors import ConfigError

    with pytest.raises(ConfigError, match="DE06_API_PORT"):
        components.api_port({"DE06_API_PORT": "eighty"})


def test_result_backend_keeps_the_socket_host():
    uri = "postgresql+psycopg2://postgres@/airflow?host=/tmp/pg-x&port=5432"
    assert (
        components.result_backend(uri)
        == "db+postgresql+psycopg2://postgres@/airflow?host=/tmp/pg-x&port=5432"
    )
    assert (
        components.result_backend("postgresql://u@h:5432/airflow")
        == "db+postgresql+psycopg2://u@h:5432/airflow"
    )


def test_workers_have_distinct_names_and_push_queue_on_the_first():
    ws = components.workers(3, 2)
    assert [w.name for w in ws] == ["worker1", "worker2", "worker3"]
    assert ws[0].queues == ("default", "push") and ws[1].queues == ("default",)
    argv = components.worker_components(ws)[1].argv
    assert argv[argv.index("--celery-hostname") + 1] == "worker2@%h"
    assert argv[argv.index("--queues") + 1] == "default"
    assert components.worker_components(ws)[1].env == {"DE06_WORKER_NAME": "worker2"}


def test_hostname_callable(monkeypatch):
    monkeypatch.delenv(hostname.WORKER_NAME_ENV, raising=False)
    plain = hostname.get_hostname()
    monkeypatch.setenv(hostname.WORKER_NAME_ENV, "worker7")
    named = hostname.get_hostname()
    assert named.startswith("worker7-") and named != plain
