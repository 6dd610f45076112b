"""``de06 simulate world``: every simulator at one named size, in dependency order."""

from __future__ import annotations

import click

#: size name -> parameters of each simulator
SIZES: dict[str, dict[str, dict]] = {
    "small": {
        "population": {"size": 20_000},
        "judicial": {"records": 2_000},
        "military": {"initial": 500, "changes": 100},
        "clinics": {"count": 40, "people": 300},
    },
    "demo": {
        "population": {"size": 200_000},
        "judicial": {"records": 20_000},
        "military": {"initial": 2_000, "changes": 400},
        "clinics": {"count": 200, "people": 2_000},
    },
    "bench": {
        "population": {"size": 10_000_000},
        "judicial": {"records": 1_200_000},
        "military": {"initial": 200_000, "changes": 20_000},
        "clinics": {"count": 2_000, "people": 20_000},
    },
}


def build_world(ctx: click.Context, size: str, seed: int, force: bool = False) -> None:
    from de06.cli.sim_clinics import clinics
    from de06.cli.sim_identity import judicial, population
    from de06.cli.sim_military import military

    params = SIZES[size]
    ctx.invoke(population, seed=seed, force=force, **params["population"])
    ctx.invoke(judicial, seed=seed, force=force, **params["judicial"])
    ctx.invoke(military, seed=seed, force=force, **params["military"])
    if force or _inbox_size() == 0:
        # Visits dated now, so push latency and freshness mean what they say.
        ctx.invoke(clinics, seed=seed, start="now", **params["clinics"])
    else:
        click.echo("clinic inbox already holds submissions (use --force to send a new batch)")


def _inbox_size() -> int:
    from de06.db import connect

    conn = connect("bhxh")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM submission")
            return int(cur.fetchone()[0])
    finally:
        conn.close()


def size_option(help_text: str):
    """The ``--size`` option of a command that builds a world (one of :data:`SIZES`)."""
    return click.option(
        "--size", type=click.Choice(sorted(SIZES)), default="demo", show_default=True, help=help_text
    )


@click.command()
@size_option("small (tests), demo (200k citizens / 20k records), bench (10M / 1.2M).")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed for every simulator.")
@click.option("--force", is_flag=True, help="Rebuild even what already exists.")
@click.pass_context
def world(ctx: click.Context, size: str, seed: int, force: bool) -> None:
    """Build the whole simulated world: population, judicial records, military courts, clinic inbox."""
    build_world(ctx, size, seed, force)
