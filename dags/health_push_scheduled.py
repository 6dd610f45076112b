"""Health-book push, plain every-5-minutes variant (the peer of the event-driven ``health_push``).

Schedule: every 5 minutes (``timedelta(minutes=5)``), one run at a time; paused when first created.
Kept for the benchmark's latency ratio (docs/push.md). One task, ``drain_outbox``: the same drain
code as ``health_push`` (inbox and outbox, push, record ``push_run`` with mode ``scheduled``), with
these differences:

- a run drains only what had been received when it started (cut-off from the database clock);
  what lands later waits for the next tick, as a plain scheduled job would;
- no ``quality`` task: its micro-batch is not validated (no ``health_microbatch`` result);
- the Airflow Variable ``health_push_overrides`` is not read;
- params: only ``api_url`` (as in ``health_push``) and ``max_run_s`` (default 240, at most 1080);
  ``batch_size``, ``concurrency``, ``api_batch``, ``retry_base_s`` and ``unreachable_after_s`` are
  not params here and keep the drain's defaults (200, 8, 100, 1.0, 30); a run does not linger for
  more work (``idle_exit_s`` is 0 here).

An unreachable VNeID API fails a run as in ``health_push``: it stops after ``unreachable_after_s``
(30 s) of transport failures without any answer, not at ``max_run_s``; its items stay pending.
Only the first failed run of an outage (of either DAG) mails the on-call; the later ones log
"alert not sent ... outage ongoing since ..." instead, until a run has reached the API again.

Both DAGs may run side by side: rows are claimed with ``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier
from de06.health import knobs
from de06.health.outage import hold_repeated_outage_alerts


@dag(
    dag_id="health_push_scheduled",
    on_failure_callback=failure_notifier(
        dataset="health_microbatch", skip_if=hold_repeated_outage_alerts("scheduled")
    ),
    schedule=timedelta(minutes=5),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=True,
    doc_md=__doc__,
    tags=["de06", "health", "bhxh", "vneid", "scheduled"],
    params={
        "api_url": Param(None, type=["null", "string"]),
        "max_run_s": knobs.param("max_run_s", 240),
    },
    default_args={
        "owner": "de06-health",
        "retries": 2,
        "execution_timeout": timedelta(minutes=20),
        "retry_delay": timedelta(seconds=10),
    },
)
def health_push_scheduled():
    @task
    def drain_outbox(params=None, run_id=None) -> dict:
        from de06.health.tasks import run_drain

        return run_drain("scheduled", params, run_id=run_id)

    drain_outbox()


dag = health_push_scheduled()
