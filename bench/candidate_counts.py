"""How many candidate citizens each blocking query brings back:
``.venv/bin/python bench/candidate_counts.py``.

A diagnostic, not a mode of the product. On the world the last ``de06 bench cleanse`` built, it
runs the cleansing of ``--provinces`` (default: the two largest partitions, 001 and 074) as a dry
run in this process, counting per query of the matcher (``de06/identity/sql/candidates_*.sql``)
the records that got candidates, the candidate rows, how many of those were scored as no evidence
at all (name and ID both disagree: never plausible), and the seconds spent in the query and in
turning its rows into candidates. The run is reverted afterwards. Prints one JSON object; counts
and seconds only.
"""

from __future__ import annotations

import argparse
import collections
import json
import time
import uuid

from de06.cleanse import pipeline
from de06.db import connect
from de06.identity import matcher
from de06.identity.scoring import NO_EVIDENCE

QUERIES = ("candidates_id", "candidates_name", "candidates_fallback")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--provinces", default="001,074", help="comma-separated partitions")
    args = ap.parse_args()
    parts = [p.strip() for p in args.provinces.split(",") if p.strip()]
    by_text = {matcher.sql(q): q for q in QUERIES}
    stats: dict[str, collections.Counter] = {q: collections.Counter() for q in QUERIES}
    fetch, score = matcher._fetch, matcher.score_pair
    last = [QUERIES[0]]  # the query whose rows are being scored (match_std scores after each fetch)

    def counted(cur, query, params=None):
        t = time.perf_counter()
        out = fetch(cur, query, params)
        last[0] = by_text[query]
        s = stats[last[0]]
        s["seconds"] += time.perf_counter() - t
        s["records"] += len(out)
        s["candidates"] += sum(len(v) for v in out.values())
        return out

    def scored(rec, cand, tf):
        p = score(rec, cand, tf)
        stats[last[0]]["no_evidence"] += p.log_odds == NO_EVIDENCE
        return p

    matcher._fetch, matcher.score_pair = counted, scored
    lltp, dancu = connect("lltp"), connect("dancu")
    try:
        run = pipeline.start_run(lltp, f"bench:cands:{uuid.uuid4().hex}", "full", parts, True, dancu=dancu)
        t0, n = time.perf_counter(), 0
        try:
            for p in parts:
                n += pipeline.process_partition(run.run_id, p, lltp, dancu)["input"]
        finally:
            pipeline.revert_run(run.run_id, lltp)
        wall = time.perf_counter() - t0
    finally:
        matcher._fetch, matcher.score_pair = fetch, score
        lltp.close()
        dancu.close()
    out = {"provinces": parts, "input": n, "seconds": round(wall, 1)}
    for q, s in stats.items():
        out[q] = {
            "records": s["records"],
            "candidates": s["candidates"],
            "no_evidence": s["no_evidence"],
            "seconds": round(s["seconds"], 1),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
