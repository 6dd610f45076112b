"""What a cleansing run costs before any matching decision: ``.venv/bin/python bench/cleanse_floor.py``.

A counterfactual measurement, not a mode of the product. On the world the last ``de06 bench
cleanse`` built, it runs the whole cleansing over ``--processes`` worker processes (as the
benchmark's own run does), each variant from empty result tables, interleaved ``--repeat`` times:

- ``full``: the pipeline as it is (what ``de06 bench cleanse`` times as ours);
- ``floor``: the same run with the matcher cut down to the one step no precise method can skip,
  looking every usable ID up in the population (the tier-1 query, the same SQL): a record with
  exactly one citizen found is written as linked to it (its population values come along, as for
  a real link), every other record as unmatched. No scoring, no decisions, no name and date blocks.
  Reading the source, standardising, and writing outcomes, cleaned values and the rule trail stay
  as they are.

With ``--peer pandas_merge`` the pandas merge baseline runs too, in each round, on the extracts the
benchmark exports (the export's own time is reported beside it). Prints one JSON object: the wall
seconds of every run and the medians. ``floor`` is a lower bound for any design that keeps the
pipeline's reads and writes: if it is not ahead of the merge, no faster matching can put ours
ahead. The result tables are emptied at the end; the floor's outcomes are not quality figures.

It clears the cleansing history, as the benchmark does, so like the benchmark it refuses a
database holding review decisions people made unless given ``--discard-review-decisions``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from de06 import config
from de06.bench.cleanse import clear_history, export_files, run_ours, run_peer
from de06.bench.common import DISCARD_FLAG, guard_script
from de06.cleanse import pipeline
from de06.identity import matcher


def floor_match(stds, dancu_conn, tf=None) -> list[matcher.MatchResult]:
    """Tier-1 lookup only: linked when exactly one citizen holds the record's ID, else unmatched."""
    live = [None if s.reject else s for s in stds]
    with dancu_conn.cursor() as cur:
        matcher._load_ids(cur, live)
        found = matcher._fetch(cur, matcher.sql("candidates_id"))
        cur.execute("TRUNCATE m_batch, m_keys, m_loose")
    out = []
    for k, s in enumerate(stds):
        if s.reject:
            out.append(matcher.MatchResult(s.key, "rejected", None, None, None, [s.reject], [], std=s))
            continue
        rows = found.get(k, [])
        if len(rows) == 1:
            c = rows[0]
            out.append(
                matcher.MatchResult(
                    s.key, "linked", int(c["citizen_id"]), c["via"], 0.0, ["floor"], [], std=s, citizen=c
                )
            )
        else:
            out.append(matcher.MatchResult(s.key, "unmatched", None, None, None, ["floor"], [], std=s))
    return out


def _run(processes: int) -> float:
    """One whole run from empty result tables, timed as ``de06 bench cleanse`` times ours."""
    clear_history()
    return run_ours(processes)["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--peer", default="", help="pandas_merge to time the merge baseline in each round")
    ap.add_argument(DISCARD_FLAG, action="store_true", help="drop review decisions people made")
    args = ap.parse_args()
    guard_script(args.discard_review_decisions)
    real = pipeline.match_std
    runs: dict[str, list[float]] = {"full": [], "floor": []}
    paths = None
    out: dict = {}
    if args.peer:
        t0 = time.perf_counter()
        paths = export_files(config.local_dir() / "bench" / "cleanse")
        out["peer_export_seconds"] = round(time.perf_counter() - t0, 1)
        runs[args.peer] = []
    for _ in range(args.repeat):
        pipeline.match_std = real
        runs["full"].append(_run(args.processes))
        pipeline.match_std = floor_match  # the forked workers inherit it
        runs["floor"].append(_run(args.processes))
        pipeline.match_std = real
        if paths:
            res = run_peer(args.peer, paths[0], paths[1], args.processes)
            runs[args.peer].append(res.get("seconds"))
    clear_history()
    out["runs"] = runs
    out["medians"] = {k: statistics.median(v) for k, v in runs.items() if v and None not in v}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
