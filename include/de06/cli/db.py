"""``de06 db``: the embedded server and migrations; ``de06 env``: environment for Airflow."""

from __future__ import annotations

import shlex

import click


@click.group()
def db() -> None:
    """Start, stop and migrate the databases (embedded PostgreSQL 18 unless DE06_PG_DSN is set)."""


@db.command()
def start() -> None:
    """Start the embedded PostgreSQL (no-op when running or when DE06_PG_DSN is set)."""
    from de06.db import server

    info = server.info(start=True)
    click.echo(f"PostgreSQL ({info.kind}) ready at {info.host}:{info.port}")


@db.command()
def stop() -> None:
    """Stop the embedded PostgreSQL."""
    from de06.db import server

    click.echo("stopped" if server.stop_embedded() else "not running")


@db.command()
def upgrade() -> None:
    """Create the databases and apply pending migrations (idempotent)."""
    from de06.db import migrate

    applied = migrate.upgrade()
    n = sum(len(v) for v in applied.values())
    for dbname, files in applied.items():
        for f in files:
            click.echo(f"applied {dbname}/{f}")
    click.echo(f"{n} migration(s) applied; schema up to date")


@db.command()
def status() -> None:
    """Whether the server runs, and each database's migrations: applied or pending. Never starts
    the embedded server (exit 1 when it is not running)."""
    from de06.db import migrate, server

    info = server.info(start=False)  # a stopped embedded server: one line saying so, and the fix
    click.echo(f"PostgreSQL ({info.kind}) at {info.host}:{info.port}")
    for dbname, rows in migrate.status().items():
        for version, name, ok in rows:
            click.echo(f"{dbname:7} {version:03d} {name:40} {'applied' if ok else 'PENDING'}")


@click.command()
@click.option("--shell", "shell", is_flag=True, help="Print `export` lines for a POSIX shell.")
def env(shell: bool) -> None:
    """Print the environment every process needs: AIRFLOW_HOME, metadata DB, connections."""
    from de06.airflow_env import environment

    for k, v in environment().items():
        click.echo(f"export {k}={shlex.quote(v)}" if shell else f"{k}={v}")
