"""``de06 airflow``: Airflow on the project's databases (metadata on the embedded server).

``up`` starts api-server, scheduler, dag-processor and triggerer (LocalExecutor) as background
processes (pid files in ``.local/run/airflow/``, logs in ``.local/logs/airflow/``), waits until
``/api/v2/monitor/health`` is healthy and prints the URL and login; ``down`` stops them.
``DE06_API_PORT`` moves the UI (default 8080).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
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
        raise De06Error(
            f"airflow db migrate failed: {tail[0]}", "run `airflow db migrate` to see the full error"
        )
    marker.write_text("ok")
    click.echo("Airflow metadata database up to date")


def run_up(stack: str, **kw) -> None:
    from de06.runtime import report
    from de06.runtime import stack as st

    click.echo(f"starting {stack} (logs in {st.paths.log_dir(stack)}) ...", err=True)
    t0 = time.monotonic()
    p = st.up(stack, echo=lambda m: click.echo(m, err=True), **kw)
    for line in report.up_lines(stack, p.url, time.monotonic() - t0):
        click.echo(line)


def run_down(stack: str) -> None:
    from de06.runtime import stack as st

    stopped = st.down(stack)
    click.echo(f"{stack}: stopped {', '.join(stopped)}" if stopped else f"{stack}: nothing was running")


def run_status(stack: str, as_json: bool) -> None:
    import json

    from de06.runtime import report
    from de06.runtime import stack as st

    s = st.status(stack)
    if as_json:
        click.echo(json.dumps(s, indent=2, default=str))
    else:
        for line in report.status_lines(s):
            click.echo(line)


@airflow_cmd.command()
def up() -> None:
    """Start api-server, scheduler, dag-processor, triggerer (LocalExecutor); print URL and login."""
    run_up("airflow")


@airflow_cmd.command()
def down() -> None:
    """Stop what `de06 airflow up` started (each component with its whole process tree)."""
    run_down("airflow")


@airflow_cmd.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Show each component's pid, whether it runs, and Airflow's health report."""
    run_status("airflow", as_json)
