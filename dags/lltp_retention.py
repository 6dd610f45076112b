"""Retention of the judicial cleansing history (weekly, Sunday 03:00 Hanoi time).

Every `lltp_cleanse` run writes one outcome row and one cleaned row (with its rule trail) per
record it reads, and the daily incremental run re-reads every record still in review or unmatched,
so `lltp.record_outcome` and `lltp.record_cleaned` grow with every run. This DAG's one task,
`prune`, works on the runs finished more than `keep_days` ago (past the window) and deletes:

- every row of a dry or failed run (never current), a run still marked running that made no
  progress since before the window (its Airflow run failed and was never cleared) counting as
  failed;
- the rows a later finished, non-dry run, also past the window, has superseded (never shown by
  `lltp.record_current` again).

Every record's current outcome, each run's row and counts, its partition rows, the review queue
(but for a stalled run's open items, withdrawn as a revert would) and the data-quality results
stay. Runs inside the window stay whole, and so do the rows they superseded, so reverting one
still brings back exactly the state before it. Runs past the window are stamped pruned and can no
longer be reverted or rerun. `dry_run` counts what would go and deletes nothing. The same step by
hand: `de06 cleanse prune --keep-days N [--dry-run]`. The task's return value (XCom) holds counts
per run id only.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier
from de06.cleanse.retention import KEEP_DAYS


@dag(
    dag_id="lltp_retention",
    schedule="0 3 * * 0",
    start_date=pendulum.datetime(2024, 10, 6, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["de06", "lltp", "cleansing", "retention", "issue-4"],
    params={
        "keep_days": Param(
            KEEP_DAYS, type="integer", minimum=1, description="runs finished within this many days stay whole"
        ),
        "dry_run": Param(False, type="boolean", description="count what would be deleted; delete nothing"),
    },
    default_args={
        "owner": "de06-cleansing",
        "retries": 2,
        "retry_delay": timedelta(minutes=5),
        "execution_timeout": timedelta(minutes=30),
    },
    on_failure_callback=failure_notifier(),
)
def lltp_retention():
    @task
    def prune(params=None) -> dict:
        """Delete the history no reader needs from runs older than `keep_days` (one transaction)."""
        from de06.cleanse import tasks

        return tasks.prune(dict(params))

    prune()


dag = lltp_retention()
