"""``de06 health``: validate clinic submissions, drain the push flow by hand, show its status;
``de06 dlq``: list and replay dead letters."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from de06.cli import LIMIT, ROW_ID
from de06.health.knobs import BOUNDS, DEAD_LETTER_STATUS, DEFAULTS


def _files(paths: tuple[str, ...]) -> tuple[list[Path], list[str]]:
    files, unreadable = [], []
    for raw in paths:
        if not raw.strip():
            unreadable.append(raw)  # "" would be read as the current folder
            continue
        p = Path(raw)
        if p.is_dir():
            try:
                files.extend(sorted(f for f in p.rglob("*") if f.is_file()))
            except OSError:
                unreadable.append(raw)
        elif p.is_file():
            files.append(p)
        else:
            unreadable.append(raw)
    return files, unreadable


@click.group()
def health() -> None:
    """Health-book push flow: clinic XML (QĐ 130/4750) -> VNeID health books."""


@health.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per file.")
def validate(paths: tuple[str, ...], as_json: bool) -> None:
    """Parse and validate submission files or folders (no database).

    Exit 0 when every file was accepted, 1 when any was rejected, 2 when a path cannot be read.
    Output never contains a personal ID or a name.
    """
    from de06.health.validate import check_submission

    files, unreadable = _files(paths)
    results = []
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            unreadable.append(str(f))
            continue
        results.append(check_submission(data).as_json(f.name))
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        for r in results:
            c = r["counts"]
            click.echo(
                f"{r['outcome']:8s} {r['file']}  visits={c['visit']} labs={c['lab_result']} "
                f"referrals={c['referral']} appointments={c['reappointment']}"
                + (f"  reason: {r['reason']}" if r["reason"] else "")
            )
    for u in unreadable:
        click.echo(
            f"de06: error: cannot read {Path(u).name or repr(u)}"
            " — fix: check the path exists and is readable",
            err=True,
        )
    if not files and not unreadable:
        click.echo("de06: error: no files in the folder(s) given — fix: point at submission files", err=True)
        sys.exit(2)
    code = 2 if unreadable else (1 if any(r["outcome"] == "rejected" for r in results) else 0)
    if code:  # SystemExit: the top-level CLI ignores the return code of click's Exit
        sys.exit(code)


def _knob(name: str, help: str):
    """A ``--name`` option for a push knob, its range and default from the one definition
    (:data:`de06.health.knobs.BOUNDS`, :data:`de06.health.knobs.DEFAULTS`)."""
    kind, lo, hi = BOUNDS[name]
    kind_type = (
        click.IntRange(int(lo), int(hi)) if kind == "integer" else click.FloatRange(float(lo), float(hi))
    )
    return click.option(
        "--" + name.replace("_", "-"), default=DEFAULTS[name], show_default=True, type=kind_type, help=help
    )


@health.command()
@click.option("--api-url", default=None, help="VNeID API base URL (default env DE06_VNEID_API_URL or :8600).")
@_knob("max_run_s", "Stop after this many seconds.")
@_knob("batch_size", "Entries claimed per round.")
@_knob("concurrency", "Parallel API calls.")
@_knob(
    "unreachable_after_s",
    "Stop early after this many seconds of transport failures with no answer from the API at all.",
)
def drain(
    api_url: str | None, max_run_s: float, batch_size: int, concurrency: int, unreachable_after_s: float
) -> None:
    """Drain inbox and outbox once, outside Airflow (same code as the DAG); prints the run summary."""
    from de06.db import connect
    from de06.health import drain as D
    from de06.health.tasks import client_from

    cfg = D.Settings(
        batch_size=batch_size,
        concurrency=concurrency,
        max_run_s=max_run_s,
        unreachable_after_s=unreachable_after_s,
    )
    bhxh, dancu = connect("bhxh"), connect("dancu")
    try:
        with client_from({"api_url": api_url}, trusted=True) as client:
            stats = D.drain(
                bhxh, dancu, client, cfg, mode="cli", connect=lambda: (connect("bhxh"), connect("dancu"))
            )
    finally:
        bhxh.close()
        dancu.close()
    click.echo(json.dumps(stats.summary(), indent=1))


STATUS_SQL = {
    "submissions": "SELECT status, count(*) FROM submission GROUP BY 1 ORDER BY 1",
    "duplicates": "SELECT 'duplicate', count(*) FROM submission_duplicate",
    "items": "SELECT status, count(*) FROM outbox_item GROUP BY 1 ORDER BY 1",
    "parked": "SELECT reason, count(*) FROM parked_item WHERE resolved_at IS NULL GROUP BY 1 ORDER BY 1",
    # grouped by the problem, not by which HOSO of its envelope had it; long enough to keep the fix
    "rejected": "SELECT left(regexp_replace(reason, '^HOSO [0-9]+ ', ''), 200), count(*) FROM submission"
    " WHERE status = 'rejected' GROUP BY 1 ORDER BY 2 DESC LIMIT 10",
}


LAST_RUN_KEYS = (
    "run_id",
    "mode",
    "acked",
    "dead",
    "parked",
    "p50_s",
    "p95_s",
    "p99_s",
    "answers",
    "unreachable",
)


@health.command()
def status() -> None:
    """Counts by outcome (submissions, entries, parked reasons), the last runs' latency and whether
    they reached the VNeID API (``api``: reachable, or unreachable since when, de06.health.outage)."""
    from de06.db import connect
    from de06.health.outage import api_state

    conn = connect("bhxh")
    try:
        out = {}
        with conn.cursor() as cur:
            for k, q in STATUS_SQL.items():
                cur.execute(q)
                out[k] = {str(a): int(b) for a, b in cur.fetchall()}
            cur.execute(
                "SELECT run_id, mode, acked, dead, parked, latency_p50_s, latency_p95_s, latency_p99_s,"
                " answers, unreachable FROM push_run ORDER BY started_at DESC LIMIT 5"
            )
            out["last_runs"] = [dict(zip(LAST_RUN_KEYS, r, strict=True)) for r in cur.fetchall()]
        out["api"] = api_state(conn)
    finally:
        conn.close()
    click.echo(json.dumps(out, indent=1, default=str))


@click.group()
def dlq() -> None:
    """Dead letters of the health-book push (permanent API refusals, exhausted retries)."""


@dlq.command("list")
@click.option("--limit", default=100, show_default=True, type=LIMIT)
@click.option("--all", "include_replayed", is_flag=True, help="Include already replayed ones.")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(limit: int, include_replayed: bool, as_json: bool) -> None:
    """List dead letters (IDs masked)."""
    from de06.db import connect
    from de06.health import dlq as Q

    conn = connect("bhxh")
    try:
        rows = Q.list_dead(conn, limit, include_replayed)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    for r in rows:
        click.echo(
            f"{r['item_id']:>8} {r['entry_type']:13s} {r['facility_code']} {r['citizen']} "
            f"HTTP {r['http_status']} {r['reason']}"
        )
    click.echo(f"{len(rows)} dead letter(s)", err=True)


@dlq.command()
@click.option(
    "--item",
    "items",
    multiple=True,
    type=ROW_ID,
    help="Replay only these item ids (repeatable).",
)
@click.option(
    "--http-status",
    type=click.IntRange(*DEAD_LETTER_STATUS),
    default=None,
    help="Replay only those refused with this status.",
)
@click.option("--drain/--no-drain", "run_drain", default=False, help="Drain right after replaying.")
@click.option("--api-url", default=None)
def replay(items: tuple[int, ...], http_status: int | None, run_drain: bool, api_url: str | None) -> None:
    """Put open dead letters back to pending (the next run pushes them again)."""
    from de06.db import connect
    from de06.health import dlq as Q

    conn = connect("bhxh")
    try:
        n = Q.replay(conn, list(items) or None, http_status)
    finally:
        conn.close()
    click.echo(f"replayed {n} item(s)")
    asked = len(set(items))
    if n < asked:  # none at all is dlq.replay's error
        click.echo(
            f"de06: warning: {asked - n} of the {asked} item id(s) given are not open dead letters"
            " (already replayed or delivered; `de06 dlq list` shows the open ones)",
            err=True,
        )
    if run_drain and n:
        ctx = click.get_current_context()
        ctx.invoke(drain, api_url=api_url)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(health())
