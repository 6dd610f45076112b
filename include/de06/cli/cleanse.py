"""``de06 cleanse`` (run, runs, revert, prune, link) and ``de06 review`` (list, show, decide).

Personal data is masked on screen (IDs ``001*******45``, names as initials) unless
``review show --reveal --reason "..."``, which is logged in ``lltp.review_reveal``.
"""

from __future__ import annotations

import json
import sys
import uuid

import click

from de06.cleanse.retention import KEEP_DAYS
from de06.cli import LIMIT, ROW_ID, who


@click.group()
def cleanse() -> None:
    """Clean judicial records against the population DB (the DAG lltp_cleanse, or here in-process)."""


@cleanse.command("run")
@click.option("--mode", type=click.Choice(["incremental", "full"]), default="incremental", show_default=True)
@click.option(
    "--province", "provinces", multiple=True, help="Partition to run (code, name or 'none'); repeat."
)
@click.option(
    "--dry-run", is_flag=True, help="Record outcomes without making them current or queuing reviews."
)
def run_cmd(mode: str, provinces: tuple[str, ...], dry_run: bool) -> None:
    """Run the cleansing in this process (same steps as the DAG)."""
    from tqdm import tqdm

    from de06.cleanse import pipeline
    from de06.db import connect

    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        parts = pipeline.resolve_partitions(list(provinces))
        bar = tqdm(total=len(parts), desc="partitions", unit="part", file=sys.stderr)
        res = pipeline.run_all(
            lltp,
            dancu,
            f"cli:{uuid.uuid4().hex}",
            mode,
            list(provinces),
            dry_run,
            progress=lambda _p: bar.update(1),
        )
        bar.close()
    finally:
        lltp.close()
        dancu.close()
    click.echo(json.dumps(res))


@cleanse.command("runs")
@click.option("--limit", default=20, show_default=True, type=LIMIT)
def runs_cmd(limit: int) -> None:
    """List recent cleansing runs with their outcome counts."""
    from de06.db import connect

    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT run_id, run_key, mode, dry_run, status, started_at, counts, pruned_at"
                " FROM cleanse_run ORDER BY run_id DESC LIMIT %s",
                (limit,),
            )
            rows = cur.fetchall()
    finally:
        conn.close()
    click.echo("run_id\tstatus\tmode\tstarted\tcounts\trun_key")
    if not rows:
        click.echo("no cleansing runs yet (`de06 cleanse run` or the lltp_cleanse DAG starts one)", err=True)
    for rid, key, mode, dry, status, started, counts, pruned in rows:
        click.echo(
            f"{rid}\t{status}{' pruned' if pruned else ''}\t{mode}{' dry-run' if dry else ''}\t"
            f"{started:%Y-%m-%d %H:%M}\t"
            f"{json.dumps(counts or {})}\t{key}"
        )


@cleanse.command("revert")
@click.argument("run_id", type=int)
def revert_cmd(run_id: int) -> None:
    """Undo a run: delete its outcomes, cleaned values and trail; withdraw its open review items."""
    from de06.cleanse import pipeline
    from de06.db import connect

    conn = connect("lltp")
    try:
        click.echo(json.dumps({"run_id": run_id, **pipeline.revert_run(run_id, conn)}))
    finally:
        conn.close()


@cleanse.command("prune")
@click.option(
    "--keep-days",
    type=click.IntRange(1, 36_500),
    default=KEEP_DAYS,
    show_default=True,
    help="Runs finished within this many days stay whole.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def prune_cmd(keep_days: int, dry_run: bool) -> None:
    """Delete history no reader needs from runs older than the retention window.

    Rows of dry, failed and stalled runs, and rows a later finished run past the window
    superseded, go; every record's current outcome, the runs inside the window (still
    revertible), each run's counts and the review queue stay (a stalled run's open items are
    withdrawn, as a revert would). A pruned run can no longer be reverted or rerun.
    """
    from de06.cleanse.retention import prune_history
    from de06.db import connect

    conn = connect("lltp")
    try:
        out = prune_history(conn, keep_days, dry_run=dry_run)
        click.echo(json.dumps(out))
    finally:
        conn.close()


@cleanse.command("link")
@click.option("--population", required=True, type=click.Path(dir_okay=False), help="CSV or Parquet extract.")
@click.option("--records", required=True, type=click.Path(dir_okay=False), help="CSV or Parquet records.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output .csv or .parquet.")
def link_cmd(population: str, records: str, out: str) -> None:
    """Match a records extract to a population extract with the DAG's matcher (scratch schema).

    \b
    population columns: citizen_id, cccd, cmnd, full_name, dob (YYYY-MM-DD), sex (M/F), birth_province
      optional:         cmnd_old (;-separated), dob_precision (D/Y), deceased, residence_province
    records columns:    record_id, full_name, dob_text, id_number, sex, birth_province
      optional:         residence (province code or name)
    output columns:     record_id, outcome, citizen_id, tier, score, reasons,
                        candidates (review only: JSON list of citizen_id, tier, score)
    """
    from tqdm import tqdm

    from de06.cleanse.link import link_files

    bars = []

    def factory(total: int):
        bars.append(tqdm(total=total, desc="records", unit="rec", file=sys.stderr))
        return bars[-1].update

    try:
        counts = link_files(population, records, out, progress_factory=factory)
    finally:
        for b in bars:
            b.close()
    click.echo(json.dumps(counts))
    click.echo(out)


# ------------------------------------------------------------------------------------ review
@click.group()
def review() -> None:
    """The review queue of doubtful matches (judicial cleansing and military sync)."""


@review.command("list")
@click.option("--province", help="Province code or name.")
@click.option("--source", type=click.Choice(["lltp", "qp"]))
@click.option(
    "--status", type=click.Choice(["open", "decided", "withdrawn"]), default="open", show_default=True
)
@click.option("--limit", default=50, show_default=True, type=LIMIT)
def list_cmd(province: str | None, source: str | None, status: str, limit: int) -> None:
    """List review items by province and age (oldest first)."""
    from de06.cleanse.review_cli import list_items

    for line in list_items(province, source, status, limit):
        click.echo(line)


@review.command("show")
@click.argument("item_id", type=int)
@click.option("--reveal", is_flag=True, help="Show personal data unmasked (needs --reason; logged).")
@click.option("--reason", help="Why the data is revealed (stored with who and when).")
def show_cmd(item_id: int, reveal: bool, reason: str | None) -> None:
    """Show one item: the record and its candidates side by side (masked unless --reveal)."""
    from de06.cleanse.review_cli import show_item

    click.echo(show_item(item_id, reveal, reason, who()))


@review.command("decide")
@click.argument("item_id", type=ROW_ID)
@click.option(
    "--link",
    "citizen_id",
    type=click.IntRange(0, 2**63 - 1),
    help="Link the record to this candidate citizen_id.",
)
@click.option(
    "--link-id",
    "personal_id",
    help="Link the record to a citizen you found yourself, by 12-digit personal ID (needs --note).",
)
@click.option("--not-match", is_flag=True, help="None of the candidates is the person.")
@click.option("--note", help="Free-text note kept with the decision (required with --link-id).")
@click.option(
    "--replace", is_flag=True, help="Correct an item already decided (the old decision stays on record)."
)
def decide_cmd(
    item_id: int,
    citizen_id: int | None,
    personal_id: str | None,
    not_match: bool,
    note: str | None,
    replace: bool,
) -> None:
    """Decide an item; the next run of its flow applies it and never overrides it."""
    from de06.cleanse import review as rv
    from de06.db import connect
    from de06.errors import InputError

    if sum((citizen_id is not None, personal_id is not None, bool(not_match))) != 1:
        raise InputError(
            "give exactly one of --link CITIZEN_ID, --link-id PERSONAL_ID or --not-match",
            "e.g. de06 review decide 12 --link 345",
        )
    if personal_id is not None:
        personal_id = personal_id.strip()
        from de06.identity.lookup import citizen_by_personal_id, is_personal_id_text  # masks the ID

        if not is_personal_id_text(personal_id):
            raise InputError(
                "--link-id takes the citizen's 12-digit personal ID", "copy the 12 digits from the ID card"
            )
        dancu = connect("dancu")
        try:
            citizen_id = citizen_by_personal_id(dancu, personal_id)
        finally:
            dancu.close()
    conn = connect("lltp")
    try:
        linking = citizen_id is not None
        rv.decide(
            conn,
            item_id,
            "link" if linking else "not_match",
            who(),
            citizen_id,
            note,
            replace,
            found_by_hand=personal_id is not None,
        )
    finally:
        conn.close()
    click.echo(
        f"item {item_id}: {'link ' + str(citizen_id) if linking else 'not a match'} recorded by {who()}"
    )
