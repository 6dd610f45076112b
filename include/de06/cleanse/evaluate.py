"""Quality of a cleansing run against the simulator's ground truth (benchmarks and tests only).

Precision = correct links / links; recall = correct links / records whose true citizen is in the
population; review rate = review outcomes / input. Per noise kind as well. Reads ``truth``, which no
pipeline ever does.
"""

from __future__ import annotations

from collections import defaultdict

from de06.errors import De06Error


def metrics_from_pairs(pairs: list[tuple[str, int | None, int | None, list[str]]]) -> dict:
    """pairs: (outcome, linked citizen, true citizen, noise kinds) per record."""
    n = len(pairs)
    outcomes = defaultdict(int)
    links = correct = with_truth = 0
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "links": 0, "correct": 0, "truth": 0})
    for outcome, got, true, noise in pairs:
        outcomes[outcome] += 1
        is_link = outcome == "linked"
        ok = is_link and true is not None and got == true
        links += is_link
        correct += ok
        with_truth += true is not None
        for k in noise or ["none"]:
            d = kinds[k]
            d["n"] += 1
            d["links"] += is_link
            d["correct"] += ok
            d["truth"] += true is not None
    return {
        "records": n,
        "precision": correct / links if links else 1.0,
        "recall": correct / with_truth if with_truth else 1.0,
        "review_rate": outcomes["review"] / n if n else 0.0,
        "wrong_links": links - correct,
        "outcomes": {k: outcomes.get(k, 0) for k in ("linked", "review", "unmatched", "rejected")},
        "by_noise": {
            k: {
                "n": d["n"],
                "precision": d["correct"] / d["links"] if d["links"] else 1.0,
                "recall": d["correct"] / d["truth"] if d["truth"] else 1.0,
            }
            for k, d in sorted(kinds.items())
        },
    }


def run_pairs(lltp, truth, run_id: int) -> list[tuple]:
    with lltp.cursor() as cur:
        cur.execute("SELECT pruned_at FROM cleanse_run WHERE run_id = %s", (run_id,))
        row = cur.fetchone()
        if row is not None and row[0] is not None:
            raise De06Error(
                f"run {run_id} was pruned: its outcomes may be partly deleted, so its quality"
                " cannot be measured",
                "evaluate a run inside the retention window (de06 cleanse runs lists them)",
            )
        cur.execute("SELECT record_id, outcome, citizen_id FROM record_outcome WHERE run_id = %s", (run_id,))
        got = {r: (o, c) for r, o, c in cur.fetchall()}
    with truth.cursor() as cur:
        cur.execute(
            "SELECT record_id, citizen_id, noise FROM record_truth WHERE record_id = ANY (%s)", (list(got),)
        )
        tr = {r: (c, n) for r, c, n in cur.fetchall()}
    return [(o, c, *tr.get(r, (None, []))) for r, (o, c) in got.items()]


def evaluate_run(lltp, truth, run_id: int) -> dict:
    return metrics_from_pairs(run_pairs(lltp, truth, run_id))
