"""``de06 sync``, ``de06 quarantine``, ``de06 certificate``: the military-court conviction sync."""

from __future__ import annotations

import datetime as dt
import json

import click

from de06.cli import LIMIT, ROW_ID


@click.group()
def sync() -> None:
    """Sync military-court convictions and expungements (qp) into the Judicial Records DB."""


@sync.command("run")
@click.option("--full", is_flag=True, help="Re-read the whole source (catches rows later than the lookback).")
@click.option(
    "--lookback-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(0, 525_600),
    help="Re-read window behind the cursor.",
)
@click.option("--chunk-size", default=5000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--wait", "wait_seconds", default=0.0, help="Seconds to wait if another sync runs (0 = skip).")
@click.option(
    "--run-key", default=None, help="Run identity; a failed run resumes when rerun with the same key."
)
def run_cmd(
    full: bool, lookback_minutes: int, chunk_size: int, wait_seconds: float, run_key: str | None
) -> None:
    """Run one sync now and print its reconciliation."""
    from de06.sync.runner import SyncOptions, run_sync

    key = run_key or "cli-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    r = run_sync(
        SyncOptions(
            run_key=key,
            full=full,
            lookback=dt.timedelta(minutes=lookback_minutes),
            chunk_size=chunk_size,
            wait_seconds=wait_seconds,
        )
    )
    click.echo(f"{r.status}: run {key}: {r.line}; new outcomes {json.dumps(r.new)}")


@sync.command("status")
@click.option("--limit", default=10, show_default=True, type=LIMIT)
def status_cmd(limit: int) -> None:
    """The last runs, the cursor and open quarantine/parked counts."""
    from de06.db import connect
    from de06.sync import cursor

    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT run_key, mode, status, source_rows, new_rows, applied, stale, duplicates,"
                " quarantined, parked, reconciled, attempts FROM qp_sync_run ORDER BY run_id DESC LIMIT %s",
                (limit,),
            )
            rows = cur.fetchall()
            cur.execute(
                "SELECT (SELECT count(*) FROM qp_quarantine WHERE resolved_at IS NULL),"
                " (SELECT count(*) FROM qp_parked_expungement WHERE applied_at IS NULL)"
            )
            q, p = cur.fetchone()
        pos = cursor.read(conn)
    finally:
        conn.close()
    click.echo(
        f"cursor: {pos[0].isoformat() + ' #' + str(pos[1]) if pos else '(none)'}; "
        f"open quarantine {q}; parked expungements {p}"
    )
    for r in rows:
        click.echo(
            "  {} {} {}: window {} (new {}) = applied {} + stale {} + dup {} + quar {} + parked {};"
            " reconciled={} attempts={}".format(*r)
        )


@sync.command("reset")
@click.option(
    "--yes", is_flag=True, help="Confirm: delete every qp-sourced row of the target (simulated worlds)."
)
def reset_cmd(yes: bool) -> None:
    """Forget the target-side qp state (only for a rebuilt simulated world)."""
    from de06.db import connect
    from de06.errors import InputError
    from de06.sync.admin import reset_sync_state

    if not yes:
        raise InputError(
            "reset deletes every qp-sourced conviction in lltp", "add --yes if that is what you want"
        )
    conn = connect("lltp")
    try:
        reset_sync_state(conn)
    finally:
        conn.close()
    click.echo("qp sync state reset")


@click.group()
def quarantine() -> None:
    """Military-court sheets that could not be mapped or validated."""


@quarantine.command("list")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved items.")
@click.option("--limit", default=100, show_default=True, type=LIMIT)
def list_cmd(include_resolved: bool, limit: int) -> None:
    """Open quarantine items: sheet, reason, first/last seen, retries."""
    from de06.db import connect
    from de06.sync.quarantine import list_items

    conn = connect("lltp")
    try:
        items = list_items(conn, include_resolved=include_resolved, limit=limit)
    finally:
        conn.close()
    if not items:
        click.echo("quarantine is empty")
    for i in items:
        click.echo(
            f"sheet {i['sheet_id']} ({i['kind']} {i['source_key']}): {i['reason']}; first seen "
            f"{i['first_seen']:%Y-%m-%d %H:%M}, last {i['last_seen']:%Y-%m-%d %H:%M}, "
            f"retries {i['retry_count']}" + (f"; resolved: {i['resolution']}" if i["resolved_at"] else "")
        )


def _open_sheets(sheets: tuple[int, ...]) -> list[int]:
    """The given sheet ids that are open in the quarantine. None of them: an error naming why (not
    in the quarantine, or already resolved); some: a warning for the others."""
    from de06.db import connect
    from de06.errors import InputError

    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT sheet_id, resolved_at IS NULL FROM qp_quarantine WHERE sheet_id = ANY(%s)",
                (list(sheets),),
            )
            state = dict(cur.fetchall())
    finally:
        conn.close()
    asked = sorted(set(sheets))
    open_ = [s for s in asked if state.get(s)]
    absent = [str(s) for s in asked if s not in state]
    resolved = [str(s) for s in asked if state.get(s) is False]
    why = "; ".join(
        part
        for part in (
            f"sheet(s) {', '.join(absent)} not in the quarantine" if absent else "",
            f"sheet(s) {', '.join(resolved)} already resolved" if resolved else "",
        )
        if part
    )
    if not open_:
        raise InputError(f"nothing to replay: {why}", "`de06 quarantine list` shows the open sheets")
    if why:
        click.echo(f"de06: warning: {why} (left out)", err=True)
    return open_


@quarantine.command("replay")
@click.option(
    "--sheet", "sheets", multiple=True, type=ROW_ID, help="Only these sheet ids (default: all open)."
)
def replay_cmd(sheets: tuple[int, ...]) -> None:
    """Re-read open quarantined sheets from qp and decide them again (after a fix)."""
    from de06.db import connect
    from de06.sync.quarantine import replay

    ids = _open_sheets(sheets) if sheets else None
    counts = replay(connect, ids)
    click.echo(
        "nothing to replay: the quarantine has no open sheets"
        if not counts
        else "replayed: " + json.dumps(counts)
    )


@click.group()
def certificate() -> None:
    """What a criminal-record certificate would state (from lltp after cleansing and sync)."""


@certificate.command("preview")
@click.option(
    "--citizen",
    required=True,
    help="The 12-digit personal ID, or the citizen_id written id:NNN (other bare digits are refused).",
)
@click.option(
    "--form",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="1: omits expunged convictions; 2: full history with expungement dates and parents.",
)
@click.option("--reveal", is_flag=True, help="Show personal data unmasked (needs --reason; logged).")
@click.option("--reason", help="Why the data is revealed (stored with who and when).")
def preview_cmd(citizen: str, form: str, reveal: bool, reason: str | None) -> None:
    """Print the certificate preview (personal data masked unless --reveal)."""
    from de06.cli import check_reveal, who
    from de06.db import connect
    from de06.sync import certificate as cert

    check_reveal(reveal, reason)
    dancu, lltp = connect("dancu"), connect("lltp")
    try:
        cid = cert.resolve_citizen(dancu, citizen)
        built = cert.build(dancu, lltp, cid, int(form))
        if reveal:
            cert.log_reveal(lltp, cid, int(form), who(), reason)
        click.echo(cert.render(built, reveal=reveal))
    finally:
        dancu.close()
        lltp.close()
