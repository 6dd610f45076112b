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
    ("cv", "article", "clause", "expected"),
    [
        # the worked example: Art. 260(1) (bracket tops at 5 years: serious) -> no record
        (2015, "260", "1", penal.ART69_NEGLIGENT),
        (2015, "260", "4", penal.ART69_NEGLIGENT),  # risk-only clause: less serious
        (2015, "260", "2", None),  # 3-10 years: very serious, the record stays
        (2015, "260", "3", None),
        (2015, "128", "1", penal.ART69_NEGLIGENT),
        (2015, "128", "2", None),
        (2015, "260", "01", penal.ART69_NEGLIGENT),  # a clause written with a leading zero
        (1999, "202", "1", penal.ART69_NEGLIGENT),  # old judgments: the 1999 article ...
        (1999, "260", "1", penal.ART69_NEGLIGENT),  # ... or its 2015 number, as the sync stores it
        (1999, "98", "2", None),
        (2015, "202", "1", None),  # 202 is not a 2015 negligent article
        (2015, "173", "1", None),  # theft is intentional: Art. 69(2) never applies
        # Art. 406 negligently revealing military secrets ("vô ý" in the article's own words):
        # (1) reform <= 2 y or prison 3 months-2 y, less serious; (2) prison 1-5 y, serious.
        # Neither clause tops above 7 years, so no 406 conviction leaves a record.
        (2015, "406", "1", penal.ART69_NEGLIGENT),
        (2015, "406", "2", penal.ART69_NEGLIGENT),
        (2015, "406", "3", None),  # Art. 406 has two clauses: a third is not ours to read
        (1999, "406", "1", None),  # no 1999 twin is listed (its 1999 text was not read)
        (2015, "404", "1", None),  # intentionally revealing military secrets
        # Art. 414: "làm mất" (losing) carries no fault word, only the damaging is "vô ý", and
        # both acts share each clause; Art. 407 (losing military secret documents) likewise
        (2015, "414", "1", None),
        (2015, "414", "2", None),
        (2015, "407", "1", None),
        (2015, "260", "9", None),  # a clause we do not know keeps the record
        # no clause: the record stays, whatever the penalty (Art. 54(1) lets a court applying
        # clause 2, very serious, go down into clause 1's fine)
        (2015, "260", None, None),
        (2015, "260", "", None),
        (2015, "260", "khoản 1", None),
    ],
)
def test_no_record_basis(cv, article, clause, expected):
    assert penal.no_record_basis(cv, article, clause) == expected


@pytest.mark.parametrize(
    ("clause", "penalty", "months", "conflict"),
    [
        ("1", "prison", 96, True),  # 8 years above clause 1's 5-year top: a corrupt sheet
        ("4", "prison", 60, True),
        ("2", "life", None, True),
        ("1", "prison", 60, False),
        ("2", "prison", 6, False),  # below the bracket: lawful (Art. 54)
        ("2", "fine", None, False),  # into the next lighter bracket: lawful (Art. 54(1))
        (None, "prison", 300, False),  # no clause: nothing to contradict
        ("9", "prison", 300, False),  # an unknown clause: not ours to judge
    ],
)
def test_clause_conflict(clause, penalty, months, conflict):
    assert penal.clause_conflict(2015, "260", clause, penalty, months) is conflict
    assert penal.clause_conflict(2015, "173", clause, penalty, months) is False


@pytest.mark.parametrize(
    ("clause", "penalty", "months", "conflict"),
    [
        ("1", "prison", 30, True),  # Art. 406(1) tops at 2 years
        ("1", "prison", 24, False),
        ("1", "reform", 24, False),
        ("2", "prison", 72, True),  # Art. 406(2) tops at 5 years
        ("2", "prison", 60, False),
        ("2", "prison", 3, False),  # below the bracket: lawful (Art. 54)
        ("2", "life", None, True),
    ],
)
def test_clause_conflict_art406(clause, penalty, months, conflict):
    assert penal.clause_conflict(2015, "406", clause, penalty, months) is conflict


def test_art406_brackets_read_from_the_law():
    assert [(b.clause, b.low, b.top, b.non_custodial) for b in penal.brackets(2015, "406")] == [
        ("1", 3, 24, True),
        ("2", 12, 60, False),
    ]
    assert [b.crime_class for b in penal.brackets(2015, "406")] == ["less_serious", "serious"]
    assert penal.clause_for(2015, "406", "reform", 12) == "1"
    assert penal.clause_for(2015, "406", "prison", 6) == "1"
    assert penal.clause_for(2015, "406", "prison", 30) == "2"
    assert penal.clause_for(2015, "406", "prison", 80) == "2"  # above every bracket: the heaviest
    assert penal.brackets(2015, "414") == ()


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
    # supervision after a life sentence runs from release, which is not known
    assert penal.additional_end(24, date(2022, 3, 15), None, "life", False) is None
    reform_ban = penal.additional_end(12, date(2022, 3, 15), date(2022, 9, 15), "reform", False)
    assert reform_ban == date(2023, 3, 15)  # from the judgment's effect, not from the reform's end
    assert penal.expunge_date("prison", date(2019, 5, 10), 24, False, None, ban_end) == date(2024, 5, 10)
    assert penal.expunge_date("death", date(2019, 5, 10), None, False, None) is None
