"""Health-book push (issue 6): clinic XML in the BHXH inbox -> VNeID health books, event-driven.

Triggered by the asset ``bhxh_health_work``, whose ``AssetWatcher`` runs
``de06.health.trigger.HealthWorkTrigger`` in the triggerer: it polls the ``bhxh`` inbox/outbox
every second and fires when unannounced work lands, and again for work still waiting 10 s after
it was announced: Airflow records but does not queue events for a paused DAG, and a run may end
before it saw the work, so the re-announcement is what strands nothing after a pause.

One task drains *everything* due, not only what its event announced, so events that fold into
one run (``max_active_runs=1``, a paused DAG, a restarted triggerer) strand nothing:

1. claim received submissions (``FOR UPDATE SKIP LOCKED``), parse them with the hardened parser,
   validate field by field, record accepted/rejected with the reason;
2. map to health-book entries, resolve each person against the population DB (children without
   a VNeID account go to the guardian's book; unresolved -> parked, retried when ``dancu`` changes);
3. push with an idempotency key per entry (retries, backoff + jitter, 429 Retry-After, circuit
   breaker); acknowledge only on 201/200; permanent 4xx -> ``dead_letter``;
4. record counts and latency p50/p95/p99 in ``bhxh.push_run``;
5. ``quality``: the Great Expectations suite ``health_microbatch`` on the run's micro-batch (IDs,
   codes, completeness, duplicates, freshness) into the data-quality store and Data Docs; a breach is
   reported there and does not undo or fail the push (param ``quality`` false skips it).

Params: ``api_url`` (default: the workers' env ``DE06_VNEID_API_URL``, else http://127.0.0.1:8600;
another URL only if listed in the workers' ``DE06_VNEID_ALLOWED_URLS``, so whoever triggers a run
cannot send health data and the client secret elsewhere; the credentials come from the workers'
``DE06_VNEID_CLIENT_ID`` / ``DE06_VNEID_CLIENT_SECRET``, never from a run), ``max_run_s`` (at most
1080, under the 20-minute task timeout), ``batch_size``, ``concurrency``, ``api_batch`` (entries per
call to the API's batch endpoint, 0: one call per entry), ``retry_base_s``, ``idle_exit_s`` (a run
lingers this long for more work before it ends, default 5 s: cheaper than starting a new run),
``unreachable_after_s`` (default 30 s, see below). The Airflow Variable ``health_push_overrides`` (a
JSON object of these params, each checked against the same bounds) overrides them for every run,
asset-triggered runs included (they carry no conf).

When the VNeID API cannot be reached (nothing answers, every push fails below HTTP), the run stops
once ``unreachable_after_s`` of such failures have passed without any answer (any HTTP answer, a
5xx or 429 included, means the API is there, and the run goes on as usual); its items stay pending
(a push that never left is not a delivery attempt), it is recorded in ``push_run`` as unreachable and
fails without retrying, naming the endpoint and the fix. Only the first failed run of an outage mails
the on-call: the later ones (of this DAG or ``health_push_scheduled``) fail too but log "alert not
sent ... outage ongoing since ..." instead, until a run has reached the API again
(``de06.health.outage``).
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset, AssetWatcher, Param, dag, task
from de06.alerts import failure_notifier
from de06.health import knobs
from de06.health.outage import hold_repeated_outage_alerts
from de06.health.trigger import HealthWorkTrigger

health_work = Asset(
    name="bhxh_health_work",
    uri="de06://bhxh/health_work",
    watchers=[
        AssetWatcher(
            name="bhxh_health_work_watcher",
            trigger=HealthWorkTrigger(poll_interval=1.0, stale_after=10.0),
        )
    ],
)


@dag(
    dag_id="health_push",
    on_failure_callback=failure_notifier(
        dataset="health_microbatch", skip_if=hold_repeated_outage_alerts("event")
    ),
    schedule=[health_work],
    catchup=False,
    max_active_runs=1,
    doc_md=__doc__,
    tags=["de06", "health", "bhxh", "vneid", "event-driven"],
    params={
        "api_url": Param(None, type=["null", "string"]),
        "max_run_s": knobs.param("max_run_s"),
        "batch_size": knobs.param("batch_size"),
        "concurrency": knobs.param("concurrency"),
        "api_batch": knobs.param("api_batch"),
        "retry_base_s": knobs.param("retry_base_s"),
        "idle_exit_s": knobs.param("idle_exit_s", 5.0),
        "unreachable_after_s": knobs.param("unreachable_after_s"),
        "quality": Param(True, type="boolean"),
    },
    default_args={
        "owner": "de06-health",
        "retries": 2,
        "execution_timeout": timedelta(minutes=20),
        "retry_delay": timedelta(seconds=5),
    },
)
def health_push():
    @task
    def drain_outbox(params=None, run_id=None) -> dict:
        from de06.health.tasks import run_drain, with_overrides

        return run_drain("event", with_overrides(params), run_id=run_id)

    @task
    def quality(summary: dict, params=None) -> dict:
        from de06.health.tasks import run_quality, with_overrides

        if not with_overrides(params).get("quality", True):
            return {"skipped": "param quality=false"}

        return run_quality(summary)

    quality(drain_outbox())


dag = health_push()
