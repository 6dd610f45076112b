"""Scheduler and scale-out probe: one mapped task expanded to ``n`` no-op instances.

- ``n`` (default 1000): number of mapped task instances.
- ``sleep_s`` (default 0): seconds each instance sleeps (the cluster spread test uses a little,
  so a worker can be killed while tasks run).

``total`` sums ``i * i`` over the instances, a checkable outcome: it equals ``sum(i*i)`` whichever
worker ran which instance. Used by ``de06 bench`` (scheduler tasks/s) and ``tests/test_cluster.py``.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Param, dag, task


@dag(
    dag_id="bench_noop_mapped",
    schedule=None,
    catchup=False,
    doc_md=__doc__,
    tags=["de06", "bench"],
    max_active_runs=1,
    max_active_tasks=64,
    params={
        "n": Param(1000, type="integer", minimum=1, maximum=1024),  # Airflow's max_map_length
        "sleep_s": Param(0.0, type="number", minimum=0, maximum=60),
    },
    default_args={"owner": "de06-platform", "retries": 2, "retry_delay": timedelta(seconds=2)},
)
def bench_noop_mapped():
    @task
    def items(params=None) -> list[int]:
        return list(range(int(params["n"])))

    @task
    def noop(i: int, params=None) -> int:
        import time

        if params["sleep_s"]:
            time.sleep(float(params["sleep_s"]))
        return i * i

    @task
    def total(values) -> int:
        return sum(values)

    total(noop.expand(i=items()))


dag = bench_noop_mapped()
