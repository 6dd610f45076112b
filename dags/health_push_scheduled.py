"""Health-book push, plain every-5-minutes variant (the peer of the event-driven ``health_push``).

Same task as ``health_push`` (drain inbox and outbox, push, record ``push_run`` with
mode ``scheduled``); only the schedule differs. Both may run side by side: rows are claimed with
``FOR UPDATE SKIP LOCKED``. Kept for the benchmark's latency ratio; paused by default.

Params: ``api_url`` and ``max_run_s`` as in ``health_push``.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier
from de06.health import knobs


@dag(
    dag_id="health_push_scheduled",
    on_failure_callback=failure_notifier(dataset="health_microbatch"),
    schedule=timedelta(minutes=5),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=True,
    doc_md=__doc__,
    tags=["health", "bhxh", "vneid", "scheduled"],
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
