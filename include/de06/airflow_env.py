"""The environment Airflow runs in: home, metadata DB on the same server, connections.

Used by the Makefile (``eval "$(de06 env --shell)"``), the tests and ``de06 airflow``.
Variables already set by the user win over these defaults.
"""

from __future__ import annotations

import os

from de06 import config
from de06.db import conn, server
from de06.runtime.components import api_port  # one reading of DE06_API_PORT, with its error line


def environment(start: bool = True) -> dict[str, str]:
    port = api_port()  # first: DE06_API_PORT=abc is one line, before a server is started for nothing
    root = config.root()
    home = config.airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    info = server.info(start=start)
    env = {
        "DE06_HOME": str(root),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(root / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port}",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": info.sqlalchemy_uri("airflow"),
        "AIRFLOW__DATABASE__LOAD_DEFAULT_CONNECTIONS": "False",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "10",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
        # new DAGs start paused, as in a fresh Airflow: starting the UI must not fire every schedule
        # at once (a full cleansing, a retention prune, a Friday report without its letter)
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__API_AUTH__JWT_SECRET": "de06-local-jwt-secret-change-me",
        "AIRFLOW__API__SECRET_KEY": "de06-local-secret-change-me",
        "AIRFLOW__CORE__FERNET_KEY": "",
        "NO_PROXY": "*",
    }
    for cid in conn.CONN_IDS:
        env[conn.env_var(cid)] = conn.dsn(cid, start=start)
    # Values the user set explicitly win, except those derived from the API port: a stale exported
    # EXECUTION_API_SERVER_URL that disagrees with the port makes every task fail before it
    # starts, so the port (DE06_API_PORT) is the one setting and the URLs always follow it.
    follows_port = {"DE06_HOME", "AIRFLOW__API__PORT", "AIRFLOW__API__BASE_URL",
                    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL"}  # fmt: skip
    return {k: v if k in follows_port else os.environ.get(k, v) for k, v in env.items()}


def apply(start: bool = True) -> dict[str, str]:
    """Put the environment into ``os.environ`` (before Airflow is imported)."""
    env = environment(start=start)
    os.environ.update(env)
    return env
