"""``de06 simulate``: build the simulated world (deterministic by seed, loaded with COPY)."""

from __future__ import annotations

import click

from de06.cli.main import LazyGroup

SUBCOMMANDS = {
    "population": "de06.cli.sim_identity:population",
    "judicial": "de06.cli.sim_identity:judicial",
    "military": "de06.cli.sim_military:military",
    "clinics": "de06.cli.sim_clinics:clinics",
    "world": "de06.cli.sim_world:world",
    "export": "de06.cli.sim_identity:export",
}


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
def simulate() -> None:
    """Generate the simulated state systems (population, judicial records, military courts, clinics)."""
