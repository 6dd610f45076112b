"""``de06 quality``: suites, validation, Data Docs and the scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import click

from de06.errors import InputError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def quality() -> None:
    """Data quality on the four dimensions đúng, đủ, sạch, sống (GX suites in expectations/)."""


@quality.command("suites")
def suites_cmd() -> None:
    """List the suites: dataset, expectations per dimension, thresholds."""
    from de06.quality.suites import list_datasets, load_suite

    for name in list_datasets():
        spec = load_suite(name)
        per = {d: sum(1 for e in spec.expectations if e["meta"]["dimension"] == d) for d in spec.dimensions}
        counts = " ".join(f"{d}={n}" for d, n in per.items())
        thr = " ".join(f"{d}>={v:g}" for d, v in spec.fail_below.items())
        click.echo(f"{name:20s} {counts:32s} fail_below: {thr}")


def _parse_params(items: tuple[str, ...], flag: str = "--param") -> dict[str, object]:
    out: dict[str, object] = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"{flag} {item!r} is not NAME=VALUE", f"write e.g. {flag} input_count=1200")
        k, v = item.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def _check_dataset(dataset: str, packaged: bool) -> None:
    """DATASET has a suite and, when no query is given, a packaged query: else one line listing
    what exists."""
    from de06.quality import paths
    from de06.quality.suites import list_datasets

    known = list_datasets()
    queries = paths.expectations_dir() / "queries"
    with_query = [d for d in known if (queries / f"{d}.sql").is_file()]
    if dataset not in known:
        raise InputError(
            f"unknown dataset {dataset[:40]!r}",
            f"use one of: {', '.join(known) or 'none'} (`de06 quality suites` lists them)",
        )
    if packaged and dataset not in with_query:
        raise InputError(
            f"dataset {dataset!r} has no packaged query (expectations/queries/{dataset}.sql)",
            "give the rows yourself with --conn ID and --sql or --sql-file, or pick a dataset with one: "
            + ", ".join(with_query),
        )


@quality.command("validate")
@click.argument("dataset")
@click.option("--conn", "conn_id", help="Connection id to read from (default: the dataset's packaged query).")
@click.option("--sql", "sql_text", help="SELECT returning the suite's columns.")
@click.option("--sql-file", type=click.Path(dir_okay=False, path_type=Path), help="File holding the SELECT.")
@click.option("--qparam", "qparams", multiple=True, help="Bound query value NAME=VALUE (e.g. sample_pct=5).")
@click.option("--param", "params", multiple=True, help="Suite parameter NAME=VALUE (JSON value), repeatable.")
@click.option("--dag-id", default="cli", show_default=True)
@click.option("--run-id", default=None, help="Run id to file the result under (default: manual__<now>).")
@click.option("--fail-on-breach", is_flag=True, help="Exit 1 when a suite threshold is breached.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def validate_cmd(
    dataset, conn_id, sql_text, sql_file, qparams, params, dag_id, run_id, fail_on_breach, as_json
) -> None:
    """Validate DATASET's rows against its suite; store result, Data Docs page and scores.

    Without --sql/--sql-file the packaged query expectations/queries/DATASET.sql is used.
    """
    from de06.quality.runner import QUERY_DEFAULTS, dataset_query, validate_query

    _check_dataset(dataset, packaged=not (sql_text or sql_file))
    if sql_text and sql_file:
        raise InputError("give at most one of --sql and --sql-file", "drop one of them")
    if sql_file:
        try:
            sql_text = sql_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {sql_file}: {exc}", "pass a readable UTF-8 .sql file") from exc
    if sql_text is not None and not sql_text.strip():
        raise InputError(
            "the query given with --sql/--sql-file is empty",
            "give a SELECT, or neither option to use the dataset's packaged query",
        )
    query_params: dict[str, object] | None = _parse_params(qparams, "--qparam") or None
    if not sql_text:
        packaged_conn, sql_text = dataset_query(dataset)
        conn_id = conn_id or packaged_conn
        query_params = {**QUERY_DEFAULTS, **(query_params or {})}
    elif not conn_id:
        raise InputError("--sql/--sql-file needs --conn", "add e.g. --conn lltp")
    summary = validate_query(
        dataset, conn_id, sql_text, params=query_params, dag_id=dag_id, run_id=run_id, task_id="cli",
        parameters=_parse_params(params), raise_on_breach=fail_on_breach,
    )  # fmt: skip
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(summary.line())
        for f in summary.failed_expectations:
            click.echo(f"  failed {f}")
        click.echo(f"result: {summary.result_path}")
        click.echo(f"report: {summary.report_path}")


@quality.command("scorecard")
@click.option(
    "--last",
    "per_dataset",
    default=20,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="Runs per dataset in the trend.",
)
def scorecard_cmd(per_dataset: int) -> None:
    """Build the scorecard (HTML + PNG charts) and print its path."""
    from de06.quality import scorecard

    click.echo(str(scorecard.build(per_dataset)))


@quality.command("docs")
def docs_cmd() -> None:
    """Rebuild GX Data Docs from the stored (masked) results and print the index path."""
    from de06.quality import docs

    click.echo(str(docs.rebuild()))
