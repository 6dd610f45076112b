"""Pure rules: code mapping by judgment date, expungement periods, the apply decision."""

from __future__ import annotations

import datetime as dt

import pytest
from de06.domain.penal import expunge_date
from de06.sync.mapping import Refs, Rejection, map_conviction
from de06.sync.rules import TargetState, decide
from qp_sheets import GOOD, at

pytestmark = pytest.mark.unit
D = dt.date
REFS = Refs(
    {
        "court": {
            "KV-QK7": [
                (D(1993, 1, 1), D(2018, 7, 1), "Tòa án quân sự khu vực 1 Quân khu 7", "area"),
                (D(2018, 7, 1), None, "Tòa án quân sự khu vực Quân khu 7", "area"),
            ]
        },
        "crime": {
            "T173": [(D(2018, 1, 1), None, "Trộm cắp tài sản", "173", 2015)],
            "C138": [(D(2000, 7, 1), D(2018, 1, 1), "Trộm cắp tài sản", "138", 1999)],
            "T260": [(D(2018, 1, 1), None, "Vi phạm quy định về tham gia giao thông đường bộ", "260", 2015)],
            "C202": [
                (D(2000, 7, 1), D(2018, 1, 1), "Vi phạm quy định về điều khiển phương tiện", "202", 1999)
            ],
        },
        "article": {
            "2015:173": [(D(2018, 1, 1), None, "173")],
            "1999:138": [(D(2000, 7, 1), None, "173")],
            "2015:260": [(D(2018, 1, 1), None, "260")],
            "1999:202": [(D(2000, 7, 1), None, "260")],
        },
        "sentence": {
            "TCT": [(D(1986, 1, 1), None, "prison", True)],
            "PT": [(D(1986, 1, 1), None, "fine", False)],
        },
    }
)


def sheet(**over):
    return {
        **GOOD,
        "kind": "conviction",
        "conviction_ref": "R",
        "version": 1,
        "sheet_id": 1,
        "updated_at": at(0),
        **over,
    }


def test_court_name_follows_the_version_valid_on_the_judgment_date():
    assert map_conviction(sheet(judgment_date=D(2019, 1, 1)), REFS).court_name.endswith("khu vực Quân khu 7")
    old = map_conviction(
        sheet(judgment_date=D(2016, 1, 1), crime_code="C138", article="138", code_version=1999), REFS
    )
    assert (
        old.court_name.endswith("khu vực 1 Quân khu 7") and old.article == "173" and old.code_version == 1999
    )


@pytest.mark.parametrize(
    "over,reason",
    [
        ({"court_code": "QK8"}, "unknown_court_code:QK8"),
        (
            {"crime_code": "C138", "article": "138", "code_version": 1999},
            "unknown_crime_code:C138",
        ),  # 1999 code in 2023
        ({"judgment_date": None}, "missing_judgment_date"),
        ({"term_months": None}, "missing_term:TCT"),
        ({"article": "174"}, "unknown_article:2015:174"),
    ],
)
def test_unknown_or_inconsistent_codes_are_rejected_never_guessed(over, reason):
    assert map_conviction(sheet(**over), REFS) == Rejection(reason)


TRAFFIC = {"crime_code": "T260", "article": "260"}
OLD_TRAFFIC = {"crime_code": "C202", "article": "202", "code_version": 1999, "judgment_date": D(2016, 1, 1)}


@pytest.mark.parametrize(
    "over, clause, basis",
    [
        ({**TRAFFIC, "clause": "1", "sentence_code": "PT", "term_months": None}, "1", "art69_2_negligent"),
        ({**TRAFFIC, "clause": "01", "term_months": 24}, "1", "art69_2_negligent"),  # leading zero
        ({**TRAFFIC, "clause": "2", "term_months": 48}, "2", None),  # very serious: the record stays
        ({**TRAFFIC, "clause": None, "sentence_code": "PT", "term_months": None}, None, None),  # no clause
        ({**OLD_TRAFFIC, "clause": "1", "term_months": 24}, "1", "art69_2_negligent"),  # via the 1999 article
        ({"clause": "1"}, "1", None),  # theft: intentional
    ],
)
def test_mapping_carries_the_clause_and_the_art69_basis(over, clause, basis):
    m = map_conviction(sheet(**over), REFS)
    assert not isinstance(m, Rejection), m
    assert (m.clause, m.no_record_basis) == (clause, basis)


@pytest.mark.parametrize(
    "over, reason",
    [
        ({**TRAFFIC, "clause": "khoản 1"}, "invalid_clause:khoản 1"),
        ({**TRAFFIC, "clause": "1", "term_months": 96}, "clause_penalty_mismatch:260:1"),  # above the top
    ],
)
def test_a_clause_that_cannot_be_read_or_cannot_hold_the_penalty_is_quarantined(over, reason):
    assert map_conviction(sheet(**over), REFS) == Rejection(reason)


EMBEZZLEMENT = Refs(
    {
        **REFS.tables,
        "crime": {"T353": [(D(2018, 1, 1), None, "Tham ô tài sản", "353", 2015)]},
        "article": {"2015:353": [(D(2018, 1, 1), None, "353")]},
        "sentence": {"TH": [(D(1986, 1, 1), None, "death", False)]},
    }
)


def test_a_death_sentence_the_2025_amending_law_no_longer_allows_is_quarantined():
    death = {"crime_code": "T353", "article": "353", "sentence_code": "TH", "term_months": None}
    before = map_conviction(sheet(**death, judgment_date=D(2025, 6, 30)), EMBEZZLEMENT)
    assert not isinstance(before, Rejection), before
    assert before.main_penalty == "death"
    after = map_conviction(sheet(**death, judgment_date=D(2025, 7, 1)), EMBEZZLEMENT)
    assert after == Rejection("death_penalty_abolished:353")


def test_expungement_worked_examples():
    # 2 years' prison, released 10/05/2021 -> expunged 10/05/2023 (end of term counted from effective date)
    assert expunge_date("prison", D(2019, 5, 10), 24, False, None) == D(2023, 5, 10)
    # 1 year suspended, probation 2 years from 15/03/2022 -> expunged 15/03/2025
    assert expunge_date("prison", D(2022, 3, 15), 12, True, 24) == D(2025, 3, 15)
    assert expunge_date("prison", D(2010, 1, 1), 200, False, None) == D(2031, 9, 1)
    assert expunge_date("death", D(2010, 1, 1), None, False, None) is None


def test_decide_one_outcome_per_sheet_and_expungement_is_monotonic():
    sheets = [
        {
            "kind": "expungement",
            "conviction_ref": "R",
            "sheet_id": 1,
            "updated_at": at(0),
            "expunged_on": D(2027, 1, 1),
            "basis": "automatic",
            "decision_no": None,
        },
        sheet(sheet_id=2, updated_at=at(1), version=2),
        sheet(sheet_id=3, updated_at=at(2), version=1),
        sheet(sheet_id=4, updated_at=at(3), version=2),
        sheet(sheet_id=5, updated_at=at(4), version=3, court_code="XX"),
        sheet(sheet_id=6, updated_at=at(5), version=4, conviction_ref="S"),
    ]
    state = {"S": TargetState(version=5, expunged=True, expunged_on=D(2024, 1, 1))}
    plan = decide(sheets, state, {}, REFS)
    assert [e[5] for e in plan.ledger] == ["parked", "applied", "stale", "duplicate", "quarantined", "stale"]
    assert plan.rows["R"]["expunged"] and plan.rows["R"]["expunged_on"] == D(2027, 1, 1)
    assert plan.parked_applied == [1]
    assert state["S"].expunged  # a stale sheet never clears an expungement
