"""Bad input at start: one clear line naming the component and the fix, nothing left running."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from de06.errors import De06Error
from de06.runtime import broker, components, paths, ports, process, ready, stack

pytestmark = pytest.mark.postgres


@pytest.fixture
def isolated(tmp_path, monkeypatch, migrated):
    """A private run dir and free ports, so a developer's running stack is never touched."""
    monkeypatch.setenv(paths.RUN_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(components.API_PORT_ENV, str(ports.free_port()))
    monkeypatch.setenv(broker.REDIS_PORT_ENV, str(ports.free_port()))
    monkeypatch.delenv(broker.BROKER_URL_ENV, raising=False)
    yield tmp_path
    for name in components.STACKS:
        stack.down(name)


def _nothing_running(stack_name: str) -> bool:
    run = paths.run_dir(stack_name)
    return process.tagged(run) == [] and not any(s.alive() for s in process.recorded(run))


def _listener() -> socket.socket:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    return srv


@pytest.mark.parametrize("stack_name", ["airflow", "cluster"])
def test_api_port_in_use(isolated, monkeypatch, stack_name):
    with _listener() as srv:
        monkeypatch.setenv(components.API_PORT_ENV, str(srv.getsockname()[1]))
        with pytest.raises(De06Error) as err:
            stack.up(stack_name, echo=lambda m: None)
    assert "api-server: port" in err.value.problem and "DE06_API_PORT" in err.value.fix
    assert _nothing_running(stack_name)


def test_redis_port_in_use(isolated, monkeypatch):
    with _listener() as srv:
        monkeypatch.setenv(broker.REDIS_PORT_ENV, str(srv.getsockname()[1]))
        with pytest.raises(De06Error) as err:
            stack.up("cluster", echo=lambda m: None)
    assert err.value.problem.startswith("redis broker: port") and "DE06_REDIS_PORT" in err.value.fix
    assert _nothing_running("cluster")


def test_external_broker_down_at_start(isolated, monkeypatch):
    dead = f"redis://127.0.0.1:{ports.free_port()}/0"
    monkeypatch.setenv(broker.BROKER_URL_ENV, dead)
    with pytest.raises(De06Error) as err:
        stack.up("cluster", echo=lambda m: None)
    assert err.value.problem == f"redis broker at {dead} is not reachable"
    assert broker.BROKER_URL_ENV in err.value.fix
    assert _nothing_running("cluster")


def test_worker_that_cannot_reach_the_broker(isolated):
    """A real Celery worker pointed at a dead broker: named in one line, and stopped."""
    from de06 import airflow_env

    dead = f"redis://127.0.0.1:{ports.free_port()}/0"
    env = components.stack_env(
        "cluster",
        {**os.environ, **airflow_env.environment()},
        port=components.api_port(),
        broker_url=dead,
        result_backend="db+postgresql+psycopg2://nobody@127.0.0.1:1/airflow",
    )
    w = components.worker_components(components.workers(1, 1))[0]
    run, logs = paths.run_dir("cluster"), paths.log_dir("cluster")
    s = process.start(run, logs, w.name, w.argv, {**env, **w.env}, isolated)
    try:
        with pytest.raises(De06Error) as err:
            ready.wait_until(lambda: "waiting", timeout=90, watch=[s], component="worker1", fix="-")
    finally:
        process.stop_all(run)
    assert err.value.problem.startswith("worker1 cannot reach the Celery broker"), err.value.problem
    assert "BROKER_URL" in err.value.fix
    assert "\n" not in err.value.line()
    assert _nothing_running("cluster")


def test_cli_prints_one_line(isolated, monkeypatch):
    import subprocess

    with _listener() as srv:
        monkeypatch.setenv(components.API_PORT_ENV, str(srv.getsockname()[1]))
        out = subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "de06"), "airflow", "up"],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            timeout=120,
        )
    assert out.returncode == 1
    errors = [ln for ln in out.stderr.splitlines() if ln.startswith("de06: error:")]
    assert len(errors) == 1 and "api-server: port" in errors[0] and "Traceback" not in out.stderr
