"""``de06 bench sync``: the military-court sync against the simulator's expected final state.

Initial load of ``--initial`` convictions, then ``--changes`` mixed changes committed in batches
(updates, expungements, new, duplicates, out-of-order, late rows inside the lookback window,
expungements before their conviction, ~1% malformed), one incremental run after each batch.
Metrics (BENCH.md): initial_rows, initial_seconds, changes, incremental_seconds, lost,
applied_twice, stale_overwrites, quarantined, parked - verified against the truth DB. Peer:
``full_reload``, a naive reload of the same data (read every sheet, keep the highest valid version
per conviction, map, resolve identities, write a fresh table), timed on the same machine.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import click


def _full_reload(connect) -> dict:
    from psycopg2.extras import execute_values

    from de06.sync import extract, resolve
    from de06.sync.mapping import Rejection, load_refs, map_conviction

    t0 = time.perf_counter()
    qp, lltp, dancu = connect("qp"), connect("lltp"), connect("dancu")
    try:
        extract.open_snapshot(qp)
        high = extract.high_watermark(qp)
        refs = load_refs(lltp)
        latest: dict[str, tuple[dict, object]] = {}
        expunged: dict[str, dt.date] = {}
        rows = 0
        if high is not None:
            for chunk in extract.chunks(qp, extract.START, high, 20_000):
                rows += len(chunk)
                for s in chunk:
                    key = s["conviction_ref"]
                    if s["kind"] == "conviction":
                        m = map_conviction(s, refs)
                        if not isinstance(m, Rejection) and (
                            key not in latest or s["version"] > latest[key][0]["version"]
                        ):
                            latest[key] = (s, m)
                    elif isinstance(s.get("expunged_on"), dt.date):
                        expunged[key] = min(expunged.get(key, s["expunged_on"]), s["expunged_on"])
        sheets = [s for s, _ in latest.values()]
        res: dict = {}
        cache: dict = {}
        for i in range(0, len(sheets), 5000):
            res.update(resolve.resolve(sheets[i : i + 5000], dancu, cache))
        with lltp.cursor() as cur:
            cur.execute("CREATE TEMP TABLE reload (LIKE conviction INCLUDING DEFAULTS) ON COMMIT DROP")
            values = []
            for key, (s, m) in latest.items():
                exp_on = expunged.get(key) or (m.expunged_on if m.expunged else None)
                r = res.get(key)
                values.append(
                    (
                        0,
                        "qp",
                        key,
                        r.citizen_id if r else None,
                        m.court_name,
                        m.judgment_no,
                        m.judgment_date,
                        m.crime_name,
                        m.article,
                        m.main_penalty,
                        m.penalty_months,
                        exp_on is not None,
                        exp_on,
                        s["version"],
                    )
                )
            execute_values(
                cur,
                "INSERT INTO reload (conviction_id, source, source_key, citizen_id, court_name,"
                " judgment_no, judgment_date, crime_name, article, main_penalty, penalty_months, expunged,"
                " expunged_on, source_version) VALUES %s",
                values,
                page_size=2000,
            )
        lltp.commit()
    finally:
        for c in (qp, lltp, dancu):
            c.close()
    return {"seconds": round(time.perf_counter() - t0, 3), "rows_read": rows, "convictions": len(latest)}


def run(
    initial: int,
    changes: int,
    seed: int = 6,
    batches: int = 4,
    chunk_size: int = 5000,
    discard_decisions: bool = False,
) -> Path:
    from de06.bench.common import PeakRss, guard_decisions, write_result
    from de06.db import connect
    from de06.simulators import military as sim
    from de06.sync.admin import reset_sync_state
    from de06.sync.runner import SyncOptions, run_sync
    from de06.sync.verify import compare

    started = dt.datetime.now(dt.UTC)
    guard_decisions(discard_decisions, "qp")  # reset_sync_state drops the sync's review items
    p = sim.MilitaryParams(initial=initial, changes=changes, seed=seed, batches=batches)
    dancu, qp, truth, lltp = connect("dancu_admin"), connect("qp"), connect("truth"), connect("lltp")
    try:
        click.echo("generating the military world ...", err=True)
        world = sim.generate(p, *sim.draw_people(dancu, p))
        sim.reset_source(qp, truth)
        sim.write_truth(truth, world)
        reset_sync_state(lltp)
        sim.load_batch(qp, world, 0)
        opts = dict(chunk_size=chunk_size, lookback=dt.timedelta(minutes=60))
        with PeakRss() as rss:
            t0 = time.perf_counter()
            first = run_sync(SyncOptions(run_key=f"bench-{started:%Y%m%dT%H%M%S}-0", **opts))
            initial_seconds = time.perf_counter() - t0
            incremental = 0.0
            runs = [first.line]
            for b in range(1, p.batches + 1):
                sim.load_batch(qp, world, b)  # the source commits a batch; not timed
                t0 = time.perf_counter()
                r = run_sync(SyncOptions(run_key=f"bench-{started:%Y%m%dT%H%M%S}-{b}", **opts))
                incremental += time.perf_counter() - t0
                runs.append(r.line)
        got = compare(lltp, truth)
        with lltp.cursor() as cur:
            cur.execute(
                "SELECT count(*) FILTER (WHERE outcome = 'quarantined'),"
                " count(*) FILTER (WHERE outcome = 'parked')"
                " FROM qp_sync_ledger"
            )
            quarantined, parked = cur.fetchone()
        lltp.commit()
    finally:
        for c in (dancu, qp, truth, lltp):
            c.close()
    click.echo("timing the naive full reload ...", err=True)
    peer = _full_reload(connect)
    n_changes = sum(len(world.batch(b)) for b in range(1, p.batches + 1))
    metrics = {
        "initial_rows": len(world.batch(0)),
        "initial_seconds": round(initial_seconds, 3),
        "changes": n_changes,
        "incremental_seconds": round(incremental, 3),
        "lost": got["lost"],
        "applied_twice": got["applied_twice"],
        "stale_overwrites": got["stale_overwrites"],
        "mismatched": got["mismatched"],
        "unexpected": got["unexpected"],
        "quarantined": int(quarantined),
        "parked": int(parked),
        "expected_convictions": got["expected"],
        "target_convictions": got["target"],
        "peak_rss_mb": round(rss.peak_mb, 1),
        "runs": runs,
    }
    ratios = {
        "full_reload_seconds_over_ours": round(peer["seconds"] / incremental, 2) if incremental else None
    }
    return write_result(
        "sync",
        {**p.as_dict(), "chunk_size": chunk_size, "lookback_minutes": 60},
        metrics,
        peers={"full_reload": peer},
        ratios=ratios,
        started_at=started,
    )


@click.command("sync")
@click.option(
    "--initial", default=20_000, show_default=True, help="Convictions in the initial load (issue: 200000)."
)
@click.option("--changes", default=2_000, show_default=True, help="Mixed changes (issue: 20000).")
@click.option("--seed", default=6, show_default=True)
@click.option("--batches", default=4, show_default=True)
@click.option("--chunk-size", default=5000, show_default=True)
@click.option(
    "--discard-review-decisions",
    is_flag=True,
    help="Run even when the database holds review decisions people made on military-court items "
    "(the benchmark resets the sync and drops them). Without it, such a database is refused.",
)
def command(
    initial: int, changes: int, seed: int, batches: int, chunk_size: int, discard_review_decisions: bool
) -> None:
    """Benchmark the military-court sync; writes bench/results/sync.json and prints its path."""
    path = run(initial, changes, seed, batches, chunk_size, discard_review_decisions)
    click.echo(str(path))
