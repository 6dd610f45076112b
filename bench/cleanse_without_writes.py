"""How much of a full cleansing run is the writing: ``.venv/bin/python bench/cleanse_without_writes.py``.

A counterfactual measurement, not a mode of the product. On the world the last ``de06 bench
cleanse`` built, it runs the whole cleansing twice over ``--processes`` worker processes (as the
benchmark's own run does), both as **dry runs** (no review items, nothing made current), each from
empty result tables:

- ``with_writes``: as the pipeline runs;
- ``without_writes``: the same, with the COPY of outcomes and cleaned rows replaced by nothing (the
  rows are still built), in this process and its forked workers only.

Prints one JSON object: wall seconds and the machine's CPU (user, system, idle) of each. Compare
with a peer's ``seconds`` in ``bench/results/cleanse.json``: it tells whether the matching alone
(standardising, candidate fetching, scoring) is ahead of the peer, writes aside.

It clears the cleansing history, as the benchmark does, so like the benchmark it refuses a
database holding review decisions people made unless given ``--discard-review-decisions``.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid

import psutil
from de06.bench.cleanse import clear_history, run_partitions
from de06.bench.common import DISCARD_FLAG, guard_script
from de06.cleanse import pipeline
from de06.db import connect


def _run(processes: int) -> dict:
    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        run = pipeline.start_run(lltp, f"split:{uuid.uuid4().hex}", "full", None, True, dancu=dancu)
        order = pipeline.largest_first(lltp, run.partitions)
    finally:
        lltp.close()
        dancu.close()
    c0, t0 = psutil.cpu_times(), time.perf_counter()
    run_partitions(run.run_id, order, processes)
    wall, c1 = time.perf_counter() - t0, psutil.cpu_times()
    return {
        "seconds": round(wall, 1),
        "machine_cpu_s": {k: round(getattr(c1, k) - getattr(c0, k), 1) for k in ("user", "system", "idle")},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument(DISCARD_FLAG, action="store_true", help="drop review decisions people made")
    args = ap.parse_args()
    guard_script(args.discard_review_decisions)
    out = {}
    clear_history()
    out["with_writes"] = _run(args.processes)
    clear_history()
    pipeline._copy = lambda cur, table, cols, rows: None  # the counterfactual: nothing is written
    out["without_writes"] = _run(args.processes)
    clear_history()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
