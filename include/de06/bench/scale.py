"""Scale-out benchmark: the cleansing DAG under the CeleryExecutor with 1, 2, ... workers.

``run_workers([1, 2], population, records)`` builds the simulated world once, then for each
worker count starts ``de06 cluster`` with that many workers, runs ``lltp_cleanse`` as the first
cleansing of the backlog runs (``mode=full``, not a dry run: outcomes made current, review items
written; each count starts from empty result tables, see ``clear_history``), and records the wall time,
precision and recall against ground truth, and the worker hostnames in Airflow's ``task_instance``
rows (``hosts_used``). ``run_scheduler_throughput(n)`` runs ``bench_noop_mapped`` with ``n`` no-op
mapped tasks and returns completed tasks per second (first start to last end in ``task_instance``).
``main`` writes ``bench/results/cleanse_workers.json`` (BENCH.md shape) and returns its path.

Machine-wide CPU use is sampled during each run: on a 2-core machine one worker already keeps both
cores busy (task processes, PostgreSQL, scheduler), which bounds the 2-worker ratio.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import time
from contextlib import contextmanager
from typing import Any

import psutil

from de06.bench.common import PeakRss

CLEANSE_DAG = "lltp_cleanse"
NOOP_DAG = "bench_noop_mapped"
#: Task slots per worker: the machine has 2 cores, more slots only queue on the CPU.
CONCURRENCY = int(os.environ.get("DE06_BENCH_CONCURRENCY", "2"))
BENCH_ENV = {
    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the runs we trigger
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
}

TI_SQL = """
SELECT count(*), count(DISTINCT hostname), array_agg(DISTINCT split_part(hostname, '-', 1)),
       extract(epoch FROM max(end_date) - min(start_date))
  FROM task_instance WHERE dag_id = %s AND run_id = %s AND task_id = %s AND state = 'success'
"""


@contextmanager
def _env(extra: dict[str, str]):
    old = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def cluster(n_workers: int):
    """A cluster with ``n_workers`` workers for the duration of the block (stopped after)."""
    from de06.runtime import stack
    from de06.runtime.api import Client

    with _env(BENCH_ENV):
        p = stack.up("cluster", n_workers=n_workers, concurrency=CONCURRENCY, echo=lambda m: None)
        api = Client(p.url)
        try:
            yield api
        finally:
            api.close()
            stack.down("cluster")


def _ti_stats(dag_id: str, run_id: str, task_id: str) -> tuple[int, list[str], float]:
    import psycopg2

    from de06.db import server

    with psycopg2.connect(server.info().uri("airflow")) as c, c.cursor() as cur:
        cur.execute(TI_SQL, (dag_id, run_id, task_id))
        n, _, hosts, span = cur.fetchone()
    return int(n), sorted(h for h in (hosts or []) if h), float(span or 0.0)


def _run_span(dag_id: str, run_id: str) -> float:
    """Seconds from the run's start to its end, from Airflow's own dag_run record (a run queued
    behind another one, e.g. a scheduled run the cluster created at start, is not charged for
    the wait)."""
    import psycopg2

    from de06.db import server

    with psycopg2.connect(server.info().uri("airflow")) as c, c.cursor() as cur:
        cur.execute(
            "SELECT extract(epoch FROM end_date - start_date) FROM dag_run WHERE dag_id = %s AND run_id = %s",
            (dag_id, run_id),
        )
        row = cur.fetchone()
    return float(row[0]) if row and row[0] is not None else 0.0


class AirflowRss(PeakRss):
    """Largest resident set of any one Airflow process (Celery workers and the task processes
    they start, scheduler, api-server, ...; PostgreSQL excluded) sampled while the block runs:
    an upper bound of the peak memory of any task."""

    def __init__(self, interval: float = 0.5):
        super().__init__(interval)

    def _procs(self):
        out = []
        for p in psutil.process_iter(["cmdline"]):
            cmd = " ".join(p.info.get("cmdline") or [])
            if "postgres" not in cmd and ("airflow" in cmd or "celery" in cmd):
                out.append(p)
        return out


def _run(
    api, dag_id: str, conf: dict, timeout: float, rss: AirflowRss | None = None
) -> tuple[str, float, float]:
    """Trigger and wait; (run_id, seconds from the run's start to its end, mean machine CPU %)."""
    api.wait_dag(dag_id)
    api.pause_all_except(dag_id)
    api.fail_active_runs(dag_id)
    psutil.cpu_percent(None)
    t0 = time.perf_counter()
    run_id = api.trigger(dag_id, conf)
    with rss or contextlib.nullcontext():
        state = api.wait_run(dag_id, run_id, timeout=timeout, interval=0.5)
    waited = time.perf_counter() - t0
    cpu = psutil.cpu_percent(None)
    seconds = _run_span(dag_id, run_id) or waited
    if state != "success":
        from de06.errors import De06Error

        raise De06Error(f"{dag_id} run {run_id} ended {state}", "read the worker logs in .local/logs/cluster")
    return run_id, seconds, cpu


def _quality(airflow_run_id: str) -> dict[str, Any]:
    from de06.cleanse.evaluate import evaluate_run
    from de06.db import connect

    lltp, truth = connect("lltp"), connect("truth")
    try:
        with lltp.cursor() as cur:
            cur.execute("SELECT run_id FROM cleanse_run WHERE run_key = %s", (airflow_run_id,))
            run_id = cur.fetchone()[0]
        m = evaluate_run(lltp, truth, run_id)
    finally:
        lltp.close()
        truth.close()
    return {k: m.get(k) for k in ("precision", "recall", "review_rate", "outcomes")}


def _task_spans(dag_id: str, run_id: str) -> dict[str, float]:
    """Seconds each non-mapped task ran, and the mapped partitions' first start to last end."""
    import psycopg2

    from de06.db import server

    with psycopg2.connect(server.info().uri("airflow")) as c, c.cursor() as cur:
        cur.execute(
            "SELECT task_id, extract(epoch FROM max(end_date) - min(start_date)) FROM task_instance"
            " WHERE dag_id = %s AND run_id = %s GROUP BY task_id",
            (dag_id, run_id),
        )
        return {t: round(float(s or 0.0), 1) for t, s in cur.fetchall()}


def run_workers(
    workers: list[int], population: int, records: int, seed: int = 7, discard_decisions: bool = False
) -> dict:
    """``by_workers`` keyed by the count: seconds, records_per_s, precision, recall, hosts_used, cpu,
    the largest Airflow process's RSS and each task's span."""
    from de06.bench.cleanse import build_world, clear_history
    from de06.bench.common import guard_decisions

    guard_decisions(discard_decisions)
    build_world(population, records, "default", seed)
    out: dict[str, Any] = {}
    for n in workers:
        clear_history()  # every count starts from the same state
        with cluster(n) as api:
            rss = AirflowRss()
            run_id, seconds, cpu = _run(
                api, CLEANSE_DAG, {"mode": "full", "provinces": [], "dry_run": False}, 3600, rss
            )
        n_tasks, hosts, _ = _ti_stats(CLEANSE_DAG, run_id, "cleanse_partition")
        out[str(n)] = {
            "seconds": round(seconds, 2),
            "records_per_s": round(records / seconds, 1),
            **_quality(run_id),
            "hosts_used": len(hosts),
            "hosts": hosts,
            "partition_tasks": n_tasks,
            "machine_cpu_percent": round(cpu, 1),
            "peak_airflow_process_rss_mb": round(rss.peak_mb, 1),
            "task_spans_s": _task_spans(CLEANSE_DAG, run_id),
        }
    return out


def run_scheduler_throughput(n: int = 1000, workers: int = 2) -> float:
    """Completed no-op mapped tasks per second (first start to last end), on a fresh cluster."""
    with cluster(workers) as api:
        run_id, _, _ = _run(api, NOOP_DAG, {"n": n, "sleep_s": 0}, 3600)
    done, _, span = _ti_stats(NOOP_DAG, run_id, "noop")
    return round(done / span, 2) if span else 0.0


def main(
    workers: list[int],
    population: int,
    records: int,
    noop_tasks: int = 1000,
    seed: int = 7,
    discard_decisions: bool = False,
) -> os.PathLike:
    from de06.bench.common import write_result

    started = dt.datetime.now(dt.UTC)
    by = run_workers(workers, population, records, seed, discard_decisions)
    tps = run_scheduler_throughput(noop_tasks, workers=max(workers)) if noop_tasks > 0 else None
    lo, hi = str(min(workers)), str(max(workers))
    ratio = round(by[lo]["seconds"] / by[hi]["seconds"], 3) if lo != hi else None
    metrics = {
        "population": population,
        "records": records,
        "by_workers": by,
        f"speedup_{hi}_over_{lo}": ratio,
        "scheduler_tasks_per_s": tps,
        "noop_tasks": noop_tasks,
        "limits": "2 cores shared by workers, scheduler, api-server and PostgreSQL; each Airflow task "
        "starts a process that parses the DAG file (seconds of CPU) before it runs",
    }
    params = {
        "workers": workers,
        "population": population,
        "records": records,
        "noop_tasks": noop_tasks,
        "seed": seed,
        "concurrency_per_worker": CONCURRENCY,
        "executor": "CeleryExecutor",
    }
    return write_result("cleanse_workers", params, metrics, started_at=started)


if __name__ == "__main__":  # python -m de06.bench.scale 1,2 POPULATION RECORDS [NOOP]
    import sys

    args = sys.argv[1:]
    path = main(
        [int(x) for x in args[0].split(",")], int(args[1]), int(args[2]), int(args[3]) if args[3:] else 1000
    )
    print(path)
