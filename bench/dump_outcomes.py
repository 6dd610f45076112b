"""A/B check that a change leaves the cleansing's results as they were, to the byte.

``PYTHONPATH=<checkout>/include .venv/bin/python bench/dump_outcomes.py 074,075,002 /tmp/a.txt``

On the world the last ``de06 bench cleanse`` built (it clears the cleansing history and the
judicial review queue first, as the benchmark does), runs the given partitions in one process with
the code on ``PYTHONPATH`` and writes, per record, a SHA-256 of every column of its outcome and of
its cleaned row, and per review item a SHA-256 of the item (run ids and timestamps left out). Only
record ids and digests reach the file, never a name or an ID number. It prints the CPU the run took
and the file's own digest. Run it with the code before and after a change: equal digests mean
equal results, and a diff of the two files names the records that differ; the CPU lines compare
the two (noisy on a shared machine: alternate the runs).

It clears the cleansing history, as the benchmark does, so like the benchmark it refuses a
database holding review decisions people made unless given ``--discard-review-decisions``.
"""

from __future__ import annotations

import hashlib
import sys
import time
import uuid

from de06.bench.cleanse import _backend_cpu, clear_history
from de06.bench.common import DISCARD_FLAG, guard_script
from de06.cleanse import pipeline
from de06.db import connect

#: (label, query): each row is (key, every column as JSON text).
_DUMPS = (
    (
        "outcome",
        "SELECT record_id::text, (to_jsonb(t) - 'run_id')::text FROM record_outcome t"
        " WHERE run_id = %(run)s ORDER BY record_id",
    ),
    (
        "cleaned",
        "SELECT record_id::text, (to_jsonb(t) - 'run_id')::text FROM record_cleaned t"
        " WHERE run_id = %(run)s ORDER BY record_id",
    ),
    (
        "review",
        "SELECT source_key, (to_jsonb(t) - 'run_id' - 'item_id' - 'created_at' - 'updated_at')::text"
        " FROM review_item t WHERE source = 'lltp' ORDER BY source_key",
    ),
)


def main(parts: list[str], out: str) -> None:
    clear_history()
    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        run = pipeline.start_run(lltp, f"ab:{uuid.uuid4().hex}", "full", parts, False, dancu=dancu)
        g0, t0, c0 = _backend_cpu(lltp, dancu), time.perf_counter(), time.process_time()
        n = sum(pipeline.process_partition(run.run_id, p, lltp, dancu)["input"] for p in parts)
        wall, py, g1 = time.perf_counter() - t0, time.process_time() - c0, _backend_cpu(lltp, dancu)
        pg = None if None in (g0, g1) else round(g1 - g0, 2)
        print(
            f"{pipeline.__file__} records={n} wall={wall:.2f}s python={py:.2f}s postgres={pg}s"
            f" python_us_per_record={1e6 * py / n:.0f}"
        )
        digest = hashlib.sha256()
        with lltp.cursor() as cur, open(out, "w", encoding="utf-8") as f:
            for label, q in _DUMPS:
                cur.execute(q, {"run": run.run_id})
                for key, row in cur:
                    line = f"{label}\t{key}\t{hashlib.sha256(row.encode()).hexdigest()}\n"
                    f.write(line)
                    digest.update(line.encode())
        lltp.rollback()
    finally:
        lltp.close()
        dancu.close()
    clear_history()
    print("sha256", digest.hexdigest())


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != DISCARD_FLAG]
    if len(args) != 2:
        sys.exit(
            "usage: .venv/bin/python bench/dump_outcomes.py PARTITION[,PARTITION...] OUT_FILE"
            f" [{DISCARD_FLAG}]"
        )
    guard_script(DISCARD_FLAG in sys.argv)
    main(args[0].split(","), args[1])
