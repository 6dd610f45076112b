"""Airflow's environment: the API port is the one setting its URLs follow."""

from __future__ import annotations

import pytest
from de06 import airflow_env

pytestmark = pytest.mark.postgres


def test_stale_exported_urls_follow_the_port(monkeypatch, migrated):
    monkeypatch.setenv("DE06_API_PORT", "18123")
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "http://127.0.0.1:8080/execution/")
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("AIRFLOW__API__PORT", "8080")
    monkeypatch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "True")  # an ordinary setting the user may override
    env = airflow_env.environment()
    assert env["AIRFLOW__API__PORT"] == "18123"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://127.0.0.1:18123/execution/"
    assert env["AIRFLOW__API__BASE_URL"] == "http://127.0.0.1:18123"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "True"
