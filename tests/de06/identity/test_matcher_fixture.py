"""The matcher on a hand-made held-out fixture (written independently of the simulator).

tests/de06/identity/fixtures: 25 citizens (namesakes, compound and minority names, old CMNDs) and
42 records with hand-applied dirt and the true citizen (empty when the person is not in the
population). Runs in a scratch schema of lltp through the same SQL as the DAG.
"""

import csv
from collections import Counter
from pathlib import Path

import pytest
from de06.cleanse.scratch import scratch_population
from de06.identity.matcher import IdentityInput, match_identities

pytestmark = pytest.mark.postgres
F = Path(__file__).with_name("fixtures")


def _load():
    pop = list(csv.DictReader(open(F / "population.csv", encoding="utf-8")))
    old = [(r["citizen_id"], r["cmnd_old"]) for r in csv.DictReader(open(F / "population_extra.csv"))]
    recs = list(csv.DictReader(open(F / "records.csv", encoding="utf-8")))
    return pop, old, recs


@pytest.fixture(scope="module")
def results(migrated):
    from de06.db import connect

    pop, old, recs = _load()
    conn = connect("lltp")
    try:
        with scratch_population(conn, pop, old) as ids:
            inputs = [
                IdentityInput(
                    r["record_id"],
                    r["full_name"] or None,
                    r["dob_text"],
                    r["id_number"] or None,
                    r["sex"],
                    r["birth_province"],
                )
                for r in recs
            ]
            res = match_identities(inputs, conn)
            yield recs, res, ids
    finally:
        conn.close()


def test_one_result_per_input_in_order(results):
    recs, res, _ = results
    assert [m.key for m in res] == [r["record_id"] for r in recs]
    assert all(m.outcome in {"linked", "review", "unmatched", "rejected"} for m in res)


def test_no_wrong_link_and_recall(results):
    recs, res, ids = results
    wrong = [
        r["record_id"]
        for r, m in zip(recs, res, strict=True)
        if m.outcome == "linked" and ids[m.citizen_id] != r["true_citizen_id"]
    ]
    assert wrong == []
    with_truth = [(r, m) for r, m in zip(recs, res, strict=True) if r["true_citizen_id"]]
    found = sum(1 for r, m in with_truth if m.outcome == "linked")
    assert found / len(with_truth) >= 0.95


def test_counts_per_tier(results):
    _, res, _ = results
    tiers = Counter(m.tier for m in res if m.outcome == "linked")
    assert tiers["cccd_exact"] >= 15 and tiers["cmnd"] >= 4
    assert tiers["cccd_one_digit"] == 1 and tiers["fuzzy"] >= 4


def test_namesakes_without_id_go_to_review_with_both_candidates(results):
    recs, res, ids = results
    m = dict(zip([r["record_id"] for r in recs], res, strict=True))["R07"]
    assert m.outcome == "review" and "two_plausible_candidates" in m.reasons
    assert {ids[c["citizen_id"]] for c in m.candidates} == {"P05", "P06"}


@pytest.mark.parametrize("rid", ["R41", "R42"])
def test_ede_prefix_written_apart_is_the_same_name(results, rid):
    """identity.md section 5: the female prefix H' may be written without its apostrophe, also as a
    separate word ("H Hen Niê" for "H'Hen Niê"): the same name, linked (by ID, or by name and
    date of birth for the record without one)."""
    recs, res, ids = results
    m = dict(zip([r["record_id"] for r in recs], res, strict=True))[rid]
    assert m.outcome == "linked" and ids[m.citizen_id] == "P08"
    assert any(r.startswith("name:") and r != "name:mismatch" for r in m.reasons)


def test_conflicting_id_never_links(results):
    recs, res, _ = results
    m = dict(zip([r["record_id"] for r in recs], res, strict=True))["R26"]
    assert m.outcome == "review" and "gate:id_conflict" in m.reasons


@pytest.mark.parametrize(
    "rid, reason",
    [("R31", "name_empty"), ("R32", "dob_unparseable_and_no_usable_id"), ("R34", "name_legacy_encoding")],
)
def test_bad_input_rejected_with_reason(results, rid, reason):
    recs, res, _ = results
    m = dict(zip([r["record_id"] for r in recs], res, strict=True))[rid]
    assert m.outcome == "rejected" and m.reasons[0] == reason


def test_sql_fold_equals_python_fold(pg):
    from de06.identity.text import fold

    samples = ["Nguyễn Văn Đức", "H'Hen Niê", "Ðặng  Thị-Lan", "TRẦN THỊ NGỌC ÁNH", "Hoàng Phủ Ngọc Tường"]
    cur = pg("dancu").cursor()
    for s in samples:
        cur.execute("SELECT de06_fold(%s), de06_first_token(%s), de06_last_token(%s)", (s, s, s))
        got = cur.fetchone()
        assert got == (fold(s), fold(s).split()[0], fold(s).split()[-1])
