"""Clean the judicial records (lý lịch tư pháp) against the National Population DB (issue 4).

Every judicial record ends in exactly one outcome: **linked** to one citizen (tier, score and
reasons), **review** (doubtful: in the review queue with its candidates, `de06 review`),
**unmatched** (no plausible citizen) or **rejected** (unusable input, with the reason).

1. `start`: creates the run (`lltp.cleanse_run`, keyed by this DAG run's id, so a rerun reuses it)
   and the population's name frequencies.
2. `cleanse_partition` (mapped): one task per province partition (63 codes + `none`); each writes
   its outcomes, cleaned values and rule trail in one transaction with a partition status row, so a
   run killed half-way resumes without redoing or duplicating finished partitions.
3. `reconcile`: outcomes must add up to the input count; the run fails otherwise.
4. `finish`: marks the run done (its outcomes become current in `lltp.record_current`).

Params: `provinces` (subset: codes or names, `none`; empty = all), `mode` (`incremental`: only new,
changed or unresolved records; `full`: all), `dry_run` (outcomes recorded but never current, no
review items). Source tables are never written; `de06 cleanse revert RUN_ID` undoes a run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task


@dag(
    dag_id="lltp_cleanse",
    schedule="@daily",
    start_date=datetime(2024, 10, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["lltp", "cleansing", "issue-4"],
    params={
        "provinces": Param([], type="array", description="province codes/names or 'none'; empty = all"),
        "mode": Param("incremental", enum=["incremental", "full"]),
        "dry_run": Param(False, type="boolean"),
    },
    default_args={"owner": "de06-cleansing", "retries": 2, "retry_delay": timedelta(seconds=10)},
)
def lltp_cleanse():
    @task
    def start(params=None, run_id=None) -> dict:
        from de06.cleanse import tasks

        return tasks.start(run_id, dict(params))

    @task
    def partitions(run: dict) -> list[str]:
        return list(run["partitions"])

    @task(max_active_tis_per_dagrun=8)
    def cleanse_partition(partition: str, run: dict) -> dict:
        from de06.cleanse import tasks

        return tasks.partition(run["run_id"], partition)

    @task
    def reconcile(run: dict, done: list) -> dict:
        from de06.cleanse import tasks

        return tasks.reconcile(run["run_id"])

    @task
    def finish(run: dict, reconciled: dict) -> dict:
        from de06.cleanse import tasks

        return tasks.finish(run["run_id"])

    run = start()
    done = cleanse_partition.partial(run=run).expand(partition=partitions(run))
    finish(run, reconcile(run, done))


dag = lltp_cleanse()
