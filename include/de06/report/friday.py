"""Steps of the Friday progress report (the ``friday_report`` DAG calls these; so can a CLI).

1. :func:`pick_input`: the week's TSV: an explicit path, else the newest ``*.tsv`` in
   ``.local/rollout_inbox/``, else the packaged sample.
2. :func:`clean_and_validate`: :mod:`de06.report.rollout`; the cleaned rows also go through the GX
   ``province_status`` suite via ``de06.quality.validate_dataframe`` when that runner is installed.
   Writes ``rollout.json`` and ``records.json`` into the report folder.
3. :func:`gather_figures`: :mod:`de06.report.figures` -> ``figures.json``.
4. :func:`render_report`: PNG charts + ``index.html`` under ``.local/reports/friday/<date>/``.

Files pass between steps by path (XCom carries only paths and small summaries, no data).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from de06 import config
from de06.errors import InputError

log = logging.getLogger(__name__)

SAMPLE = Path(__file__).parent / "samples" / "province_status_sample.tsv"


def inbox_dir() -> Path:
    d = config.local_dir() / "rollout_inbox"
    d.mkdir(parents=True, exist_ok=True)
    return d


def report_dir(report_date: str) -> Path:
    from de06.quality.paths import friday_dir  # served in the Airflow UI from there too

    d = friday_dir() / report_date
    d.mkdir(parents=True, exist_ok=True)
    return d


def pick_input(path: str | None = None, fresh_since: float | None = None) -> Path:
    """The TSV to report on: ``path`` when given; else the newest ``*.tsv`` in the inbox; else the
    packaged sample — unless ``fresh_since`` (a POSIX time; the scheduled Friday run passes the
    start of the report's week) asks for this week's letter: then an empty inbox or a newest file
    older than that is an error, never last week's figures or the sample presented as this week's."""
    if path:
        p = Path(path).expanduser()
        if not p.is_file():
            raise InputError(
                f"province status file {p.name} not found",
                f"put the week's TSV at {p} or leave the param empty to use {inbox_dir()}",
            )
        return p
    tsvs = sorted(inbox_dir().glob("*.tsv"), key=lambda f: (f.stat().st_mtime, f.name))
    if fresh_since is not None:
        if not tsvs:
            raise InputError(
                f"no province status TSV in {inbox_dir()} for this week's report",
                "put the week's letter (TSV) there and clear the task, or trigger with tsv_path",
            )
        if tsvs[-1].stat().st_mtime < fresh_since:
            raise InputError(
                f"the newest TSV in {inbox_dir()} ({tsvs[-1].name}) is older than this week",
                "put this week's letter there and clear the task, or trigger with tsv_path",
            )
    return tsvs[-1] if tsvs else SAMPLE


def _quality_runner():
    try:
        from de06.quality import validate_dataframe  # noqa: F401  (lazy: heavy GX import)

        return validate_dataframe
    except (ImportError, AttributeError):
        return None


def clean_and_validate(
    path: str | Path,
    out_dir: Path,
    *,
    run_id: str | None = None,
    dag_id: str = "friday_report",
    task_id: str = "clean_validate",
    use_gx: bool = True,
) -> dict[str, Any]:
    from de06.report.rollout import validate_file

    result = validate_file(path)
    j = result.to_json()
    (out_dir / "rollout.json").write_text(json.dumps(j, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "records.json").write_text(json.dumps(result.records(), ensure_ascii=False), encoding="utf-8")
    quality: dict[str, Any] | None = None
    runner = _quality_runner() if use_gx else None
    if runner is not None:
        import pandas as pd

        df = pd.DataFrame(result.all_records())
        try:
            # alert=False: this report sends its own breach alerts (alert_breaches) with the report's link
            summary = runner(
                dataset="province_status", df=df, run_id=run_id, dag_id=dag_id, task_id=task_id, alert=False
            )
            quality = {
                "available": True,
                "scores": summary.scores,
                "passed": summary.passed,
                "report_url": summary.report_url,
                "breaches": summary.breaches,
                "thresholds": summary.thresholds,
            }
        except Exception as exc:  # the report still goes out; the reason is shown in it
            log.warning("province_status suite not run: %s", exc)
            quality = {"available": False, "reason": f"suite not run: {str(exc).splitlines()[0][:200]}"}
    (out_dir / "quality.json").write_text(
        json.dumps(quality, ensure_ascii=False, default=str), encoding="utf-8"
    )
    return {
        "source": Path(path).name,
        "clean": result.clean,
        "problems": result.problems,
        "provinces_found": result.provinces_found,
        "quality_passed": None if not quality or not quality.get("available") else quality["passed"],
        "out_dir": str(out_dir),
    }


def gather_figures(out_dir: Path, connect=None) -> str:
    from de06.report.figures import gather

    if connect is None:
        from de06.db import connect as connect_db

        def connect(conn_id: str):
            return connect_db(conn_id, start=False)

    figs = gather(connect)
    path = out_dir / "figures.json"
    path.write_text(json.dumps(figs, ensure_ascii=False, default=str), encoding="utf-8")
    return str(path)


def render_report(out_dir: Path, report_date: str) -> str:
    from de06.report import charts, html

    rollout = json.loads((out_dir / "rollout.json").read_text(encoding="utf-8"))
    records = json.loads((out_dir / "records.json").read_text(encoding="utf-8"))
    figures = json.loads((out_dir / "figures.json").read_text(encoding="utf-8"))
    qpath = out_dir / "quality.json"
    quality = json.loads(qpath.read_text(encoding="utf-8")) if qpath.exists() else None
    made = {
        "status": charts.status_per_province(records, out_dir),
        "pv06": charts.rollout_totals(rollout, out_dir),
        "outcomes": charts.outcomes_per_province(figures["judicial"], out_dir),
        "latency": charts.latency_distribution(figures["health"], out_dir),
        "health": charts.health_per_province(figures["health"], out_dir),
        "scores": charts.scores_over_time(figures["quality"], out_dir),
    }
    path = html.render(
        out_dir,
        report_date=report_date,
        source=rollout["source"],
        rollout=rollout,
        records=records,
        figures=figures,
        charts=made,
        quality=quality,
    )
    return str(path)


def run_all(path: str | None = None, report_date: str | None = None, *, use_gx: bool = True) -> str:
    """Whole report in one process (CLI, tests): returns the path of index.html."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    report_date = report_date or datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    out = report_dir(report_date)
    clean_and_validate(pick_input(path), out, use_gx=use_gx)
    gather_figures(out)
    return render_report(out, report_date)


def alert_breaches(
    out_dir: Path, *, dag_id: str | None = None, run_id: str | None = None
) -> list[dict[str, Any]]:
    """One alert per breached dimension of the ``province_status`` suite (see :mod:`de06.alerts`).

    The alert carries the dimension's real threshold and lists the critical expectations that
    failed in it (labels only: type and columns); a dimension breached only by a critical
    expectation says so instead of printing a threshold it did not fall below.

    When no SMTP server is configured the report still goes out; the result says the alert was not
    sent and why (and the warning is logged).
    """
    from de06.errors import De06Error
    from de06.quality.scoring import DimensionBreach, by_dimension

    qpath = out_dir / "quality.json"
    quality = json.loads(qpath.read_text(encoding="utf-8")) if qpath.exists() else None
    if not quality or not quality.get("available") or quality.get("passed"):
        return []
    from de06.alerts import notify_breach

    sent = []
    url = quality.get("report_url") or str(out_dir / "index.html")
    groups = by_dimension(quality.get("breaches") or [], quality.get("thresholds")) or [
        DimensionBreach("overall", None, None)  # failed without a breach on record
    ]
    for b in groups:
        entry: dict[str, Any] = {
            "dimension": b.dimension,
            "score": b.score,
            "threshold": b.threshold,
            "below_threshold": b.below_threshold,
            "critical_failed": list(b.expectations),
        }
        try:
            notify_breach(
                "province_status",
                b.dimension,
                b.score,
                b.threshold,
                url,
                dag_id=dag_id,
                run_id=run_id,
                expectations=list(b.expectations),
            )
            entry["sent"] = True
        except De06Error as exc:
            log.warning("breach alert not sent: %s", exc.line())
            entry.update(sent=False, note=exc.line())
        sent.append(entry)
    return sent
