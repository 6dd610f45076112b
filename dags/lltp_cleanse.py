"""Clean the judicial records (lý lịch tư pháp) against the National Population DB (issue 4).

Every judicial record ends in exactly one outcome: **linked** to one citizen (tier, score and
reasons), **review** (doubtful: in the review queue with its candidates, `de06 review`),
**unmatched** (no plausible citizen) or **rejected** (unusable input, with the reason).

1. `start`: creates the run (`lltp.cleanse_run`, keyed by this DAG run's id, so a rerun reuses it)
   and the population's name frequencies.
2. `cleanse_partition` (mapped): one task per province partition (63 codes + `none`); each writes
   its outcomes, cleaned values and rule trail in one transaction with a partition status row, so a
   run killed half-way resumes without redoing or duplicating finished partitions.
3. `reconcile`: outcomes must add up to the input count, or the run fails; then the run is
   marked done (its outcomes become current in `lltp.record_current`).
4. Great Expectations: `quality_raw` (suite `judicial_raw` on the extract as recorded; reported,
   not gating, so it runs beside the partitions)
   and `quality_cleaned` (suite `judicial_cleaned`). A run over every province validates the
   current cleaned state of the whole DB and **fails** when a threshold is breached; a
   province-subset or dry run reports its own outcomes without gating. Results land in Data Docs
   and the run's "Data quality" view.

Schedule: daily (`@daily`: 00:00 in Airflow's default time zone, `Asia/Ho_Chi_Minh` in
`de06 env` and docker-compose.yaml), no catch-up, one run at a time. A scheduled run takes the
params' defaults: every province, `incremental`, not a dry run; trigger it by hand for others.

Params: `provinces` (subset: codes or names, `none`; empty = all), `mode` (`incremental`: only new,
changed or unresolved records; `full`: all), `dry_run` (outcomes recorded but never current, no
review items). Source tables are never written; `de06 cleanse revert RUN_ID` undoes a run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier


@dag(
    dag_id="lltp_cleanse",
    on_failure_callback=failure_notifier(dataset="judicial_cleaned"),
    schedule="@daily",
    start_date=datetime(2024, 10, 1),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["de06", "lltp", "cleansing", "issue-4"],
    params={
        "provinces": Param([], type="array", description="province codes/names or 'none'; empty = all"),
        "mode": Param("incremental", enum=["incremental", "full"]),
        "dry_run": Param(False, type="boolean"),
    },
    # a hung query or lock wait ends the task (and frees the run: max_active_runs=1) instead of
    # blocking every later run; the largest partition takes minutes at full scale
    default_args={
        "owner": "de06-cleansing",
        "retries": 2,
        "retry_delay": timedelta(seconds=10),
        "execution_timeout": timedelta(hours=2),
    },
)
def lltp_cleanse():
    @task
    def start(params=None, run_id=None) -> list[dict]:
        """One entry per partition to run: {"cleanse_run_id", "partition"}."""
        from de06.cleanse import tasks

        run = tasks.start(run_id, dict(params))
        return [{"cleanse_run_id": run["run_id"], "partition": p} for p in run["partitions"]]

    @task(max_active_tis_per_dagrun=8)
    def cleanse_partition(cleanse_run_id: int, partition: str) -> dict:
        from de06.cleanse import tasks

        return {"cleanse_run_id": cleanse_run_id, **tasks.partition(cleanse_run_id, partition)}

    @task
    def reconcile(done: list) -> dict:
        """Outcomes must add up to the input (else the run fails); then the run is marked done."""
        from de06.cleanse import tasks

        run_ids = {d["cleanse_run_id"] for d in done}
        if len(run_ids) != 1:
            from de06.errors import De06Error

            raise De06Error(
                f"the partitions report {len(run_ids)} different runs",
                "clear the DAG run and trigger it again",
            )
        run_id = run_ids.pop()
        return {**tasks.reconcile(run_id), **tasks.finish(run_id)}

    @task
    def quality_raw() -> dict:
        """GX suite `judicial_raw` on the records as recorded (dirt expected; reported, not gating)."""
        from de06.quality.operators import task_ids
        from de06.quality.runner import validate_dataset

        return validate_dataset("judicial_raw", raise_on_breach=False, **task_ids()).to_dict()

    @task
    def quality_cleaned(reconciled: dict, params=None, run_id=None) -> dict:
        """GX suite `judicial_cleaned` (see de06.cleanse.quality: what is validated, when it gates)."""
        from de06.cleanse.quality import validate_cleaned
        from de06.errors import fail_without_retry
        from de06.quality.operators import task_ids
        from de06.quality.runner import QualityBreach

        # a breach of outcomes already made current: validating again finds the same, and would
        # store and alert it once per retry
        with fail_without_retry(QualityBreach):
            return validate_cleaned(run_id, dict(params), int(reconciled["input"]), **task_ids())

    partitions = start()
    # the raw suite only reads the source and never gates: it runs beside the partitions, not
    # before them (at 1.2M records it is tens of seconds the run would otherwise wait for)
    quality_raw()
    quality_cleaned(reconcile(cleanse_partition.expand_kwargs(partitions)))


dag = lltp_cleanse()
