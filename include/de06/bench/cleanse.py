"""``de06 bench cleanse``: the judicial cleansing against the simulator's ground truth, with peers.

1. Builds the world with the simulators (population ``--population``, judicial records ``--records``
   at noise profile ``--noise``), unless the same world is already loaded.
2. Clears the cleansing history of this benchmark database (:func:`clear_history`: the first
   cleansing of the backlog starts with empty result tables, and earlier runs' rows would slow
   each later run), then runs the cleansing pipeline exactly as the DAG does (start -> one step
   per province partition -> reconcile -> finish), the partitions spread over ``--workers``
   processes as the DAG's mapped tasks spread over workers. Wall time and peak RSS (sampled: the
   driver, its workers and the PostgreSQL backends serving them) are measured.
3. Precision, recall, review rate, overall and per noise kind, from ``truth.record_truth``.
4. Exports the same data as files (not timed) and runs the peers on them, each in its own process:
   Splink 5 (DuckDB, equivalent blocking) and a pandas merge baseline (de06.bench.peers_cleanse).
5. Writes ``bench/results/cleanse.json`` (BENCH.md shape; ``cleanse_<noise>.json`` for a profile
   other than ``default``, so a heavy run does not replace the issue's figure) and returns its path.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import statistics
import time
import uuid
from pathlib import Path

from de06 import config
from de06.bench.common import PeakRss, guard_decisions, write_result


def medians(metrics: dict, peer_out: dict, ours_runs: list[float], peer_runs: dict[str, list[float]]) -> dict:
    """With several runs, every time becomes the median of its runs (the runs listed beside it as
    ``seconds_runs``) and records/s follows ours; returns each scored peer's time over ours."""
    if len(ours_runs) > 1:
        metrics["seconds_runs"] = ours_runs
        metrics["seconds"] = round(statistics.median(ours_runs), 3)
        metrics["records_per_s"] = (
            round(metrics["records"] / metrics["seconds"], 1) if metrics["seconds"] else None
        )
        for name, runs in peer_runs.items():
            peer_out[name]["seconds_runs"] = runs
            peer_out[name]["seconds"] = round(statistics.median(runs), 3)
    if not metrics["seconds"]:
        return {}
    return {
        f"{n}_seconds_over_ours": round(peer_out[n]["seconds"] / metrics["seconds"], 3) for n in peer_runs
    }


def build_world(population: int, records: int, noise: str, seed: int) -> dict:
    from de06.db import migrate
    from de06.simulators import judicial
    from de06.simulators import population as pop_sim

    migrate.upgrade()
    t0 = time.perf_counter()
    p = pop_sim.load(pop_sim.PopulationParams(size=population, seed=seed), progress=True)
    # a rebuilt world drops what was built on the old one (de06.simulators.runs.forget_derived)
    r = judicial.load(judicial.JudicialParams(records=records, seed=seed, noise=noise), progress=True)
    return {"population": p, "judicial": r, "seconds": round(time.perf_counter() - t0, 1)}


def clear_history() -> dict:
    """Start the timed run as the first cleansing of the 1.2M backlog starts: with no earlier
    outcomes in the result tables. Rows of earlier benchmark runs would make every index insert
    slower run after run (measured: 144.3 s on empty tables, 166.2 s with ~4.8M earlier rows), so the
    figure would depend on how many benchmarks ran before. Drops the cleansing history and the
    judicial review queue of this (benchmark) database; returns how many outcome rows it held."""
    from de06.cleanse.pipeline import reset_history
    from de06.db import connect

    conn = connect("lltp")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM record_outcome")
            n = int(cur.fetchone()[0])
        conn.rollback()
        reset_history(conn)
    finally:
        conn.close()
    return {"earlier_outcome_rows_dropped": n}


def _backend_cpu(*conns) -> float | None:
    """CPU seconds the PostgreSQL backends serving ``conns`` have used since they started; None
    unless the server is the embedded one (an external server's processes are not on this
    machine)."""
    import psutil

    from de06.db import server

    if server.info(start=False).kind != "embedded":
        return None
    total = 0.0
    for c in conns:
        try:
            t = psutil.Process(c.get_backend_pid()).cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        total += t.user + t.system
    return total


def _worker(args: tuple[int, list[str]]) -> float | None:
    """Cleanse the partitions of a run; returns the CPU seconds of this worker's two backends
    (None when they cannot be read, see :func:`_backend_cpu`)."""
    from de06.cleanse import pipeline
    from de06.db import connect

    run_id, parts = args
    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        for p in parts:
            pipeline.process_partition(run_id, p, lltp, dancu)
        return _backend_cpu(lltp, dancu)
    finally:
        lltp.close()
        dancu.close()


#: What a run reads, per database: tables (their indexes come along).
WARM_TABLES = {"dancu": ("citizen", "citizen_cmnd"), "lltp": ("judicial_record",)}
_FILES_SQL = """
SELECT pg_relation_filepath(x) FROM (
    SELECT c.oid AS x FROM pg_class c WHERE c.oid = ANY (%(t)s::regclass[])
    UNION ALL
    SELECT i.indexrelid FROM pg_index i WHERE i.indrelid = ANY (%(t)s::regclass[])
) s
"""


def warm_cache() -> dict:
    """Read the files of the tables and indexes a run reads once, so the run starts from the page
    cache of a server that has been serving (the peers, likewise, read files the benchmark has just
    written). Only for the embedded server, whose data directory is local; returns MB and seconds."""
    from de06.db import connect

    t0 = time.perf_counter()
    total = 0
    root = config.pgdata_dir()
    for db, tables in WARM_TABLES.items():
        conn = connect(db)
        try:
            with conn.cursor() as cur:
                cur.execute(_FILES_SQL, {"t": list(tables)})
                rels = [r[0] for r in cur.fetchall()]
            conn.rollback()
        finally:
            conn.close()
        for rel in rels:
            base = root / rel
            seg = 0
            while (f := base if seg == 0 else base.with_name(f"{base.name}.{seg}")).is_file():
                with f.open("rb", buffering=0) as fh:
                    while chunk := fh.read(8 << 20):
                        total += len(chunk)
                seg += 1
    return {"mb": round(total / 2**20, 1), "seconds": round(time.perf_counter() - t0, 1)}


def run_partitions(run_id: int, order: list[str], workers: int, rss: PeakRss | None = None) -> list:
    """Cleanse the partitions of a run in ``order``, each to the next free one of ``workers``
    forked processes (as Airflow hands mapped tasks to free worker slots); one process runs them
    in turn. Returns what :func:`_worker` returns per task (the backends' CPU seconds). With
    ``rss``, the PostgreSQL backends serving the workers count in its peak RSS too."""
    if workers <= 1:
        return [_worker((run_id, order))]
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        res = pool.map_async(_worker, [(run_id, [p]) for p in order], chunksize=1)
        while not res.ready():
            if rss is not None:
                rss.extra = _server_children()
            res.wait(0.5)
        return res.get()
    finally:
        # close and join, not the context manager's terminate(): a forked worker keeps its
        # parent's SIGTERM handler (pytest under Airflow's fixtures has one), so one waiting on
        # the task queue's lock survives terminate() and join() hangs
        pool.close()
        pool.join()


def run_ours(workers: int) -> dict:
    """One full run, partitions over ``workers`` processes; seconds, peak RSS, run id."""
    from de06.cleanse import pipeline
    from de06.db import connect

    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        with PeakRss(extra_pids=[]) as rss:
            t0 = time.perf_counter()
            driver_backends0 = _backend_cpu(lltp, dancu)
            run = pipeline.start_run(lltp, f"bench:{uuid.uuid4().hex}", "full", None, False, dancu=dancu)
            # biggest partitions first, each to the next free process (as the DAG's start task
            # orders them and Airflow hands mapped tasks to free worker slots)
            order = pipeline.largest_first(lltp, run.partitions)
            per_worker = run_partitions(run.run_id, order, workers, rss)
            rec = pipeline.reconcile(run.run_id, lltp)
            counts = pipeline.finish_run(run.run_id, lltp)
            driver_backends1 = _backend_cpu(lltp, dancu)
            seconds = time.perf_counter() - t0
    finally:
        lltp.close()
        dancu.close()
    cpu = rss.cpu()
    return {
        "run_id": run.run_id,
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(rss.peak_mb, 1),
        "peak_rss_total_mb": round(rss.peak_total_mb, 1),
        "cpu_seconds": {
            # the driver and its worker processes (the kernel's count of the reaped workers)
            "python": cpu["tree"],
            # the backends serving the driver and the workers, read from each before it closes
            "postgres_backends": None
            if None in (*per_worker, driver_backends0, driver_backends1)
            else round(sum(per_worker) + driver_backends1 - driver_backends0, 1),
            # every process on the machine (PostgreSQL's WAL writer, autovacuum, ... included)
            "machine": cpu["machine"],
        },
        "reconcile": rec,
        "counts": counts,
    }


def _server_children() -> list[int]:
    """PIDs of the PostgreSQL server's backends (embedded server: children of the postmaster)."""
    import psutil

    pids = []
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            if (
                p.info["name"]
                and p.info["name"].startswith("postgres")
                and "lltp" in " ".join(p.info["cmdline"] or [])
            ):
                pids.append(p.pid)
            elif (
                p.info["name"]
                and p.info["name"].startswith("postgres")
                and "dancu" in " ".join(p.info["cmdline"] or [])
            ):
                pids.append(p.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return pids


def _peer_child(conn, name: str, pop_path: str, rec_path: str, workers: int) -> None:
    from de06.bench import peers_cleanse

    try:
        fn = getattr(peers_cleanse, peers_cleanse.PEERS[name])
        conn.send(("ok", fn(pop_path, rec_path, workers=workers)))
    except Exception as exc:  # reported by the parent as one line
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_peer(name: str, pop_path: Path, rec_path: Path, workers: int, timeout_s: float | None = None) -> dict:
    """One peer in its own (non-daemonic) process, so its peak RSS is its own and it may use a pool.

    The parent samples the peer's process tree RSS every second (``PeakRss(root_pid=...)``). A
    peer still running after ``timeout_s`` is stopped (with its children) and reported as
    ``{"timed_out": True, ...}`` (its time then a lower bound); a peer that dies without an
    answer (e.g. killed by the kernel when memory ran out) is reported as
    ``{"failed": ..., "peak_rss_mb": ...}`` instead of aborting the benchmark.
    """
    import psutil

    from de06.runtime.process import kill_tree

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_peer_child, args=(child, name, str(pop_path), str(rec_path), workers))
    t0 = time.perf_counter()
    proc.start()
    child.close()
    deadline = None if timeout_s is None else t0 + timeout_s
    status, value = None, None
    with PeakRss(interval=1.0, root_pid=proc.pid) as rss:
        # an answer may still be in the pipe when the peer has already exited: poll before is_alive
        while deadline is None or time.perf_counter() < deadline:
            wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.perf_counter()))
            if parent.poll(wait):
                try:
                    status, value = parent.recv()
                except EOFError:  # the peer died while answering
                    pass
                break
            if not proc.is_alive():
                break
        timed_out = status is None and proc.is_alive()
        if timed_out:
            kill_tree([psutil.Process(proc.pid)], timeout=5.0)
    proc.join()
    seconds = round(time.perf_counter() - t0, 1)
    peak = round(rss.peak_total_mb, 1)
    if timed_out:
        return {"timed_out": True, "seconds": seconds, "timeout_s": timeout_s, "peak_rss_mb": peak}
    if status is None:
        code = proc.exitcode
        why = (
            "killed by SIGKILL (the kernel's out-of-memory killer, or a user)"
            if code == -9
            else f"exit {code}"
        )
        return {"failed": f"{name} died without an answer: {why}", "seconds": seconds, "peak_rss_mb": peak}
    if status != "ok":
        # recorded, not raised: our figures and the other peers' still make the result
        return {"failed": f"{name} raised {value}", "seconds": seconds, "peak_rss_mb": peak}
    return value


def _export(conn, query: str, path: Path) -> None:
    """One query -> Parquet, streamed through COPY CSV (no Python object per cell at 10M rows)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    tmp = path.with_suffix(".csv")
    with conn.cursor() as cur, tmp.open("wb") as f:
        cur.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)", f)
    conn.rollback()
    with pcsv.open_csv(tmp) as head:  # reads the first block only, for the column names
        names = head.schema.names
    table = pcsv.read_csv(
        tmp, convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    )
    pq.write_table(table, path)
    del table
    tmp.unlink()


def export_files(folder: Path) -> tuple[Path, Path, dict[str, str | None]]:
    """Population and records in the `cleanse link` column contract, and the truth, for the peers."""
    from de06.db import connect

    folder.mkdir(parents=True, exist_ok=True)
    dancu, lltp, truth = connect("dancu"), connect("lltp"), connect("truth")
    try:
        _export(
            dancu,
            "SELECT citizen_id::text, cccd, cmnd, full_name, dob::text, sex, birth_province FROM citizen",
            folder / "population.parquet",
        )
        _export(
            lltp,
            "SELECT record_id::text, full_name, dob_text, id_number, sex_text AS sex,"
            " birth_place AS birth_province FROM judicial_record",
            folder / "records.parquet",
        )
        with truth.cursor() as cur:
            cur.execute("SELECT record_id::text, citizen_id::text FROM record_truth")
            tr = dict(cur.fetchall())
    finally:
        dancu.close()
        lltp.close()
        truth.close()
    return folder / "population.parquet", folder / "records.parquet", tr


def run(
    population: int = 100_000,
    records: int = 10_000,
    noise: str = "default",
    peers: tuple[str, ...] = ("splink", "pandas_merge"),
    workers: int = 2,
    seed: int = 1,
    peer_timeout_s: float | None = None,
    discard_decisions: bool = False,
    repeat: int = 1,
) -> Path:
    """The benchmark; with ``repeat`` > 1, ours and each peer run that many times, interleaved
    (ours, the peers, ours, the peers, ...), each of ours from empty result tables, and every time
    is the median of its runs (the runs are listed as ``seconds_runs``): this machine's hour moves a
    single run by ±15 %, an interleaved median much less. Quality figures come from the first run;
    later runs must give the same outcomes (``outcomes_by_run`` says if they did not)."""
    from de06.bench import peers_cleanse
    from de06.cleanse.evaluate import evaluate_run
    from de06.db import connect
    from de06.errors import InputError

    started = dt.datetime.now(dt.UTC)
    if repeat < 1:
        raise InputError(f"--repeat {repeat} is below 1", "give a number of runs, 1 or more")
    guard_decisions(discard_decisions)
    world = build_world(population, records, noise, seed)
    history = clear_history()
    warm = warm_cache()
    ours = run_ours(workers)
    lltp, truth_conn = connect("lltp"), connect("truth")
    try:
        q = evaluate_run(lltp, truth_conn, ours["run_id"])
    finally:
        lltp.close()
        truth_conn.close()
    metrics = {
        "population": population,
        "records": q["records"],
        "seconds": ours["seconds"],
        "records_per_s": round(q["records"] / ours["seconds"], 1) if ours["seconds"] else None,
        "peak_rss_mb": ours["peak_rss_mb"],
        "peak_rss_total_mb": ours["peak_rss_total_mb"],
        "cpu_seconds": ours["cpu_seconds"],
        "precision": round(q["precision"], 6),
        "recall": round(q["recall"], 6),
        "review_rate": round(q["review_rate"], 6),
        "wrong_links": q["wrong_links"],
        "outcomes": q["outcomes"],
        "by_noise": q["by_noise"],
        "reconcile": ours["reconcile"],
        "world_build_seconds": world["seconds"],
        "history": history,
        "cache_warmed": warm,
    }
    # the same matcher on a data set another generator made (FEBRL 4; a few seconds). Its files
    # come with a development dependency: without it the result says so instead of failing the run.
    from de06.bench import febrl

    try:
        metrics["independent"] = {f"febrl{ds}": febrl.run(data_set=ds) for ds in febrl.DATA_SETS}
    except InputError as exc:
        metrics["independent"] = {"febrl": {"skipped": exc.line()}}
    peer_out: dict[str, dict] = {}
    ratios: dict[str, float] = {}
    if peers:
        t_export = time.perf_counter()
        pop_path, rec_path, truth = export_files(config.local_dir() / "bench" / "cleanse")
        # the peers read files staged for them: the staging is timed once and shown beside each
        # peer, never added to its time (a peer's seconds start at reading those files)
        export_s = round(time.perf_counter() - t_export, 1)
        for name in peers:
            res = run_peer(name, pop_path, rec_path, workers, peer_timeout_s)
            res["input_export_seconds"] = export_s
            if res.get("failed"):
                peer_out[name] = res  # no links to score; the failure and its memory are the result
                continue
            if res.get("timed_out"):
                # no links to score; its time is a lower bound ("at least this many times ours")
                peer_out[name] = res
                if ours["seconds"]:
                    ratios[f"{name}_seconds_over_ours_at_least"] = round(res["seconds"] / ours["seconds"], 3)
                continue
            peer_out[name] = peers_cleanse.peer_metrics(res, truth)
    ours_runs = [ours["seconds"]]
    peer_runs = {
        n: [r["seconds"]] for n, r in peer_out.items() if not (r.get("failed") or r.get("timed_out"))
    }
    for _ in range(repeat - 1):
        clear_history()
        again = run_ours(workers)
        ours_runs.append(again["seconds"])
        counts = {k: again["counts"].get(k, 0) for k in q["outcomes"]}  # as finish_run counted them
        if counts != q["outcomes"]:
            metrics.setdefault("outcomes_by_run", [q["outcomes"]]).append(counts)
        for name in peer_runs:
            res = run_peer(name, pop_path, rec_path, workers, peer_timeout_s)
            if not (res.get("failed") or res.get("timed_out")):
                peer_runs[name].append(res["seconds"])
    ratios.update(medians(metrics, peer_out, ours_runs, peer_runs))
    params = {
        "population": population,
        "records": records,
        "noise": noise,
        "peers": list(peers),
        "workers": workers,
        "seed": seed,
        "peer_timeout_s": peer_timeout_s,
        "pg_settings": _pg_settings(),
        "repeat": repeat,
    }
    name = "cleanse" if noise == "default" else f"cleanse_{noise}"
    return write_result(name, params, metrics, peer_out, ratios, started_at=started)


def _pg_settings() -> dict[str, str]:
    """The server settings that matter for the figures (recorded with the result)."""
    from de06.db import connect

    conn = connect("dancu")
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT name, current_setting(name) FROM pg_settings"
                " WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_wal_size',"
                " 'io_method', 'server_version')"
            )
            return dict(cur.fetchall())
    finally:
        conn.close()
