"""``de06 airflow``: Airflow on the project's databases (metadata on the embedded server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from de06.errors import De06Error


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


@click.group("airflow")
def airflow_cmd() -> None:
    """Run Airflow against the project's databases."""


@airflow_cmd.command()
def migrate() -> None:
    """Create or upgrade Airflow's metadata database (idempotent)."""
    from de06 import airflow_env, config

    env = {**os.environ, **airflow_env.environment()}
    marker = config.airflow_home() / ".db-migrated"
    out = subprocess.run([airflow_bin(), "db", "migrate"], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-1:] or ["no output"]
        raise De06Error(f"airflow db migrate failed: {tail[0]}", "run `airflow db migrate` to see the full error")
    marker.write_text("ok")
    click.echo("Airflow metadata database up to date")
