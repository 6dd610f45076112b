"""docker-compose.yaml: no Docker engine runs here, so the file is parsed and checked instead."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from de06 import config
from de06.db.conn import CONN_IDS

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yaml"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)
LONG_RUNNING = ("postgres", "redis", *AIRFLOW_SERVICES, "vneid-api")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-((?:[^{}]|\{[^{}]*\})*))?\}")

pytestmark = pytest.mark.unit


def interpolate(value: str, env: dict[str, str] | None = None) -> str:
    """Compose-style ``${VAR}`` / ``${VAR:-default}`` substitution (nested defaults), ``$$`` -> ``$``."""
    env = env or {}
    text = value.replace("$$", "\0")
    for _ in range(5):
        new = _VAR.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), text)
        if new == text:
            break
        text = new
    return text.replace("\0", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_interpolation_helper():
    assert interpolate("${A:-x${B:-y}z}") == "xyz"
    assert interpolate("${A:-x}", {"A": "set"}) == "set"
    assert interpolate("$${HOSTNAME}") == "${HOSTNAME}"


def test_every_service_of_the_stack_is_there(services):
    for name in (*LONG_RUNNING, "airflow-init"):
        assert name in services, name


def test_images(services):
    assert services["postgres"]["image"].endswith("pg18")
    assert services["redis"]["image"].startswith("redis:")
    images = {interpolate(services[s]["image"]) for s in (*AIRFLOW_SERVICES, "airflow-init", "vneid-api")}
    assert len(images) == 1, images
    for s in (*AIRFLOW_SERVICES, "airflow-init", "vneid-api"):
        assert services[s]["build"]["dockerfile"] == "docker/Dockerfile"
        assert (ROOT / services[s]["build"]["context"] / services[s]["build"]["dockerfile"]).is_file()


def test_dockerfile_extends_the_official_image_and_installs_from_the_lock():
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert "apache/airflow:3.3.0-python3.11" in text
    assert re.search(r"uv export --frozen", text)
    assert "COPY --chown=airflow:0 pyproject.toml uv.lock" in text


def test_healthchecks_on_every_long_running_service(services):
    for name in LONG_RUNNING:
        hc = services[name].get("healthcheck")
        assert hc and hc.get("test"), f"{name} has no healthcheck"
        assert hc.get("interval") and hc.get("retries"), name


def test_depends_on_waits_for_health(services):
    for name, svc in services.items():
        for dep, cond in (svc.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            condition = cond["condition"]
            if dep == "airflow-init":
                assert condition == "service_completed_successfully", name
            else:
                assert condition == "service_healthy", f"{name} -> {dep}"
                assert "healthcheck" in services[dep], dep
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert {"postgres", "redis", "airflow-init"} <= set(deps), name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_shared_configuration(services):
    envs = [services[s]["environment"] for s in (*AIRFLOW_SERVICES, "airflow-init", "vneid-api")]
    for env in envs:
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        db = urlsplit(interpolate(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]))
        assert (db.hostname, db.path) == ("postgres", "/airflow")
        broker = urlsplit(interpolate(env["AIRFLOW__CELERY__BROKER_URL"]))
        assert broker.scheme == "redis" and broker.hostname == "redis"
        api = urlsplit(interpolate(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]))
        assert api.hostname == "airflow-apiserver" and api.path == "/execution/"
        assert urlsplit(interpolate(env["DE06_PG_DSN"])).hostname == "postgres"
    # one definition shared through the x-airflow-common anchor, not copies that drift apart
    assert all(
        e["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == envs[0]["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        for e in envs
    )
    raw = COMPOSE.read_text()
    assert "x-airflow-common: &airflow-common" in raw
    assert raw.count("AIRFLOW__CORE__EXECUTOR:") == 1


def test_a_connection_for_every_system(services):
    for name in (*AIRFLOW_SERVICES, "vneid-api"):
        env = services[name]["environment"]
        for conn_id in CONN_IDS:
            key = f"AIRFLOW_CONN_{conn_id.upper()}"
            assert key in env, f"{name} lacks {key}"
            uri = urlsplit(interpolate(str(env[key])))
            database, role = CONN_IDS[conn_id]
            assert uri.scheme == "postgresql" and uri.hostname == "postgres", key
            assert uri.path == f"/{database}", key
            if role:
                assert uri.username == role, key
        for system in config.SYSTEMS:
            assert f"AIRFLOW_CONN_{system.upper()}" in env
        # overridable from .env
        assert interpolate(str(env["AIRFLOW_CONN_LLTP"]), {"AIRFLOW_CONN_LLTP": "postgresql://x@h/l"}) == (
            "postgresql://x@h/l"
        )


def test_worker_is_scalable_and_serves_both_queues(services):
    worker = services["airflow-worker"]
    assert "container_name" not in worker
    assert not worker.get("ports"), "a host port would make --scale collide"
    cmd = worker["command"] if isinstance(worker["command"], str) else " ".join(worker["command"])
    assert cmd.startswith("celery worker")
    queues = re.search(r"--queues[ =](\S+)", cmd).group(1).split(",")
    assert set(queues) == {"default", "push"}
    assert not any("container_name" in s for s in services.values())


def test_postgres_init_creates_every_database():
    init = ROOT / "docker" / "postgres" / "01-de06-databases.sh"
    text = init.read_text()
    for db in (*config.SYSTEMS, *config.AUX_DATABASES):
        assert f"'{db}'" in text, db
    assert config.DANCU_READER in text


def test_vneid_simulator_service(services):
    api = services["vneid-api"]
    cmd = " ".join(api["command"]) if isinstance(api["command"], list) else api["command"]
    assert "de06 vneid-api serve" in cmd and "--host 0.0.0.0" in cmd
    assert "/healthz" in " ".join(api["healthcheck"]["test"])
    assert any(interpolate(str(p)).endswith(":8600") for p in api["ports"])
