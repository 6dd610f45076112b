"""Military-court conviction sync (qp -> lltp), hourly.

Reads the Ministry of Defence's conviction and expungement sheets by an (updated_at, sheet_id)
cursor with a lookback window for late-committing rows, maps court/crime/article/sentence codes
through versioned reference tables (unknown code -> quarantine), resolves the person with the
shared identity matcher (no safe match -> review queue, source ``qp``), and applies each sheet
exactly once in effect: idempotent upserts keyed by the source's conviction_ref, stale versions
recorded and ignored, duplicates counted, expungements that arrive first parked. Each chunk and its
cursor commit in one lltp transaction; a PostgreSQL advisory lock lets only one run apply at a time.

- Schedule: hourly (``@hourly``), one run at a time. A scheduled or backfill run reads sheets
  stamped before its data interval's end; a manual run (Trigger, ``airflow dags test``, ``make
  demo``), an asset-triggered one and any run with ``full_resync`` have no such bound: they read
  up to the newest sheet. Backfill a range with
  ``airflow backfill create --dag-id qp_convictions_sync --from-date ... --to-date ...``.
- Params: ``full_resync`` (re-read the whole source through the ledger), ``lookback_minutes``,
  ``chunk_size``, ``wait_seconds`` (0 = skip when another sync holds the lock), ``quality``
  (default true; false skips the ``quality`` task).
- ``quality`` runs the GX suites ``military_batch`` (the run's window) and ``military_target``;
  reported (Data Docs, the run's "Data quality" view), never gating: a breach does not fail the run.
- ``reconcile`` fails the run unless source rows in the window = applied + stale + duplicates +
  quarantined + parked. CLI twins: ``de06 sync run|status``, ``de06 quarantine list|replay``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier


@dag(
    dag_id="qp_convictions_sync",
    on_failure_callback=failure_notifier(dataset="military_target"),
    schedule="@hourly",
    start_date=datetime(2026, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["de06", "lltp", "qp", "sync"],
    params={
        "full_resync": Param(
            False, type="boolean", description="Re-read the whole source (the ledger skips known rows)."
        ),
        "lookback_minutes": Param(60, type="integer", minimum=0, maximum=7 * 24 * 60),
        "chunk_size": Param(5000, type="integer", minimum=1, maximum=100_000),
        "wait_seconds": Param(0, type="integer", minimum=0, maximum=3600),
        "quality": Param(
            True, type="boolean", description="Run the GX suites military_batch, military_target."
        ),
    },
    default_args={
        "owner": "de06-judicial",
        "retries": 2,
        "retry_delay": timedelta(seconds=30),
        "execution_timeout": timedelta(minutes=50),
    },
)
def qp_convictions_sync():
    @task
    def sync(params=None, run_id=None, dag_run=None, data_interval_end=None) -> dict:
        """Extract, map, resolve, apply; returns counts only (no personal data in XCom)."""
        from de06.sync.airflow_conn import psycopg2_connect
        from de06.sync.runner import SyncOptions, run_sync

        manual = getattr(dag_run, "run_type", None) in ("manual", "asset_triggered") or str(
            getattr(dag_run, "run_type", "")
        ).endswith("MANUAL")
        until = None if params["full_resync"] or manual else data_interval_end
        result = run_sync(
            SyncOptions(
                run_key=run_id,
                full=bool(params["full_resync"]),
                lookback=timedelta(minutes=int(params["lookback_minutes"])),
                chunk_size=int(params["chunk_size"]),
                until=until,
                wait_seconds=float(params["wait_seconds"]),
            ),
            connector=psycopg2_connect,
        )
        return {
            "run_key": result.run_key,
            "status": result.status,
            "source_rows": result.source_rows,
            "new_rows": result.new_rows,
            "window": result.window,
            "new": result.new,
            "line": result.line,
        }

    @task
    def reconcile(result: dict) -> str:
        """Check the run's recorded balance; skipped runs skip."""
        from airflow.sdk.exceptions import AirflowSkipException
        from de06.errors import De06Error
        from de06.sync.airflow_conn import psycopg2_connect

        if result["status"] == "skipped":
            raise AirflowSkipException("another qp sync held the lock; this run applied nothing")
        conn = psycopg2_connect("lltp")
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT status, reconciled, source_rows,"
                    " applied + stale + duplicates + quarantined + parked, message"
                    " FROM qp_sync_run WHERE run_key = %s",
                    (result["run_key"],),
                )
                row = cur.fetchone()
        finally:
            conn.close()
        if row is None or row[0] != "succeeded" or not row[1] or row[2] != row[3]:
            why = row[4] if row else "no run row"
            raise De06Error(
                f"qp sync run {result['run_key']} does not reconcile: {why}",
                "inspect qp_sync_ledger for the window, then trigger with full_resync",
            )
        return row[4]

    @task
    def quality(line: str, params=None, run_id=None) -> dict:
        """GX suites on the incoming batch (the run's window in qp) and on the target (lltp); both
        land in Data Docs and the run's Data-quality view. Reported, not gating: the sheets are
        already applied or quarantined, and ``reconcile`` is the gate of the run."""
        from airflow.sdk.exceptions import AirflowSkipException

        if not params["quality"]:
            raise AirflowSkipException("quality checks switched off for this run")
        from de06.quality.operators import task_ids
        from de06.quality.runner import validate_dataset
        from de06.sync.airflow_conn import psycopg2_connect

        conn = psycopg2_connect("lltp")
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT window_from_ts, high_ts FROM qp_sync_run WHERE run_key = %s", (run_id,))
                since, until = cur.fetchone()
        finally:
            conn.close()
        ids = task_ids()
        out = {}
        if since is not None and until is not None:
            out["military_batch"] = validate_dataset(
                "military_batch", query_params={"since": since, "until": until}, raise_on_breach=False, **ids
            ).to_dict()
        out["military_target"] = validate_dataset("military_target", raise_on_breach=False, **ids).to_dict()
        return out

    quality(reconcile(sync()))


dag = qp_convictions_sync()
