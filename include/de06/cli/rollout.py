"""``de06 rollout``: the weekly province status table (Friday report).

- ``de06 rollout validate FILE [--json]``: clean and check one TSV. Exit 0 clean, 1 problems
  found, 2 the file cannot be read (missing, not UTF-8/UTF-16, not a TSV).
- ``de06 rollout simulate --seed N [--profile default|clean|heavy] --out FILE [--truth FILE]``:
  write a realistic messy TSV (deterministic by seed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group()
def rollout() -> None:
    """Province rollout status tables (OCR TSVs of the Working Group's letters)."""


def _summary_text(j: dict) -> str:
    out = [
        f"{j['source']}: {'clean' if j['clean'] else str(j['problems']) + ' problem(s)'}",
        f"  provinces found {j['provinces_found']} of {j['provinces_expected']} ({j['rows']} rows)",
        "  status: " + ", ".join(f"{k} {v}" for k, v in j["status_counts"].items()),
        "  PV06:   " + ", ".join(f"{k} {v}" for k, v in j["pv06_counts"].items()),
    ]
    if j["stated_totals"]:
        out.append("  stated: " + ", ".join(f"{k} {v}" for k, v in j["stated_totals"].items()))
    else:
        out.append("  stated: no summary line found")
    for label, key in (("missing", "missing"), ("duplicates", "duplicates"), ("unknown names", "unknown")):
        if j[key]:
            out.append(f"  {label}: " + ", ".join(j[key]))
    for m in j["mismatches"]:
        out.append(f"  mismatch: {m['total']} stated {m['stated']}, rows give {m['counted']}")
    for c in j["conflicts"]:
        out.append(f"  conflict: {c['province']} rows {c['rows']} differ in {', '.join(c['fields'])}")
    for v in j["invalid"]:
        out.append(f"  line {v['row']} column {v['column']}: {v['problem']} {v['value']!r}")
    out.append(f"  corrections applied: {len(j['corrections'])} (see --json)")
    for w in j["warnings"]:
        out.append(f"  warning: {w}")
    return "\n".join(out)


@rollout.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
def validate(file: Path, as_json: bool) -> None:
    """Clean FILE and check it against the 63 provinces and its stated totals.

    Exit code 0 when clean, 1 when problems were found, 2 when FILE cannot be read.
    """
    from de06.report.rollout import RolloutUnreadable, validate_file

    try:
        result = validate_file(file)
    except RolloutUnreadable as exc:
        if as_json:
            click.echo(
                json.dumps({"source": file.name, "readable": False, "error": exc.line()}, ensure_ascii=False)
            )
        click.echo(f"de06: error: {exc.line()}", err=True)
        sys.exit(2)
    j = result.to_json()
    if as_json:
        click.echo(json.dumps(j, ensure_ascii=False, indent=2))
    else:
        click.echo(_summary_text(j))
    sys.stdout.flush()
    sys.exit(0 if result.clean else 1)


@rollout.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option(
    "--profile",
    type=click.Choice(["clean", "default", "heavy"]),
    default="default",
    show_default=True,
    help="How much dirt to inject.",
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="TSV to write."
)
@click.option(
    "--truth", type=click.Path(dir_okay=False, path_type=Path), help="Also write the truth as JSON."
)
@click.option("--encoding", type=click.Choice(["utf-8", "utf-16"]), default="utf-8", show_default=True)
def simulate(seed: int, profile: str, out: Path, truth: Path | None, encoding: str) -> None:
    """Write a realistic messy province status TSV (OCR of a scanned letter)."""
    from de06.errors import InputError
    from de06.report.rollout_sim import generate

    for target, flag in ((out, "--out"), (truth, "--truth")):
        if target is None:
            continue
        if not target.name or target.is_dir():
            raise InputError(f"{flag} {str(target)!r} is not a file path", f"give {flag} a file name")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot create the folder of {flag} {target}: {exc.strerror}", f"choose another {flag}"
            ) from None
    text, t = generate(seed, profile)
    out.write_bytes(text.encode(encoding))
    if truth:
        truth.write_text(json.dumps(t, ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(str(out))
    sys.stdout.flush()


@rollout.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "report_date", help="Report date YYYY-MM-DD (default: today in Hanoi).")
@click.option("--no-gx", is_flag=True, help="Skip the GX province_status suite.")
def report(file: Path | None, report_date: str | None, no_gx: bool) -> None:
    """Build the Friday report outside Airflow (same steps as the friday_report DAG).

    FILE defaults to the newest *.tsv in .local/rollout_inbox/, else the packaged sample.
    Prints the path of index.html.
    """
    from tqdm import tqdm

    from de06.errors import InputError
    from de06.report import friday
    from de06.report.rollout import RolloutUnreadable

    steps = tqdm(total=3, desc="friday report", file=sys.stderr, disable=not sys.stderr.isatty())
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if report_date is not None:
        from datetime import date

        try:
            report_date = date.fromisoformat(report_date.strip()).isoformat()
        except ValueError:
            raise InputError(
                f"--date {report_date[:20]!r} is not a date YYYY-MM-DD", "e.g. --date 2026-12-04"
            ) from None
    if file is not None and not file.is_file():  # checked here: the library's fix names the DAG param
        raise InputError(
            f"province status file {file} not found",
            f"check the path, or leave FILE out to use the newest *.tsv in {friday.inbox_dir()}"
            " (else the packaged sample)",
        )
    report_date = report_date or datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    out = friday.report_dir(report_date)
    try:
        summary = friday.clean_and_validate(
            friday.pick_input(str(file) if file else None), out, use_gx=not no_gx
        )
    except RolloutUnreadable as exc:
        click.echo(f"de06: error: {exc.line()}", err=True)
        sys.exit(2)
    steps.update()
    friday.gather_figures(out)
    steps.update()
    path = friday.render_report(out, report_date)
    steps.update()
    steps.close()
    if not summary["clean"]:
        click.echo(
            f"{summary['source']}: {summary['problems']} problem(s) in the table (see the report)", err=True
        )
    click.echo(path)
