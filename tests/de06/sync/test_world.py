"""The military simulator's world, synced batch by batch, ends exactly in its expected state."""

from __future__ import annotations

from collections import Counter

import pytest
from de06.simulators import military as sim
from de06.sync.runner import SyncOptions, run_sync
from de06.sync.verify import compare

pytestmark = pytest.mark.postgres


def test_generator_is_deterministic_and_mixes_every_change_kind(people):
    p = sim.MilitaryParams(initial=150, changes=300, seed=11, batches=2)
    a, b = sim.generate(p, *people), sim.generate(p, *people)
    assert [(s.sheet_id, s.ref, s.version, s.updated_at, s.values) for s in a.sheets] == [
        (s.sheet_id, s.ref, s.version, s.updated_at, s.values) for s in b.sheets
    ]
    classes = Counter(s.change_class for s in a.sheets if s.batch > 0)
    for kind in ("update", "expunge", "new", "duplicate", "out_of_order", "late", "early_expunge"):
        assert classes[kind] > 0, kind
    # several sheets share a timestamp; late rows are stamped before their batch starts
    assert len({s.updated_at for s in a.sheets}) < len(a.sheets)
    assert all(
        s.updated_at < p.as_of + (s.batch - 1) * sim.dt.timedelta(hours=p.batch_hours)
        for s in a.sheets
        if s.change_class == "late"
    )


def test_world_synced_batch_by_batch_matches_the_expected_state(fresh, people, pg):
    p = sim.MilitaryParams(initial=200, changes=400, seed=5, batches=3)
    world = sim.generate(p, *people)
    qp, truth, lltp = pg("qp"), pg("truth"), pg("lltp")
    sim.write_truth(truth, world)
    for b in range(p.batches + 1):
        sim.load_batch(qp, world, b)
        r = run_sync(SyncOptions(run_key=f"world-{b}", chunk_size=100))
        assert r.status == "succeeded" and r.reconciled
    got = compare(lltp, truth)
    assert got["expected"] > 200
    assert {
        k: got[k] for k in ("lost", "applied_twice", "stale_overwrites", "mismatched", "unexpected")
    } == dict.fromkeys(("lost", "applied_twice", "stale_overwrites", "mismatched", "unexpected"), 0)
    assert got["target"] == got["expected"]


def test_expungement_sheets_carry_the_legal_date_and_no_record_convictions_get_none(people):
    """A court's expungement sheet states the date the law sets (main penalty end + waiting
    period, Art. 70), not the day it was uploaded; a conviction after which no record arose
    (Art. 69(2)) gets no expungement sheet at all; a negligent crime's sheet carries a clause that
    can hold its penalty."""
    from de06.domain import penal

    p = sim.MilitaryParams(initial=600, changes=600, seed=7, batches=2)
    world = sim.generate(p, *people)
    legal: dict[str, set] = {}  # the legal date of each version's content (an amnesty moves it)
    clause_of: dict[str, set] = {}
    for s in world.sheets:
        if s.kind == "conviction" and s.intended in ("applied", "stale"):
            v = s.values
            penalty = sim.SENTENCES[v["sentence_code"]][0]
            legal.setdefault(s.ref, set()).add(
                penal.expunge_date(
                    penalty, v["effective_date"], v["term_months"], v["suspended"], v["probation_months"]
                )
            )
            clause_of.setdefault(s.ref, set()).add((v["code_version"], v["article"], v["clause"]))
            assert not penal.clause_conflict(
                v["code_version"], v["article"], v["clause"], penalty, v["term_months"]
            )
    sheets = [s for s in world.sheets if s.kind == "expungement" and s.intended != "quarantined"]
    assert {s.change_class for s in sheets} >= {"initial", "expunge", "early_expunge"}
    for s in sheets:
        if s.change_class != "duplicate":
            assert s.values["expunged_on"] in legal[s.ref]
            assert s.values["expunged_on"] < s.updated_at.date()
    no_record = {ref for ref, cs in clause_of.items() if any(penal.no_record_basis(*c) for c in cs)}
    assert no_record, "the world has no Art. 69(2) conviction to test"
    assert not {s.ref for s in sheets} & no_record
