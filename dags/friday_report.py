"""Friday progress report for the Working Group's weekly review (every Friday 08:00 Hanoi time).

Reads the week's province status table (TSV from OCR of the official letter), cleans it and checks
it against the 63 provinces and its own stated totals (`de06 rollout validate` runs the same
checks), runs the GX suite `province_status` on the cleaned rows, gathers the pipelines' own
figures (judicial records cleaned of the 1.2M, military-court sync coverage, health-book volume
and push latency against the 2025 targets) and renders an HTML report with PNG charts under
`.local/reports/friday/<date>/index.html` (`<date>`: the run's logical date, Hanoi time). The last
task, `render`, returns that path. Read it in the Airflow UI (Browse -> Friday report, for users who
may read this DAG's runs), or open its `index.html` in a browser on this machine, or copy the whole
folder (the charts sit beside it). `de06 rollout report [FILE]` builds the same report outside Airflow.

Which TSV (`pick_input`):

- `tsv_path` given: that file, whatever its age; a missing file fails the run without retry.
- `tsv_path` empty, **scheduled** run: the newest `*.tsv` in `.local/rollout_inbox/` by
  modification time (mtime), and only if that mtime is at most 6 days before the run's logical
  date (the Friday 08:00 it reports on: modified at or after Saturday 08:00 of the week before).
  An empty inbox, or a newest file older than that, fails the run at `pick_input` without retry:
  never last week's letter or the sample presented as this week's. Put the week's TSV in the inbox
  and clear the task, or trigger a run with `tsv_path`.
- `tsv_path` empty, **manual** run (Trigger in the UI, `airflow dags test`, `make demo`): the
  newest `*.tsv` in the inbox whatever its age, else the packaged sample
  (`include/de06/report/samples/province_status_sample.tsv`).
- Age and "newest" both come from the file's mtime, not from when it reached the inbox: `cp -p`,
  `rsync -a` (and other copies that preserve times) keep the original's mtime, so a letter copied
  that way can be refused as older than this week. Copy without preserving times, or `touch` the
  file in the inbox.

Params: `tsv_path` (above); `use_gx` (default true): run the GX suite `province_status` on the
cleaned rows (scores stored like every validation: Data Docs, scorecard, the run's "Data quality"
view; printed in the report); false skips the suite and the report has no GX line. A suite that
cannot run is reported in the report, not failed.

- A breached `province_status` threshold does not fail the run: the report says "threshold
  breached" and breach alerts are sent (`de06.alerts.notify_breach`, linking the run's "Data
  quality" view, else the report's path); without SMTP none is sent and `clean_validate`'s result
  (XCom `alerts`) says why. A failed run sends an alert through the DAG's
  `on_failure_callback` (SMTP: `AIRFLOW_CONN_SMTP_DEFAULT` or `AIRFLOW__SMTP__*`).
- Nothing personal is read or written: province-level aggregates only.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier

LOCAL_TZ = "Asia/Ho_Chi_Minh"


@dag(
    dag_id="friday_report",
    schedule="0 8 * * 5",
    start_date=pendulum.datetime(2024, 10, 4, tz=LOCAL_TZ),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["de06", "report", "quality", "rollout"],
    params={
        "tsv_path": Param(
            None,
            type=["null", "string"],
            description="Province status TSV of the week (empty: newest file in .local/rollout_inbox/).",
        ),
        "use_gx": Param(
            True, type="boolean", description="Run the GX suite province_status on the cleaned rows."
        ),
    },
    default_args={
        "owner": "de06-report",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "execution_timeout": timedelta(minutes=30),
    },
    on_failure_callback=failure_notifier(dataset="province_status"),
)
def friday_report():
    @task
    def pick_input(params=None, logical_date=None, dag_run=None) -> dict:
        """Which TSV, which report date (local), which folder."""
        from de06.errors import fail_without_retry
        from de06.report import friday

        when = logical_date or getattr(dag_run, "run_after", None) or pendulum.now(LOCAL_TZ)
        report_date = pendulum.instance(when).in_timezone(LOCAL_TZ).date().isoformat()
        # a scheduled run reports this week: no falling back to an old letter or the sample
        scheduled = str(getattr(dag_run, "run_type", "")).lower().endswith("scheduled")
        fresh_since = pendulum.instance(when).subtract(days=6).timestamp() if scheduled else None
        with fail_without_retry():  # a retry cannot fix a missing file
            path = friday.pick_input(params.get("tsv_path"), fresh_since=fresh_since)
        return {"path": str(path), "report_date": report_date, "out_dir": str(friday.report_dir(report_date))}

    @task
    def clean_validate(picked: dict, params=None, run_id=None, dag=None) -> dict:
        """Clean + check the TSV (and the GX suite); alert on a breached threshold. Counts only."""
        from pathlib import Path

        from airflow.sdk.exceptions import AirflowFailException
        from de06.report import friday
        from de06.report.rollout import RolloutUnreadable

        try:
            out = friday.clean_and_validate(
                picked["path"],
                Path(picked["out_dir"]),
                run_id=run_id,
                dag_id=dag.dag_id,
                use_gx=params["use_gx"],
            )
        except RolloutUnreadable as exc:  # the file cannot be read: no retry, the failure alert says why
            raise AirflowFailException(exc.line()) from None
        out["alerts"] = friday.alert_breaches(Path(picked["out_dir"]), dag_id=dag.dag_id, run_id=run_id)
        return out

    @task
    def pipeline_figures(picked: dict) -> str:
        """Read-only aggregates from lltp, qp, bhxh, vneid through Airflow connections."""
        from pathlib import Path

        from de06.db.conn import hook
        from de06.report import friday

        return friday.gather_figures(
            Path(picked["out_dir"]), connect=lambda conn_id: hook(conn_id).get_conn()
        )

    @task
    def render(picked: dict, validated: dict, figures_path: str) -> str:
        """PNG charts + index.html; returns the report's path."""
        from pathlib import Path

        from de06.report import friday

        return friday.render_report(Path(picked["out_dir"]), picked["report_date"])

    picked = pick_input()
    render(picked, clean_validate(picked), pipeline_figures(picked))


dag = friday_report()
