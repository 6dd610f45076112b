"""A/B check that a change leaves the cleansing's results as they were, to the byte.

``PYTHONPATH=<checkout>/include python bench/dump_outcomes.py 074,075,002 /tmp/a.txt``

On the world the last ``de06 bench cleanse`` built (it clears the cleansing history and the
judicial review queue first, as the benchmark does), runs the given partitions in one process with
the code on ``PYTHONPATH``, writes every column of their outcomes, cleaned rows and review items
(run ids and timestamps left out) to the file, and prints the CPU it took and the file's hash. Run
it with the code before and after a change: equal hashes mean equal results; the CPU lines compare
the two (noisy on a shared machine: alternate the runs).
"""

from __future__ import annotations

import hashlib
import sys
import time
import uuid

import psutil
from de06.cleanse import pipeline
from de06.db import connect

_DUMPS = (
    "SELECT (to_jsonb(t) - 'run_id')::text FROM record_outcome t WHERE run_id = %(run)s ORDER BY record_id",
    "SELECT (to_jsonb(t) - 'run_id')::text FROM record_cleaned t WHERE run_id = %(run)s ORDER BY record_id",
    "SELECT (to_jsonb(t) - 'run_id' - 'item_id' - 'created_at' - 'updated_at')::text FROM review_item t"
    " WHERE source = 'lltp' ORDER BY source_key",
)


def main(parts: list[str], out: str) -> None:
    lltp, dancu = connect("lltp"), connect("dancu")
    pipeline.reset_history(lltp)
    run = pipeline.start_run(lltp, f"ab:{uuid.uuid4().hex}", "full", parts, False, dancu=dancu)
    backends = [psutil.Process(c.get_backend_pid()) for c in (lltp, dancu)]

    def pg_cpu() -> float:
        return sum(sum(p.cpu_times()[:2]) for p in backends)

    g0, t0, c0 = pg_cpu(), time.perf_counter(), time.process_time()
    n = sum(pipeline.process_partition(run.run_id, p, lltp, dancu)["input"] for p in parts)
    wall, py, pg = time.perf_counter() - t0, time.process_time() - c0, pg_cpu() - g0
    print(
        f"{pipeline.__file__} records={n} wall={wall:.2f}s python={py:.2f}s postgres={pg:.2f}s"
        f" python_us_per_record={1e6 * py / n:.0f} postgres_us_per_record={1e6 * pg / n:.0f}"
    )
    with lltp.cursor() as cur, open(out, "w", encoding="utf-8") as f:
        for q in _DUMPS:
            cur.execute(q, {"run": run.run_id})
            for (row,) in cur:
                f.write(row + "\n")
    lltp.rollback()
    pipeline.reset_history(lltp)
    with open(out, "rb") as f:
        print("sha256", hashlib.sha256(f.read()).hexdigest())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python bench/dump_outcomes.py PARTITION[,PARTITION...] OUT_FILE")
    main(sys.argv[1].split(","), sys.argv[2])
