"""Friday progress report for the Working Group's weekly review (every Friday 08:00 Hanoi time).

Reads the week's province status table (TSV from OCR of the official letter), cleans it and checks
it against the 63 provinces and its own stated totals (`de06 rollout validate` runs the same
checks), runs the GX suite `province_status` on the cleaned rows, gathers the pipelines' own
figures (judicial records cleaned of the 1.2M, military-court sync coverage, health-book volume
and push latency against the 2025 targets) and renders an HTML report with PNG charts under
`.local/reports/friday/<date>/index.html`. The last task returns that path.

- Input: param `tsv_path`; empty = the newest `*.tsv` in `.local/rollout_inbox/`, else the packaged
  sample (`include/de06/report/samples/`).
- A breached `province_status` threshold sends an alert (`de06.alerts.notify_breach`); a failed run
  sends one through the DAG's `on_failure_callback` (SMTP: `AIRFLOW_CONN_SMTP_DEFAULT` or
  `AIRFLOW__SMTP__*`).
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
