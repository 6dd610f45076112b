"""What pruning the cleansing history costs at scale: ``.venv/bin/python bench/prune_history.py``.

On the world the last ``de06 bench cleanse`` built (its run is the one full run in the history),
it runs what a month of operation leaves behind and prunes it with the clock moved past the
retention window (``de06.cleanse.retention.prune_history(..., now=...)``):

1. an incremental run (re-reads the records still in review or unmatched), then a dry prune and
   a real one: the superseded rows of the full run go;
2. a second full run (the benchmark's own runner, ``--processes`` worker processes), then a prune:
   the first runs' remaining rows go, the newest run's stay.

Prints one JSON object: seconds and deleted rows of each step, and the rows left per run.
Leaves the history with the newest full run only (what the benchmark starts from anyway).
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

from de06.bench.cleanse import run_ours
from de06.cleanse import pipeline
from de06.cleanse.retention import KEEP_DAYS, prune_history
from de06.db import connect

_KEYS = ("runs_past_window", "record_outcome", "record_cleaned", "deleted_by_run")


def _prune(lltp, dry_run: bool = False) -> dict:
    later = datetime.now(UTC) + timedelta(days=KEEP_DAYS + 1)
    t = time.perf_counter()
    p = prune_history(lltp, KEEP_DAYS, dry_run=dry_run, now=later)
    return {"seconds": round(time.perf_counter() - t, 1), **{k: p[k] for k in _KEYS}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()
    out: dict = {}
    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        t = time.perf_counter()
        r = pipeline.run_all(lltp, dancu, f"bench:prune:{uuid.uuid4().hex}", "incremental")
        secs = round(time.perf_counter() - t, 1)
        out["incremental_run"] = {"seconds": secs, "input": r["reconcile"]["input"]}
        out["prune_after_incremental_dry"] = _prune(lltp, dry_run=True)
        out["prune_after_incremental"] = _prune(lltp)
    finally:
        lltp.close()
        dancu.close()
    t = time.perf_counter()
    run_ours(args.processes)
    out["full_run"] = {"seconds": round(time.perf_counter() - t, 1)}
    lltp = connect("lltp")
    try:
        out["prune_after_full"] = _prune(lltp)
        with lltp.cursor() as cur:
            cur.execute("SELECT run_id, count(*) FROM record_outcome GROUP BY 1 ORDER BY 1")
            out["outcome_rows_left"] = cur.fetchall()
    finally:
        lltp.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
