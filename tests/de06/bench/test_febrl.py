"""The matcher on FEBRL data set 4: data another generator made, with its own dirt (de06.bench.febrl)."""

from __future__ import annotations

import pytest
from de06.bench import febrl


@pytest.mark.unit
def test_pairing_and_difference_follow_febrl_fields():
    assert febrl.original_of("rec-1070-dup-0") == "rec-1070-org"
    org = {"given_name": "michaela", "surname": "neumann", "date_of_birth": "19151111"}
    assert febrl.difference(dict(org), org) == "intact"
    assert febrl.difference({**org, "given_name": "micheala"}, org) == "name_changed"
    assert febrl.difference({**org, "surname": ""}, org) == "name_part_missing"
    assert febrl.difference({**org, "date_of_birth": "19151112", "given_name": ""}, org) == (
        "dob_changed+name_part_missing"
    )
    assert febrl._iso("19151111") == "1915-11-11"
    assert febrl._iso("19150231") is None and febrl._iso("") is None


@pytest.mark.unit
def test_extracts_keep_every_duplicate_and_leave_out_unusable_originals():
    population, records, truth, notes = febrl.extracts()
    assert len(records) == 5000 and set(truth) == {r["record_id"] for r in records}
    left_out = sum(notes["originals_left_out"].values())
    assert len(population) + left_out == 5000 and left_out > 0
    ids = {p["citizen_id"] for p in population}
    # a duplicate's truth is its original when that original is in the population, else nobody
    assert all(t in ids for t in truth.values() if t is not None)
    assert sum(t is None for t in truth.values()) == left_out


@pytest.mark.unit
@pytest.mark.parametrize(
    ("data_set", "originals", "duplicates"), [("1", 500, 500), ("2", 4000, 1000), ("3", 2000, 3000)]
)
def test_mixed_data_sets_split_into_originals_and_duplicates(data_set, originals, duplicates):
    population, records, truth, notes = febrl.extracts(data_set=data_set)
    assert len(records) == duplicates
    assert len(population) + sum(notes["originals_left_out"].values()) == originals
    # several duplicates may share one original (set 3); each names it
    assert all(t is None or t.endswith("-org") for t in truth.values())


@pytest.mark.unit
def test_an_unknown_data_set_is_refused():
    from de06.errors import InputError

    with pytest.raises(InputError, match="no data set '5'"):
        febrl.extracts(data_set="5")


@pytest.mark.postgres
@pytest.mark.parametrize("data_set", ["1", "2", "3"])
def test_febrl_sets_1_to_3_link_no_one_wrongly(migrated, data_set):
    res = febrl.run(data_set=data_set)
    assert sum(res["outcomes"].values()) == res["records"]
    assert res["wrong_links"] == 0 and res["by_difference"]["intact"]["recall"] >= 0.98


@pytest.mark.postgres
def test_febrl4_precision_first_on_data_our_simulator_did_not_make(migrated):
    res = febrl.run()
    assert sum(res["outcomes"].values()) == res["records"] == 5000  # one outcome per record
    # the precision target (at most 1 wrong link in 10,000): none of ~3,300 links is wrong
    assert res["precision"] >= 0.9999 and res["wrong_links"] == 0
    assert res["review_rate"] <= 0.02
    by = res["by_difference"]
    # a duplicate whose names and date of birth FEBRL left as they were is found
    assert by["intact"]["recall"] >= 0.98
    # a changed date of birth is never linked: every link is confirmed by name and date of birth
    for kind, r in by.items():
        if "dob_changed" in kind:
            assert r["outcomes"].get("linked", 0) == 0, kind


@pytest.mark.unit
def test_without_the_data_sets_the_error_names_the_fix(monkeypatch):
    import importlib.util

    from de06.errors import InputError

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(InputError, match="FEBRL data sets are not installed") as exc:
        febrl.febrl_dir()
    assert "uv sync" in exc.value.fix
