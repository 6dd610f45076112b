"""Penal Code rules (de06.domain.penal) on the worked examples of judicial_records.md section 3."""

from __future__ import annotations

from datetime import date

import pytest
from de06.domain import penal

pytestmark = pytest.mark.unit


def test_crime_classes_follow_art9_thresholds():
    assert [penal.crime_class(m) for m in (12, 36, 37, 84, 85, 180, 181)] == [
        "less_serious",
        "less_serious",
        "serious",
        "serious",
        "very_serious",
        "very_serious",
        "extremely_serious",
    ]
    assert penal.crime_class(None) == "extremely_serious"


@pytest.mark.parametrize(
    ("cv", "article", "clause", "penalty", "months", "expected"),
    [
        # the worked example: Art. 260(1) (bracket tops at 5 years: serious), a fine -> no record
        (2015, "260", "1", "fine", None, penal.ART69_NEGLIGENT),
        (2015, "260", "4", "prison", 6, penal.ART69_NEGLIGENT),  # risk-only clause: less serious
        (2015, "260", "2", "prison", 48, None),  # 3-10 years: very serious, the record stays
        (2015, "260", "3", "prison", 120, None),
        (2015, "128", "1", "prison", 24, penal.ART69_NEGLIGENT),
        (2015, "128", "2", "prison", 60, None),
        (1999, "202", "1", "reform", 12, penal.ART69_NEGLIGENT),  # old judgments: the 1999 article
        (1999, "98", "2", "prison", 48, None),
        (2015, "173", "1", "fine", None, None),  # theft is intentional: Art. 69(2) never applies
        (2015, "260", "9", "fine", None, None),  # a clause we do not know keeps the record
        # no clause on the sheet: the penalty decides only when every clause it fits agrees
        (2015, "260", None, "fine", None, penal.ART69_NEGLIGENT),  # fines exist in clauses 1 and 4
        (2015, "260", "", "prison", 48, None),  # clause 1 (serious) or 2 (very serious): unsure
        (2015, "260", None, "prison", 96, None),  # 8 years: clauses 2 or 3 only
        (2015, "260", None, None, None, None),
    ],
)
def test_no_record_basis(cv, article, clause, penalty, months, expected):
    assert penal.no_record_basis(cv, article, clause, penalty, months) == expected


def test_clause_for_picks_a_bracket_that_holds_the_penalty():
    assert penal.clause_for(2015, "260", "fine", None) == "1"
    assert penal.clause_for(2015, "260", "prison", 6) == "4"
    assert penal.clause_for(2015, "260", "prison", 24) == "1"
    assert penal.clause_for(2015, "260", "prison", 72) == "2"
    assert penal.clause_for(2015, "260", "prison", 150) == "3"
    assert penal.clause_for(2015, "260", "prison", 240) == "3"  # above every bracket: the heaviest
    assert penal.clause_for(2015, "173", "prison", 24) is None


def test_expungement_waits_for_an_additional_penalty_that_outlasts_the_period():
    # 2 years' prison ending 10/05/2021: expunged 10/05/2023 ...
    w = penal.waiting_months("prison", 24, False)
    assert penal.expunge_due(date(2021, 5, 10), w, date(2021, 6, 1)) == date(2023, 5, 10)
    # ... unless a 36-month ban from posts, running from release, ends later (Art. 70(3))
    ban_end = penal.additional_end(36, date(2019, 5, 10), date(2021, 5, 10), "prison", False)
    assert ban_end == date(2024, 5, 10)
    assert penal.expunge_due(date(2021, 5, 10), w, date(2021, 6, 1), ban_end) == date(2024, 5, 10)
    # a suspended sentence's ban runs from the judgment's effect
    assert penal.additional_end(12, date(2022, 3, 15), date(2024, 3, 15), "prison", True) == date(2023, 3, 15)
    assert penal.additional_end(None, date(2022, 3, 15), None, "fine", False) is None
    assert penal.expunge_date("prison", date(2019, 5, 10), 24, False, None, ban_end) == date(2024, 5, 10)
    assert penal.expunge_date("death", date(2019, 5, 10), None, False, None) is None
