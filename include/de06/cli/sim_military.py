"""``de06 simulate military``: military-court convictions and their change stream (qp DB)."""

from __future__ import annotations

import datetime as dt

import click


@click.command()
@click.option("--initial", default=2000, show_default=True, help="Convictions in the initial load.")
@click.option("--changes", default=400, show_default=True, help="Sheets in the change stream.")
@click.option("--seed", default=6, show_default=True)
@click.option(
    "--batches", default=4, show_default=True, help="Change batches (each stamped over --batch-hours)."
)
@click.option("--batch-hours", default=6.0, show_default=True)
@click.option(
    "--as-of", default="2026-01-01", show_default=True, help="Simulated date of the initial load (UTC)."
)
@click.option(
    "--load",
    type=click.Choice(["all", "initial", "none"]),
    default="all",
    show_default=True,
    help="Write every batch, only the initial load, or only the ground truth.",
)
@click.option("--force", is_flag=True, help="Rebuild even if a world with these parameters exists.")
def military(
    initial: int,
    changes: int,
    seed: int,
    batches: int,
    batch_hours: float,
    as_of: str,
    load: str,
    force: bool,
) -> None:
    """Build the qp source: convictions, expungements, late/out-of-order/duplicate/malformed sheets;
    the expected final state goes to the truth DB. A rebuild drops the target's qp sync state (it
    names the old world's refs); a rebuilt population makes the world rebuild too."""
    from tqdm import tqdm

    from de06.errors import InputError
    from de06.simulators import military as sim
    from de06.simulators import runs

    try:
        start = dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise InputError(f"--as-of {as_of!r} is not a date", "use YYYY-MM-DD") from exc
    if initial < 1 or changes < 0 or batches < 1:
        raise InputError("--initial must be >= 1, --changes >= 0, --batches >= 1", "fix the sizes")
    p = sim.MilitaryParams(
        initial=initial, changes=changes, seed=seed, batches=batches, batch_hours=batch_hours, as_of=start
    )
    last = runs.last_params("military")
    if last and last[0] == sim.run_params(p) and not force and load == "all":
        click.echo("military world with these parameters already built (use --force to rebuild)")
        return
    with tqdm(total=3, desc="military", unit="step", file=click.get_text_stream("stderr")) as bar:
        world = sim.build(p, load=load)
        bar.update(3)
    n = {b: len(world.batch(b)) for b in range(p.batches + 1)}
    click.echo(
        f"military world: {len(world.sheets)} sheets ({n[0]} initial, {sum(n.values()) - n[0]} changes in "
        f"{p.batches} batches), {sum(e['expected_present'] for e in world.expected)} convictions expected"
    )
