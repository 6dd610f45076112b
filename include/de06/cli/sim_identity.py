"""``de06 simulate population|judicial|export``: identity simulators and one-off extracts."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--size", type=click.IntRange(min=1), default=200_000, show_default=True, help="Number of citizens."
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Random seed (same seed and size -> same rows)."
)
@click.option(
    "--look-alike-share",
    type=click.FloatRange(0, 0.2),
    default=0.003,
    show_default=True,
    help="Share of citizens planted as namesakes (same full name and DOB, different CCCD).",
)
@click.option(
    "--force", is_flag=True, help="Rebuild even when the same run is already loaded (TRUNCATE, then load)."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def population(size: int, seed: int, look_alike_share: float, force: bool, quiet: bool) -> None:
    """Fill dancu.citizen and dancu.citizen_cmnd (COPY, chunked, deterministic by seed)."""
    from de06.simulators.population import PopulationParams, load

    click.echo(
        load(
            PopulationParams(size=size, seed=seed, look_alike_share=look_alike_share),
            force=force,
            progress=not quiet,
        )
    )


@click.command()
@click.option(
    "--records",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Number of judicial records.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--noise",
    "noise_profile",
    type=click.Choice(["clean", "default", "heavy"]),
    default="default",
    show_default=True,
    help="Named noise profile for the identity fields.",
)
@click.option(
    "--outside-share",
    type=click.FloatRange(0, 0.5),
    default=0.04,
    show_default=True,
    help="Share of records whose person is not in the population DB.",
)
@click.option("--force", is_flag=True, help="Rebuild even when the same run is already loaded.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def judicial(
    records: int, seed: int, noise_profile: str, outside_share: float, force: bool, quiet: bool
) -> None:
    """Fill lltp.judicial_record and conviction from the population, with labelled noise.

    The truth (citizen and noise kinds per record) goes to truth.record_truth."""
    from de06.simulators.judicial import JudicialParams, load

    params = JudicialParams(records=records, seed=seed, noise=noise_profile, outside_share=outside_share)
    click.echo(load(params, force=force, progress=not quiet))


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output directory.",
)
@click.option(
    "--population-limit",
    type=click.IntRange(min=1),
    default=200_000,
    show_default=True,
    help="Citizens to export (citizen_id 1..N).",
)
@click.option(
    "--records-limit",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Judicial records to export (persons inside the exported population or outside the DB).",
)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
def export(out_dir: Path, population_limit: int, records_limit: int, fmt: str) -> None:
    """Write population, records and truth files in the column format of `de06 cleanse link`."""
    from de06.simulators.export import export_extract

    paths = export_extract(population_limit, records_limit, out_dir, fmt=fmt)
    for name, path in paths.items():
        click.echo(f"{name}: {path}")
