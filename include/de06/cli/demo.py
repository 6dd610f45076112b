"""``de06 demo``: the main job on the embedded default, end to end.

Builds the simulated world at demo size (reused when it already exists), starts the VNeID API
simulator for those runs (it stops with the demo), runs the flows' DAGs once each with ``airflow
dags test`` (``DEMO_DAGS``; not ``lltp_retention``, which prunes history, nor the benchmark's
``bench_noop_mapped``), each in its own process with its log under ``.local/logs/demo/``, and
prints a summary of the outcomes (quarantine and parked: open rows only), where the data-quality
reports are, and the commands to look further ("Next:").
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import click

from de06.cli.sim_world import size_option

#: DAGs in the order the demo runs them, with the conf each run gets.
DEMO_DAGS: tuple[tuple[str, dict], ...] = (
    ("lltp_cleanse", {}),
    ("qp_convictions_sync", {}),
    ("health_push", {"idle_exit_s": 0}),
    ("health_dlq_replay", {}),
    ("health_push_scheduled", {}),
    ("friday_report", {}),
)


def _dag_ids() -> set[str]:
    from de06 import config

    return {p.stem for p in (config.root() / "dags").glob("*.py")}


def run_dag(dag_id: str, conf: dict, env: dict[str, str], log_dir: Path) -> tuple[str, float, Path]:
    """Run one DAG with ``airflow dags test``; returns (state, seconds, log path)."""
    log = log_dir / f"{dag_id}.log"
    airflow = str(Path(sys.executable).with_name("airflow"))
    cmd = [airflow, "dags", "test", dag_id]
    if conf:
        cmd += ["-c", json.dumps(conf)]
    t0 = time.monotonic()
    with log.open("w") as fh:
        rc = subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT).returncode
    state = latest_run_state(dag_id) if rc == 0 else "failed"
    return state, time.monotonic() - t0, log


def latest_run_state(dag_id: str) -> str:
    """State of the DAG's newest run, from Airflow's own metadata (not from its log text)."""
    import psycopg2

    from de06.db import server

    conn = psycopg2.connect(server.info().uri("airflow"))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT state FROM dag_run WHERE dag_id = %s ORDER BY id DESC LIMIT 1", (dag_id,))
            row = cur.fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else "missing"


def _count(conn_id: str, sql: str) -> list[tuple]:
    import psycopg2

    from de06.db import connect

    conn = connect(conn_id)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    except psycopg2.ProgrammingError:  # a table or column a flow has not created yet: line left out
        return []
    finally:
        conn.close()


def summary_lines() -> list[str]:
    lines = []
    rows = _count(
        "lltp",
        "SELECT outcome, count(*) FROM record_current GROUP BY 1 ORDER BY 1",
    )
    total = _count("lltp", "SELECT count(*) FROM judicial_record")
    if rows:
        parts = ", ".join(f"{k} {v:,}" for k, v in rows)
        lines.append(f"judicial records  {total[0][0]:,} in, current outcome: {parts}")
    rows = _count(
        "lltp", "SELECT count(*) FILTER (WHERE expunged), count(*) FROM conviction WHERE source = 'qp'"
    )
    rows2 = _count("lltp", "SELECT status, count(*) FROM qp_sync_run GROUP BY 1 ORDER BY 1")
    # open rows only, as `de06 sync status` counts them: a replayed sheet and an applied
    # expungement stay in their tables but need nobody any more
    q = _count("lltp", "SELECT count(*) FROM qp_quarantine WHERE resolved_at IS NULL")
    pk = _count("lltp", "SELECT count(*) FROM qp_parked_expungement WHERE applied_at IS NULL")
    if rows:
        lines.append(
            f"military courts   {rows[0][1]:,} convictions synced ({rows[0][0]:,} expunged), "
            f"open quarantine {q[0][0] if q else 0:,}, open parked expungements {pk[0][0] if pk else 0:,}, "
            f"sync runs {', '.join(f'{s} {n}' for s, n in rows2)}"
        )
    rows = _count("bhxh", "SELECT status, count(*) FROM outbox_item GROUP BY 1 ORDER BY 1")
    subs = _count("bhxh", "SELECT status, count(*) FROM submission GROUP BY 1 ORDER BY 1")
    if rows or subs:
        lines.append(
            "health book       submissions "
            + ", ".join(f"{s} {n:,}" for s, n in subs)
            + "; entries "
            + ", ".join(f"{s} {n:,}" for s, n in rows)
        )
    lat = _count(
        "bhxh",
        """SELECT latency_p50_s, latency_p95_s, latency_p99_s FROM push_run
           WHERE latency_p95_s IS NOT NULL AND acked > 0 ORDER BY started_at DESC LIMIT 1""",
    )
    if lat:
        lines.append(
            f"push latency      p50 {lat[0][0]:.1f}s  p95 {lat[0][1]:.1f}s  p99 {lat[0][2]:.1f}s"
            " (received→acked; in the demo the visits wait in the inbox from the world build until the"
            " DAG runs)"
        )
    dq = _count(
        "lltp",
        """SELECT DISTINCT ON (dataset) dataset, passed, score_overall FROM dq_result
           ORDER BY dataset, created_at DESC""",
    )
    if dq:
        lines.append(
            "data quality      "
            + ", ".join(f"{d} {float(s or 0):.0f}{'' if ok else ' (breached)'}" for d, ok, s in dq)
            + "  (latest validation per dataset, overall score 0-100)"
        )
    return lines


def report_paths() -> list[str]:
    from de06 import config

    out = []
    from de06.quality import paths

    for p in (paths.scorecard_dir() / "index.html", paths.docs_dir() / "index.html"):
        if p.exists():
            out.append(str(p))
    friday = sorted((config.local_dir() / "reports" / "friday").glob("*/index.html"))
    if friday:
        out.append(str(friday[-1]))
    return out


def _build_reports() -> None:
    """Data Docs and the scorecard from every validation kept so far."""
    from de06.quality import docs, scorecard

    try:
        docs.rebuild()
        scorecard.build()
    except Exception as exc:  # the runs' own results are kept; say what failed and go on
        click.echo(f"== reports: could not rebuild ({type(exc).__name__}: {exc})", err=True)


def _de06() -> str:
    """How to call this ``de06`` from here: the bare name when it is the one on PATH, else its path
    (relative when under the current folder)."""
    import shutil

    exe = Path(sys.executable).with_name("de06")
    if not exe.exists():
        return "de06"
    on_path = shutil.which("de06")
    if on_path and Path(on_path).resolve() == exe.resolve():
        return "de06"
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return str(exe)


def next_lines() -> list[str]:
    """What to look at after the demo: real commands, the certificate example on a citizen who has
    a conviction (by citizen_id, never by personal ID)."""
    from de06 import config

    de06 = _de06()
    make = "make" if Path.cwd().resolve() == config.root().resolve() else f"make -C {config.root()}"
    linked = _count(
        "lltp",
        "SELECT citizen_id FROM conviction WHERE citizen_id IS NOT NULL ORDER BY conviction_id LIMIT 1",
    )
    citizen = f"id:{linked[0][0]}" if linked else "<12-digit personal ID>"
    rows = [
        (f"{make} airflow", "the Airflow UI on these databases (prints the URL and login)"),
        (f"{de06} review list", "doubtful matches waiting for a person (then review show / decide)"),
        (f"{de06} sync status", "military-court sync: last runs, open quarantine and parked"),
        (f"{de06} certificate preview --citizen {citizen} --form 2", "what a certificate states (masked)"),
        (f"{de06} vneid-api serve", "the VNeID API simulator again (the demo's one has stopped)"),
    ]
    width = max(len(c) for c, _ in rows) + 2
    return [f"{c.ljust(width)}{what}" for c, what in rows]


@click.command()
@size_option("World size (as `de06 simulate world --size`).")
@click.option("--seed", type=int, default=1, show_default=True, help="Simulator seed.")
@click.option("--skip-world", is_flag=True, help="Use the databases as they are.")
@click.pass_context
def demo(ctx: click.Context, size: str, seed: int, skip_world: bool) -> None:
    """Build the demo world, run the flows' DAGs once end to end, print the outcome counts."""
    from de06 import airflow_env, config
    from de06.cli.sim_world import build_world
    from de06.db import migrate
    from de06.simulators.vneid_api import serve_in_thread

    airflow_env.api_port()  # before any work: the DAG runs' environment is built from it
    migrate.upgrade()
    if not skip_world:
        click.echo(f"== building the simulated world ({size}); an existing one is reused")
        build_world(ctx, size, seed)
    log_dir = config.local_dir() / "logs" / "demo"
    log_dir.mkdir(parents=True, exist_ok=True)
    present = _dag_ids()
    failed = []
    with serve_in_thread(port=0) as api_url:
        env = {**os.environ, **airflow_env.environment(), "DE06_VNEID_API_URL": api_url}
        click.echo(f"== VNeID API simulator at {api_url} (for these DAG runs; it stops when the demo ends)")
        for dag_id, conf in DEMO_DAGS:
            if dag_id not in present:
                continue
            click.echo(f"== {dag_id} ...", nl=False)
            state, secs, log = run_dag(dag_id, conf, env, log_dir)
            click.echo(f" {state} in {secs:.0f}s  (log: {log})")
            if state != "success":
                failed.append(dag_id)
    _build_reports()
    click.echo("\n== summary")
    for line in summary_lines():
        click.echo("  " + line)
    paths = report_paths()
    click.echo("\n== data-quality reports")
    for p in paths or ["(none built yet)"]:
        click.echo("  " + p)
    click.echo("\nNext:")
    for line in next_lines():
        click.echo("  " + line)
    if failed:
        from de06.errors import De06Error

        raise De06Error(f"DAG run(s) failed: {', '.join(failed)}", f"read the logs in {log_dir}")
