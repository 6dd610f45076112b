"""Replay the health-book dead-letter queue, then drain.

Dead letters are permanent API refusals (404 no book, 409 conflict, 422 invalid) or items whose
retries ran out. After the cause is fixed (e.g. the citizen opened a VNeID account), trigger this
DAG: it puts the open dead letters back to pending and runs one drain (mode ``replay``). Same as
``de06 dlq replay``.

Params: ``item_ids`` (dead-letter item ids; empty = every open one; ids none of which is an open
dead letter fail the run), ``http_status`` (only those refused with this status, 400-599),
``api_url`` and ``max_run_s`` as in ``health_push``.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task
from de06.alerts import failure_notifier
from de06.health import knobs


@dag(
    dag_id="health_dlq_replay",
    on_failure_callback=failure_notifier(dataset="health_microbatch"),
    schedule=None,
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["health", "dlq"],
    params={
        "item_ids": Param(
            [], type="array", items={"type": "integer", "minimum": 1}, description="empty = every open one"
        ),
        "http_status": Param(None, type=["null", "integer"], minimum=400, maximum=599),
        "api_url": Param(None, type=["null", "string"]),
        "max_run_s": knobs.param("max_run_s", 120),
    },
    default_args={
        "owner": "de06-health",
        "retries": 2,
        "execution_timeout": timedelta(minutes=20),
        "retry_delay": timedelta(seconds=5),
    },
)
def health_dlq_replay():
    @task
    def replay(params=None) -> dict:
        from de06.health.tasks import run_replay

        return run_replay(params)

    @task
    def drain(replayed: dict, params=None, run_id=None) -> dict:
        from de06.health.tasks import run_drain

        return {**replayed, **run_drain("replay", params, run_id=run_id)}

    drain(replay())


dag = health_dlq_replay()
