"""Replay the health-book dead-letter queue, then drain. No schedule: trigger it by hand.

Dead letters are permanent API refusals (404 no book, 409 conflict, 422 invalid) or items whose
retries ran out. After the cause is fixed (e.g. the citizen opened a VNeID account), trigger this
DAG: task ``replay`` puts the open dead letters back to pending, then task ``drain`` runs one drain
(mode ``replay``, the drain code of ``health_push``), always, even when nothing was replayed.

The CLI twin ``de06 dlq replay`` differs: by default (``--no-drain``) it only puts the items back
to pending, for the next drain; with ``--drain`` it drains (mode ``cli``, ``max_run_s`` 300) only
when it replayed something. Both take ``http_status`` 400-599.

Params: ``item_ids`` (dead-letter item ids; empty = every open one; ids none of which is an open
dead letter fail the run), ``http_status`` (only those refused with this status, 400-599),
``api_url`` as in ``health_push``, ``max_run_s`` (default 120, at most 1080). The other push knobs
keep the drain's defaults; the ``health_push_overrides`` Variable is not read.
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
    tags=["de06", "health", "dlq"],
    params={
        "item_ids": Param(
            [], type="array", items={"type": "integer", "minimum": 1}, description="empty = every open one"
        ),
        "http_status": Param(
            None,
            type=["null", "integer"],
            minimum=knobs.DEAD_LETTER_STATUS[0],
            maximum=knobs.DEAD_LETTER_STATUS[1],
        ),
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
