"""``de06 bench``: the benchmarks of ../shared/BENCH.md. Each writes ``bench/results/<name>.json``
and prints its path last."""

from __future__ import annotations

import click

from de06.cli.main import LazyGroup

SUBCOMMANDS = {
    "sync": "de06.bench.sync:command",
    "push": "de06.bench.push:push",
}


@click.group(cls=LazyGroup, lazy=SUBCOMMANDS)
def bench() -> None:
    """Measure speed, memory, latency and match quality against same-run peers."""


@bench.command("cleanse")
@click.option("--population", default=100_000, show_default=True, help="Citizens (issue: 10000000).")
@click.option("--records", default=10_000, show_default=True, help="Judicial records (issue: 1200000).")
@click.option("--noise", default="default", show_default=True, help="Noise profile: clean, default, heavy.")
@click.option("--peers", default="splink,pandas_merge", show_default=True, help="Comma list; '' for none.")
@click.option(
    "--workers",
    default=None,
    help="Comma list of Celery worker counts (e.g. 1,2): run the cleansing DAG under the CeleryExecutor "
    "with each count in turn (writes cleanse_workers.json). Without it, the pipeline runs in-process.",
)
@click.option(
    "--processes", default=2, show_default=True, help="In-process mode: partitions run in parallel."
)
@click.option(
    "--noop-tasks",
    default=1000,
    show_default=True,
    help="--workers mode: mapped no-op tasks for tasks/s (0: skip).",
)
@click.option("--seed", default=1, show_default=True)
@click.option(
    "--peer-timeout",
    default=3600.0,
    show_default=True,
    help="Seconds a peer may run; one still running is stopped and reported as timed out "
    "(its time then a lower bound).",
)
@click.option(
    "--repeat",
    default=1,
    show_default=True,
    help="In-process mode: run ours and each peer this many times, interleaved, and report medians "
    "(this machine's hour moves one run by ±15 %).",
)
@click.option(
    "--discard-review-decisions",
    is_flag=True,
    help="Run even when the database holds judicial review decisions people made (the benchmark "
    "clears the cleansing history and drops them). Without it, such a database is refused.",
)
def cleanse(
    population: int,
    records: int,
    noise: str,
    peers: str,
    workers: str | None,
    processes: int,
    noop_tasks: int,
    seed: int,
    peer_timeout: float,
    repeat: int,
    discard_review_decisions: bool,
) -> None:
    """Cleansing: precision, recall, review rate, time, memory; Splink and pandas peers on the same data.

    The benchmark database's cleansing history (runs, outcomes, judicial review items) is cleared
    before the timed run."""
    from de06.errors import InputError

    if workers:
        try:
            counts = sorted({int(x) for x in workers.split(",") if x.strip()})
        except ValueError as exc:
            raise InputError(
                f"--workers {workers!r} is not a list of numbers", "use e.g. --workers 1,2"
            ) from exc
        if not counts or min(counts) < 1:
            raise InputError("--workers needs counts >= 1", "use e.g. --workers 1,2")
        if repeat != 1:
            raise InputError(
                "--repeat applies to the in-process run only, not to --workers",
                "leave --repeat out with --workers (or drop --workers to repeat the in-process run)",
            )
        from de06.bench import scale

        click.echo(str(scale.main(counts, population, records, noop_tasks, seed, discard_review_decisions)))
        return
    from de06.bench import cleanse as bc

    names = tuple(p.strip() for p in peers.split(",") if p.strip())
    click.echo(
        str(
            bc.run(
                population,
                records,
                noise,
                names,
                processes,
                seed,
                peer_timeout,
                discard_decisions=discard_review_decisions,
                repeat=repeat,
            )
        )
    )


@bench.command("febrl")
@click.option("--peers", default="splink,pandas_merge", show_default=True, help="Comma list; '' for none.")
@click.option("--data-sets", default="1,2,3,4", show_default=True, help="FEBRL data sets, comma list.")
def febrl(peers: str, data_sets: str) -> None:
    """The matcher on FEBRL's data sets, made by another generator than ours: precision, recall and
    review rate against FEBRL's own pairing, overall and by what the dirt changed, with the peers on
    the same extracts (writes bench/results/febrl.json; names are Australian and there is no
    national ID: see docs/matching.md)."""
    from de06.bench import febrl as fb

    sets = [d.strip() for d in data_sets.split(",") if d.strip()]
    names = tuple(p.strip() for p in peers.split(",") if p.strip())
    click.echo(str(fb.main(sets, names)))
